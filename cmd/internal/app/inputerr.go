package app

import (
	"errors"
	"fmt"
)

// inputErrorf builds an InputError about field ("amount", "--from",
// "validator 2"; "" when the message says it).
func inputErrorf(field, format string, args ...any) error {
	return fieldError(field, fmt.Errorf(format, args...))
}

// fieldError marks err as a mistake in what was typed for field.
func fieldError(field string, err error) error {
	if field == "" {
		return &InputError{Err: err}
	}
	return &InputError{Err: fmt.Errorf("%s: %w", field, err)}
}

// IsInputError reports whether err is (or wraps) a mistake in what the user
// typed (kind ErrUsage).
func IsInputError(err error) bool { return errors.Is(err, ErrUsage) }
