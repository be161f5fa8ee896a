package cli

import (
	"path/filepath"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
)

// newLightChain wraps a started (and synced) light client as the Chain the
// use cases read: every answer proven, runtime calls executed locally with
// compiled runtimes kept under <home>/cache/wasm. Closing it closes le when
// owns is set (else only its compiled runtimes).
func newLightChain(le *lightEnv, home string, owns bool) *chain.Light {
	n := le.net
	closeEnv := func() error { return nil }
	if owns {
		closeEnv = func() error {
			le.Close()
			return nil
		}
	}
	return chain.NewLight(le.client, chain.LightOptions{
		Genesis: chain.Hash(le.genesis),
		Properties: chain.Properties{SS58Prefix: n.SS58Prefix, HasSS58: true, Decimals: n.Decimals, HasDecimals: true,
			Symbol: n.Symbol},
		Compile: chain.ExecutorCompiler(filepath.Join(home, "cache", "wasm")),
		Submit:  chain.LightSubmitter(le.client),
		Close:   closeEnv,
	})
}
