package cli

import (
	"errors"
	"fmt"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"io/fs"
	"os"
	"strings"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
)

// Network is what commands need to know of the active network to show
// addresses and amounts.
type Network = backend.Network

// Network returns the network of --network: an embedded profile's name or
// alias (kusama, polkadot, westend, paseo, their asset hubs), or a
// chain-spec JSON file whose "properties" give ss58Format, tokenDecimals
// and tokenSymbol.
func (f *Factory) Network() (Network, error) {
	name := f.Opts.Network
	if name == "" {
		name = "kusama"
	}
	if p, err := chainspec.Lookup(name); err == nil {
		return Network{Name: p.Name, SS58Prefix: p.SS58Prefix, Decimals: int(p.Decimals), Symbol: p.Symbol, Profile: p}, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(name, `/\.`) {
			return Network{}, UsageErrorf("unknown network %q (want kusama, polkadot, westend, paseo, an asset hub, or a chain-spec file)", name)
		}
		return Network{}, UsageErrorf("network: %v", err)
	}
	return networkFromChainSpec(b, name)
}

// networkFromChainSpec reads the name and token properties of a chain spec;
// a spec that is one of the embedded networks gets its profile.
func networkFromChainSpec(b []byte, file string) (Network, error) {
	spec, err := chainspec.Parse(b)
	if err != nil {
		return Network{}, UsageErrorf("network: chain spec %s: %v", file, err)
	}
	n := Network{Name: spec.ID, SS58Prefix: 42, Symbol: "UNIT"}
	if n.Name == "" {
		n.Name = spec.Name
	}
	if gh, err := spec.GenesisHash(); err == nil {
		for _, p := range chainspec.Profiles() {
			if p.GenesisHash == gh {
				n.Profile = p
			}
		}
	}
	props := spec.Properties
	if props.SS58Format != nil {
		n.SS58Prefix = *props.SS58Format
	}
	// Multi-token chains give lists; the first entry is the native token.
	if len(props.TokenDecimals) > 0 {
		n.Decimals = int(props.TokenDecimals[0])
	}
	if len(props.TokenSymbol) > 0 && props.TokenSymbol[0] != "" {
		n.Symbol = props.TokenSymbol[0]
	}
	if n.Decimals > 30 {
		return Network{}, UsageErrorf("network: chain spec %s: tokenDecimals %d out of range", file, n.Decimals)
	}
	return n, nil
}

// networkNameForPrefix names the network an SS58 prefix belongs to, as
// subkey's networkId does, or gives the number.
func networkNameForPrefix(prefix uint16, active Network) string {
	if prefix == active.SS58Prefix {
		return active.Name
	}
	switch prefix {
	case 0:
		return "polkadot"
	case 2:
		return "kusama"
	case 42:
		return "substrate"
	}
	return fmt.Sprint(prefix)
}
