package cli

import (
	"context"
	"encoding/json"
	"math/big"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

// buildFromChain assembles the transaction from the verified chain of the
// network flags: the finalized head gives the era's block, its runtime the
// versions, metadata and fee; the account's nonce comes from the chain and
// this machine's pending transactions (--nonce overrides it). Spec and
// transaction version and genesis hash given by flag must agree with it.
func buildFromChain(ctx context.Context, f *Factory, o *txBuildOptions, callText string, tip *big.Int) (*xtBuilt, error) {
	for _, name := range offlineOnly {
		if o.changed(name) {
			return nil, app.Usagef("--%s describes the chain by hand: it applies offline, with --metadata", name)
		}
	}
	net, err := f.Network()
	if err != nil {
		return nil, err
	}
	// The call's pallet routes it to its chain of the network.
	var head struct {
		Pallet string `json:"pallet"`
	}
	_ = json.Unmarshal([]byte(callText), &head)
	ce, err := openChainFor(ctx, f, head.Pallet)
	if err != nil {
		return nil, err
	}
	defer ce.Close()
	from, _, err := ce.resolveAccount(o.from)
	if err != nil {
		return nil, err
	}
	rt, err := ce.sess.Latest(ctx)
	if err != nil {
		return nil, err
	}
	call, err := rt.Codec.EncodeCall([]byte(callText))
	if err != nil {
		return nil, app.Usagef("--call: %v", err)
	}
	req := app.Request{From: from, Call: call, Tip: tip, EraPeriod: o.eraPeriod, Immortal: o.eraPeriod == 0, SkipChecks: true, SkipDryRun: true}
	prep, err := ce.sess.Prepare(ctx, req)
	if err != nil {
		return nil, err
	}
	p := prep.Params
	if o.changed("nonce") {
		p.Nonce = o.nonce
	}
	for _, c := range []struct {
		flag        string
		given, have uint32
	}{{"spec-version", o.specVersion, p.SpecVersion}, {"tx-version", o.txVersion, p.TxVersion}} {
		if o.changed(c.flag) && c.given != c.have {
			return nil, app.Usagef("--%s %d contradicts the chain, whose runtime has %d", c.flag, c.given, c.have)
		}
	}
	if o.changed("genesis-hash") {
		g, err := xtHash32(o.genesis, "--genesis-hash")
		if err != nil {
			return nil, err
		}
		if g != p.GenesisHash {
			return nil, app.Usagef("--genesis-hash %s contradicts the chain, whose genesis is %s", xtHexString(g[:]), xtHexString(p.GenesisHash[:]))
		}
	}
	if o.metadataOut != "" {
		if err := writePrivateFile(o.metadataOut, rt.Meta.Encode(), true); err != nil {
			return nil, err
		}
		f.Infof("wrote the runtime's metadata (spec %d) to %s", p.SpecVersion, o.metadataOut)
	}
	net.SS58Prefix, net.Decimals, net.Symbol = ce.sess.Token.SS58Prefix, ce.sess.Token.Decimals, ce.sess.Token.Symbol
	env := &xtEnv{md: rt.Meta, format: rt.Format, codec: rt.Codec, net: net}
	b := &xtBuilt{env: env, call: call, from: from, params: &p, blockNumber: prep.At.Number,
		hashPossible: prep.MetadataHash || prep.MetadataDigest == nil, note: prep.MetadataHashNote,
		fee: prep.Fee, decimals: ce.sess.Token.Decimals, symbol: ce.sess.Token.Symbol, chain: ce.sess.ChainID()}
	if o.eraPeriod == 0 {
		b.blockNumber = 0
	}
	return b, nil
}
