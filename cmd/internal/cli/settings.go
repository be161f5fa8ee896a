package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/config"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
)

// Environment variables that stand for global flags (docs/cli.md): a flag
// on the command line wins over them, they win over the configuration file.
const (
	envNetwork  = "KSM_NETWORK"
	envRPC      = "KSM_RPC"
	envRelayRPC = "KSM_RELAY_RPC"
	// envAssetHubRPC stands for --asset-hub-rpc.
	envAssetHubRPC = "KSM_ASSET_HUB_RPC"
)

// applySettings fills the global options not given on the command line
// from the KSM_* variables, then from <home>/config.json: flag > environment
// > configuration file > default. Endpoints in the file are per chain
// (rpc.<chain>): --rpc takes the active network's, --relay-rpc (on a
// parachain network) its relay chain's, --asset-hub-rpc (on a relay
// network) its Asset Hub's. A file with an unknown key or a
// bad value is exit 2. Nothing is created.
func (f *Factory) applySettings(cmd *cobra.Command) error {
	changed := func(name string) bool {
		fl := cmd.Flags().Lookup(name)
		return fl != nil && fl.Changed
	}
	cfg, err := f.loadConfig()
	if err != nil {
		return err
	}
	f.config = cfg
	for _, e := range []string{envRPC, envRelayRPC, envAssetHubRPC} {
		if v := f.Getenv(e); v != "" {
			if err := config.CheckEndpoint(v); err != nil {
				return app.Usagef("%s %s: %v", e, redactRPC(v), err)
			}
		}
	}
	if !changed("network") {
		if v := f.Getenv(envNetwork); v != "" {
			f.Opts.Network = v
		} else if cfg.Network != "" {
			f.Opts.Network = cfg.Network
		}
	}
	p, err := chainspec.Lookup(f.Opts.Network)
	if f.Opts.Network == "" {
		p, err = chainspec.Lookup("kusama")
	}
	if !changed("rpc") {
		if v := f.Getenv(envRPC); v != "" {
			f.Opts.RPC = v
		} else if err == nil {
			f.Opts.RPC = cfg.Endpoint(p.Name)
		}
	}
	if ah := app.AssetHubOf(p); !changed("asset-hub-rpc") && err == nil && ah != nil {
		if v := f.Getenv(envAssetHubRPC); v != "" {
			f.Opts.AssetHubRPC = v
		} else {
			f.Opts.AssetHubRPC = cfg.Endpoint(ah.Name)
		}
	}
	if !changed("relay-rpc") && err == nil && !p.IsRelay() {
		if v := f.Getenv(envRelayRPC); v != "" {
			f.Opts.RelayRPC = v
		} else {
			f.Opts.RelayRPC = cfg.Endpoint(p.Relay)
		}
	}
	return nil
}

// loadConfig reads the configuration file of the home directory (empty
// when there is none, or no home can be found).
func (f *Factory) loadConfig() (*config.File, error) {
	home, err := f.HomeDir()
	if err != nil {
		return &config.File{}, nil
	}
	cfg, err := config.Load(home)
	if errors.Is(err, config.ErrInvalid) {
		return nil, app.Input(err)
	}
	return cfg, err
}
