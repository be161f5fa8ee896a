package chainspec

import (
	"bytes"
	"compress/gzip"
	"embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

//go:embed profiles/*.json.gz
var profileFS embed.FS

const day = 24 * time.Hour

// Profile is a network ksm knows: its identity, token, relay/parachain
// relationship, which mission pallets it hosts, and its embedded chain spec
// with the newest known checkpoint (see profiles/PROVENANCE.md).
type Profile struct {
	Name        string // ksm's name: "kusama", "kusama-asset-hub", ...
	DisplayName string
	SpecID      string // the chain spec "id"
	GenesisHash header.Hash
	SS58Prefix  uint16
	Decimals    uint8
	Symbol      string
	// ExistentialDeposit in planck; 0 when not known here (read the
	// Balances.ExistentialDeposit constant from metadata).
	ExistentialDeposit uint64
	// Relay is the Name of the relay chain of a parachain profile ("" for a relay).
	Relay  string
	ParaID uint32
	// Pallets lists the mission pallets whose calls this chain accepts today
	// (after the Asset Hub migration: staking, pools, voting and claims on
	// Asset Hub; registrar and crowdloan refunds on the relay).
	Pallets []string
	// Age is the checkpoint age policy (relay chains only).
	Age      AgePolicy
	specFile string
}

// Parachains and relays ksm embeds, newest checkpoints as of 2026-01-05.
var profiles = []*Profile{
	{
		Name: "kusama", DisplayName: "Kusama", SpecID: "ksmcc3",
		GenesisHash: mustHash("0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe"),
		SS58Prefix:  2, Decimals: 12, Symbol: "KSM", ExistentialDeposit: 333_333_333,
		Pallets:  []string{"Registrar", "Crowdloan", "Slots", "Auctions", "Balances", "Utility", "Proxy", "Multisig"},
		Age:      AgePolicy{SlotDuration: 6 * time.Second, Warn: 7 * day, Max: 365 * day},
		specFile: "kusama.json.gz",
	},
	{
		Name: "kusama-asset-hub", DisplayName: "Kusama Asset Hub", SpecID: "asset-hub-kusama",
		GenesisHash: mustHash("0x48239ef607d7928874027a43a67689209727dfb3d3dc5e5b03a39bdc2eda771a"),
		SS58Prefix:  2, Decimals: 12, Symbol: "KSM", ExistentialDeposit: 3_333_333,
		Relay: "kusama", ParaID: 1000,
		Pallets:  []string{"Staking", "NominationPools", "ConvictionVoting", "Referenda", "Claims", "Balances", "Utility", "Proxy", "Multisig"},
		specFile: "kusama-asset-hub.json.gz",
	},
	{
		Name: "polkadot", DisplayName: "Polkadot", SpecID: "polkadot",
		GenesisHash: mustHash("0x91b171bb158e2d3848fa23a9f1c25182fb8e20313b2c1eb49219da7a70ce90c3"),
		SS58Prefix:  0, Decimals: 10, Symbol: "DOT", ExistentialDeposit: 10_000_000_000,
		Pallets:  []string{"Registrar", "Crowdloan", "Slots", "Auctions", "Balances", "Utility", "Proxy", "Multisig"},
		Age:      AgePolicy{SlotDuration: 6 * time.Second, Warn: 28 * day, Max: 365 * day},
		specFile: "polkadot.json.gz",
	},
	{
		Name: "polkadot-asset-hub", DisplayName: "Polkadot Asset Hub", SpecID: "asset-hub-polkadot",
		GenesisHash: mustHash("0x68d56f15f85d3136970ec16946040bc1752654e906147f7e43e9d539d7c3de2f"),
		SS58Prefix:  0, Decimals: 10, Symbol: "DOT",
		Relay: "polkadot", ParaID: 1000,
		Pallets:  []string{"Staking", "NominationPools", "ConvictionVoting", "Referenda", "Claims", "Balances", "Utility", "Proxy", "Multisig"},
		specFile: "polkadot-asset-hub.json.gz",
	},
	{
		Name: "westend", DisplayName: "Westend", SpecID: "westend2",
		GenesisHash: mustHash("0xe143f23803ac50e8f6f8e62695d1ce9e4e1d68aa36c1cd2cfd15340213f3423e"),
		SS58Prefix:  42, Decimals: 12, Symbol: "WND",
		Pallets:  []string{"Registrar", "Crowdloan", "Slots", "Auctions", "Balances", "Utility", "Proxy", "Multisig"},
		Age:      AgePolicy{SlotDuration: 6 * time.Second, Warn: 2 * day, Max: 365 * day},
		specFile: "westend.json.gz",
	},
	{
		Name: "westend-asset-hub", DisplayName: "Westend Asset Hub", SpecID: "asset-hub-westend",
		GenesisHash: mustHash("0x67f9723393ef76214df0118c34bbbd3dbebc8ed46a10973a8c969d48fe7598c9"),
		SS58Prefix:  42, Decimals: 12, Symbol: "WND",
		Relay: "westend", ParaID: 1000,
		Pallets:  []string{"Staking", "NominationPools", "ConvictionVoting", "Referenda", "Balances", "Utility", "Proxy", "Multisig"},
		specFile: "westend-asset-hub.json.gz",
	},
	{
		Name: "paseo", DisplayName: "Paseo", SpecID: "paseo",
		GenesisHash: mustHash("0x77afd6190f1554ad45fd0d31aee62aacc33c6db0ea801129acb813f913e0764f"),
		SS58Prefix:  0, Decimals: 10, Symbol: "PAS",
		Pallets:  []string{"Registrar", "Crowdloan", "Slots", "Auctions", "Balances", "Utility", "Proxy", "Multisig"},
		Age:      AgePolicy{SlotDuration: 6 * time.Second, Warn: 28 * day, Max: 365 * day},
		specFile: "paseo.json.gz",
	},
	{
		Name: "paseo-asset-hub", DisplayName: "Paseo Asset Hub", SpecID: "asset-hub-paseo",
		GenesisHash: mustHash("0xd6eec26135305a8ad257a20d003357284c8aa03d0bdb2b357ab0a22371e11ef2"),
		SS58Prefix:  0, Decimals: 10, Symbol: "PAS",
		Relay: "paseo", ParaID: 1000,
		Pallets:  []string{"Staking", "NominationPools", "ConvictionVoting", "Referenda", "Claims", "Balances", "Utility", "Proxy", "Multisig"},
		specFile: "paseo-asset-hub.json.gz",
	},
}

// aliases maps other names users type to profile names.
var aliases = map[string]string{
	"ksm": "kusama", "ksmcc3": "kusama", "dot": "polkadot", "westend2": "westend", "wnd": "westend", "pas": "paseo",
	"asset-hub-kusama": "kusama-asset-hub", "statemine": "kusama-asset-hub", "ksmcc3_asset_hub": "kusama-asset-hub",
	"asset-hub-polkadot": "polkadot-asset-hub", "statemint": "polkadot-asset-hub", "polkadot_asset_hub": "polkadot-asset-hub",
	"asset-hub-westend": "westend-asset-hub", "westmint": "westend-asset-hub", "westend2_asset_hub": "westend-asset-hub",
	"asset-hub-paseo": "paseo-asset-hub", "paseo_asset_hub": "paseo-asset-hub",
}

func mustHash(s string) header.Hash {
	var h header.Hash
	if err := h.UnmarshalText([]byte(s)); err != nil {
		panic(err)
	}
	return h
}

// Profiles returns the embedded network profiles (relays first, each
// followed by its Asset Hub).
func Profiles() []*Profile { return append([]*Profile(nil), profiles...) }

// ErrUnknownNetwork means no embedded profile has that name.
var ErrUnknownNetwork = errors.New("chainspec: unknown network")

// Lookup finds a profile by name, alias or chain-spec id (case-insensitive).
func Lookup(name string) (*Profile, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[n]; ok {
		n = a
	}
	for _, p := range profiles {
		if p.Name == n || p.SpecID == n {
			return p, nil
		}
	}
	var names []string
	for _, p := range profiles {
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownNetwork, name, strings.Join(names, ", "))
}

// IsRelay reports whether the profile is a relay chain.
func (p *Profile) IsRelay() bool { return p.Relay == "" }

// RelayProfile returns the relay of a parachain profile (p itself for a relay).
func (p *Profile) RelayProfile() *Profile {
	if p.IsRelay() {
		return p
	}
	r, err := Lookup(p.Relay)
	if err != nil {
		return nil
	}
	return r
}

// Parachains returns the embedded parachain profiles of a relay.
func (p *Profile) Parachains() []*Profile {
	var out []*Profile
	for _, q := range profiles {
		if q.Relay == p.Name {
			out = append(out, q)
		}
	}
	return out
}

// Hosts reports whether the chain accepts calls of pallet today.
func (p *Profile) Hosts(pallet string) bool {
	for _, x := range p.Pallets {
		if strings.EqualFold(x, pallet) {
			return true
		}
	}
	return false
}

// HostOf returns the chain of p's network (the relay or one of its
// parachains) that hosts pallet, preferring p itself. ok is false when no
// embedded chain of the network lists the pallet.
func (p *Profile) HostOf(pallet string) (*Profile, bool) {
	if p.Hosts(pallet) {
		return p, true
	}
	relay := p.RelayProfile()
	if relay == nil {
		return nil, false
	}
	for _, q := range append([]*Profile{relay}, relay.Parachains()...) {
		if q.Hosts(pallet) {
			return q, true
		}
	}
	return nil, false
}

var specCache sync.Map // specFile -> []byte

// SpecJSON returns the embedded chain spec, decompressed.
func (p *Profile) SpecJSON() ([]byte, error) {
	if b, ok := specCache.Load(p.specFile); ok {
		return b.([]byte), nil
	}
	gz, err := profileFS.ReadFile("profiles/" + p.specFile)
	if err != nil {
		return nil, err
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("embedded spec %s: %w", p.specFile, err)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSpecSize))
	if err != nil {
		return nil, fmt.Errorf("embedded spec %s: %w", p.specFile, err)
	}
	specCache.Store(p.specFile, b)
	return b, nil
}

// Spec parses the embedded chain spec.
func (p *Profile) Spec() (*Spec, error) {
	b, err := p.SpecJSON()
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Checkpoint decodes the embedded checkpoint of a relay profile.
func (p *Profile) Checkpoint() (*Checkpoint, error) {
	s, err := p.Spec()
	if err != nil {
		return nil, err
	}
	return s.Checkpoint()
}

// BootNodes returns the bootnode multiaddresses of the embedded spec.
func (p *Profile) BootNodes() ([]string, error) {
	s, err := p.Spec()
	if err != nil {
		return nil, err
	}
	return s.BootNodes, nil
}
