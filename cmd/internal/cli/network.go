package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/cmd/internal/config"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/wallet/ss58"
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
			return Network{}, app.Usagef("unknown network %q (want kusama, polkadot, westend, paseo, an asset hub, or a chain-spec file)", name)
		}
		return Network{}, app.Usagef("network: %v", err)
	}
	return networkFromChainSpec(b, name)
}

// networkFromChainSpec reads the name and token properties of a chain spec;
// a spec that is one of the embedded networks gets its profile.
func networkFromChainSpec(b []byte, file string) (Network, error) {
	spec, err := chainspec.Parse(b)
	if err != nil {
		return Network{}, app.Usagef("network: chain spec %s: %v", file, err)
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
		return Network{}, app.Usagef("network: chain spec %s: tokenDecimals %d out of range", file, n.Decimals)
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

// checkEndpoints refuses a malformed --rpc or --relay-rpc before anything
// is dialled: an endpoint is a ws, wss, http or https URL with a host.
func (f *Factory) checkEndpoints() error {
	for _, e := range []struct{ flag, url string }{{"--rpc", f.Opts.RPC}, {"--relay-rpc", f.Opts.RelayRPC}, {"--asset-hub-rpc", f.Opts.AssetHubRPC}} {
		if e.url == "" {
			continue
		}
		if err := checkEndpointURL(e.url); err != nil {
			return app.Usagef("%s %s: %v", e.flag, redactRPC(e.url), err)
		}
	}
	return nil
}

// checkEndpointURL checks that u is a JSON-RPC endpoint URL ksm can dial.
func checkEndpointURL(u string) error { return config.CheckEndpoint(u) }

// prefixNames are the SS58 prefixes known by name besides the networks'.
var prefixNames = map[string]uint16{"polkadot": 0, "kusama": 2, "substrate": 42, "generic": 42}

// parsePrefix reads an SS58 prefix: a number 0..16383 or a network name
// (polkadot 0, kusama 2, substrate 42, and every embedded network's own:
// westend 42, paseo 0 as its chain spec says, the asset hubs as their
// relay chains).
func parsePrefix(s string) (uint16, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.ParseUint(t, 10, 64); err == nil {
		if n > ss58.MaxPrefix {
			return 0, fmt.Errorf("prefix %d is not in 0..%d", n, ss58.MaxPrefix)
		}
		return uint16(n), nil
	}
	if v, ok := prefixNames[t]; ok {
		return v, nil
	}
	if p, err := chainspec.Lookup(t); err == nil {
		return p.SS58Prefix, nil
	}
	return 0, fmt.Errorf("%q is neither a number 0..%d nor a network name (polkadot, kusama, westend, paseo, substrate)", s, ss58.MaxPrefix)
}

// prefixFlag is a flag holding an SS58 prefix given as a number or a
// network name.
type prefixFlag struct {
	value uint16
	set   bool
}

func (p *prefixFlag) String() string {
	if !p.set {
		return ""
	}
	return strconv.Itoa(int(p.value))
}

func (p *prefixFlag) Set(s string) error {
	v, err := parsePrefix(s)
	if err != nil {
		return err
	}
	p.value, p.set = v, true
	return nil
}

func (p *prefixFlag) Type() string { return "prefix" }

// prefixArg is a uint16 flag that also takes a network name.
type prefixArg uint16

func (p *prefixArg) String() string { return strconv.Itoa(int(*p)) }
func (p *prefixArg) Type() string   { return "prefix" }
func (p *prefixArg) Set(s string) error {
	v, err := parsePrefix(s)
	*p = prefixArg(v)
	return err
}
