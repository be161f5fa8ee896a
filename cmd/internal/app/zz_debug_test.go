package app

import (
	"context"
	"math/big"
	"os"
	"testing"

	"github.com/ksm-wallet/ksm/tx/extrinsic"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

func TestZZDebug(t *testing.T) {
	url := os.Getenv("ZZ_URL")
	if url == "" {
		t.Skip()
	}
	ctx := context.Background()
	c, err := chain.DialRPC(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pair, err := keys.FromURI("//Alice", keys.Sr25519)
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := keys.FromURI("//Bob", keys.Sr25519)
	rt, _ := s.Latest(ctx)
	call, _ := rt.Calls.TransferKeepAlive(bob.AccountID(), big.NewInt(20000000000))
	p, err := s.Prepare(ctx, Request{From: pair.AccountID(), Call: call, Spend: big.NewInt(20000000000)})
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("ZZ_MODE0") != "" {
		p.Params.MetadataHash = nil
		p.Payload, _ = rt.Format.SigningPayload(call, &p.Params)
	}
	t.Logf("mh %v %q", p.MetadataHash, p.MetadataHashNote)
	{
		extra, _ := rt.Format.AppendExtra(nil, &p.Params)
		ext, _ := rt.Format.Assemble(call, extrinsic.IDAddress(p.From), placeholderSignature(""), extra)
		raw, err := c.DryRun(ctx, ext, p.At.Hash)
		t.Logf("probe %x %v", raw, err)
		out, err := decodeApplyResult(rt, raw)
		t.Logf("probe %v %v", out, err)
	}
	signed, _ := p.Sign(pair)
	best, _ := c.BestHead(ctx)
	raw, err := c.DryRun(ctx, signed, best.Hash)
	t.Logf("dryrun %x %v", raw, err)
	v, err := s.CallAPI(ctx, rt, best.Hash, "TaggedTransactionQueue", "validate_transaction", "External", RawArg(signed), best.Hash.String())
	t.Logf("validate %v %v", v, err)
}
