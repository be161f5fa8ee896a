package app

import (
	"context"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
)

// SubmitDecoded sends an extrinsic signed elsewhere (decoded as x, on the
// chain whose head is at) once and follows it, with Submit's bookkeeping
// of this machine's pending nonces (SubmitTracked) when it names its
// signer and nonce.
func (s *Session) SubmitDecoded(ctx context.Context, ext []byte, x *extrinsic.Decoded, at chainclient.Header, progress Progress) (*Outcome, error) {
	var from [32]byte
	ok := x.Address != nil && x.Extra.HasNonce
	if ok {
		from, ok = x.Address.AccountID()
	}
	if !ok {
		return s.SubmitSigned(ctx, ext, progress)
	}
	snd := Sender{From: from, Nonce: x.Extra.Nonce}
	if x.Extra.Era.Mortal {
		snd.Born, snd.Death = x.Extra.Era.Birth(at.Number), x.Extra.Era.Death(at.Number)
	}
	return s.SubmitTracked(ctx, ext, snd, progress)
}
