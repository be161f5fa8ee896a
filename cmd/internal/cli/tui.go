package cli

import (
	"context"

	"github.com/ksm-wallet/ksm/tui"
)

// tuiKeys lists the keystore's keys for the TUI; it reads no secret.
type tuiKeys struct{ f *Factory }

func (k tuiKeys) ListKeys(ctx context.Context) ([]tui.Key, error) {
	env, err := openKeyEnv(k.f)
	if err != nil {
		return nil, err
	}
	entries, err := env.store.List()
	out := make([]tui.Key, 0, len(entries))
	for _, e := range entries {
		j := keyEntryJSON(e, env.net)
		addr := j.SS58Address
		if j.EthAddress != "" {
			addr = j.EthAddress
		}
		out = append(out, tui.Key{Name: j.Name, Scheme: j.Scheme, PublicKey: j.PublicKey, Address: addr, WatchOnly: j.WatchOnly})
	}
	return out, err
}

// runTUI opens the terminal UI when ksm runs with no arguments on a terminal.
func runTUI(ctx context.Context, f *Factory) error {
	net, err := f.Network()
	if err != nil {
		return err
	}
	return tui.Run(ctx, tui.Options{Keys: tuiKeys{f}, Network: net.Name}, f.IO.In, f.IO.Out)
}
