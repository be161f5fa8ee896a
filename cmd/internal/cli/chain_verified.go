package cli

import (
	"context"
	"path/filepath"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
)

// paraInclusionTimeout bounds the wait for the relay chain to prove the
// parachain block that includes a transaction sent through a parachain
// endpoint; paraInclusionPoll is how often it is asked (tests shorten them).
var (
	paraInclusionTimeout = chain.DefaultInclusionTimeout
	paraInclusionPoll    = time.Second
)

// lightChain is the Chain a started light client gives: every answer
// proven, reads pinned to one finalized block with Pin.
type lightChain interface {
	chain.Chain
	Pin(ctx context.Context) (*chain.Header, error)
}

var (
	_ lightChain = (*chain.Light)(nil)
	_ lightChain = (*chain.LightPara)(nil)
)

// newLightChain wraps a started (and synced) light client as the Chain the
// use cases read: every answer proven, runtime calls executed locally with
// compiled runtimes kept under <home>/cache/wasm. On a parachain network
// (or --para) it is the parachain seen through the relay chain
// (chain.LightPara: heads proven by the relay's Paras::Heads, the
// parachain's own runtime executed). Closing it closes le when owns is set
// (else only its compiled runtimes).
func newLightChain(le *lightEnv, home string, owns bool) lightChain {
	n := le.net
	closeEnv := func() error { return nil }
	if owns {
		closeEnv = func() error {
			le.Close()
			return nil
		}
	}
	opts := chain.LightOptions{
		Genesis: chain.Hash(le.genesis),
		Properties: chain.Properties{SS58Prefix: n.SS58Prefix, HasSS58: true, Decimals: n.Decimals, HasDecimals: true,
			Symbol: n.Symbol},
		Compile: chain.ExecutorCompiler(filepath.Join(home, "cache", "wasm")),
		// The keys each runtime method read last time, proven in one
		// batch before the next call.
		ReadSets: filepath.Join(home, "cache", "readsets"),
		Close:    closeEnv,
	}
	if pe := le.para; pe != nil {
		// The parachain's genesis and the network's token (a --para read
		// on a relay network knows neither: the relay's token is kept,
		// the genesis left zero). Transactions go through the
		// parachain's endpoint when there is one (the blocks it says
		// include them are proven through the relay chain); over the
		// parachain's libp2p network alone none can be sent.
		opts.Genesis = chain.Hash(pe.genesis)
		lp := chain.NewLightPara(le.client.Para(pe.id), opts)
		if pe.rpc != nil {
			f := le.f
			if err := lp.SubmitThrough(pe.rpc, chain.ParaSubmitOptions{Timeout: paraInclusionTimeout, Poll: paraInclusionPoll,
				Progress: func(msg string) { f.Infof("%s", msg) }}); err != nil {
				f.Warnf("%s: %v", pe.name, err)
			}
		}
		return lp
	}
	opts.Submit = chain.LightSubmitter(le.client)
	return chain.NewLight(le.client, opts)
}
