package p2p

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
)

// ErrTimeout means a request, dial or handshake hit its deadline.
var ErrTimeout = errors.New("p2p: timed out")

// ctxErr maps a context error to ErrTimeout or the cancellation.
func ctxErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

// ctxOr prefers the context's error (deadline or cancellation) over err,
// which is often only a consequence of it (a reset stream).
func ctxOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctxErr(ctx.Err())
	}
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}
