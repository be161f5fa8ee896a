package chainclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ksm-wallet/ksm/lightclient"
)

// LightSubmitter adapts the light client's Submit (transactions sent to its
// peers, inclusion found in verified finalized block bodies) to
// LightOptions.Submit.
func LightSubmitter(c *lightclient.Client) func(ctx context.Context, extrinsic []byte) (Watch, error) {
	return func(ctx context.Context, extrinsic []byte) (Watch, error) {
		s, err := c.Submit(ctx, extrinsic)
		if err != nil {
			return nil, submitErr(err)
		}
		return &lightWatch{s: s}, nil
	}
}

// submitErr classifies a refused or failed submission: an endpoint's refusal
// is a *RejectedError (it will not be included); anything else may have
// left this machine.
func submitErr(err error) error {
	if errors.Is(err, lightclient.ErrRejected) {
		msg := err.Error()
		if i := strings.LastIndex(msg, lightclient.ErrRejected.Error()+": "); i >= 0 {
			msg = msg[i+len(lightclient.ErrRejected.Error())+2:]
		}
		return &RejectedError{Message: msg}
	}
	return &SubmitError{MaybeSent: !errors.Is(err, lightclient.ErrClosed), Err: lightErr("submit", err)}
}

// lightWatch follows a light-client Submission.
type lightWatch struct{ s *lightclient.Submission }

func (w *lightWatch) Next(ctx context.Context) (Status, error) {
	st, err := w.s.Next(ctx)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Status{}, fmt.Errorf("transaction status: %w: the watch ended", ErrDisconnected)
		}
		return Status{}, lightErr("transaction status", err)
	}
	return lightStatus(st), nil
}

func (w *lightWatch) Close() error {
	w.s.Close()
	return nil
}

// lightStatus is a light-client status as a chain Status (the same
// vocabulary). "finalized" means found in a verified finalized block body.
func lightStatus(st lightclient.SubmitStatus) Status {
	s := Status{Kind: st.Kind, Detail: st.Detail}
	if st.Kind == StatusFinalized {
		s.Block = Hash(st.Block)
	}
	return s
}
