package app

import (
	"errors"
	"fmt"
)

// InputError means something the user typed, or a file they named, is
// wrong: a key name, an address, an amount, an index, a flag. Plans return
// it before any network step; callers show Error() and (on the command
// line) exit with 2.
type InputError struct {
	// Field names what was wrong ("amount", "--from", "validator 2");
	// empty when the message says it.
	Field string
	Err   error
}

func (e *InputError) Error() string {
	if e.Field == "" {
		return e.Err.Error()
	}
	return e.Field + ": " + e.Err.Error()
}

func (e *InputError) Unwrap() error { return e.Err }

// inputErrorf builds an InputError about field.
func inputErrorf(field, format string, args ...any) error {
	return &InputError{Field: field, Err: fmt.Errorf(format, args...)}
}

// IsInputError reports whether err is (or wraps) an InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}
