package app

import (
	"strings"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
)

// The routing table: which chain of a network each use case's calls go to.
// A network named by a relay chain (kusama, polkadot, westend, paseo) is the
// relay and its Asset Hub together; each verb's pallet decides which of the
// two serves it (the profiles' Pallets lists: after the Asset Hub migration
// staking, pools, voting and claims live on Asset Hub, the registrar and
// crowdloans on the relay). Balances live on both; the account's main
// balance, and so a transfer, is on Asset Hub.
//
// VerbPallets names the pallet of every submitting verb; the chosen chain's
// verified metadata must have it (Plan.Pallet).
var VerbPallets = map[string]string{
	// Nouns: every verb of the noun unless listed itself.
	"transfer": "Balances",
	"balance":  "Balances",
	"account":  "Balances",
	"stake":    "Staking",
	"pool":     "NominationPools",
	"gov":      "ConvictionVoting",
	"claim":    "Claims",
	"para":     "Registrar",
	// Verbs of another pallet than their noun's.
	"gov referendum":  "Referenda",
	"gov referenda":   "Referenda",
	"para contribute": "Crowdloan",
	"para withdraw":   "Crowdloan",
	"para refund":     "Crowdloan",
}

// PalletOfVerb returns the pallet of verb ("stake bond"), falling back to
// its noun ("stake"); "" when the verb has none (the network's own chain).
func PalletOfVerb(verb string) string {
	if p, ok := VerbPallets[verb]; ok {
		return p
	}
	if noun, _, ok := strings.Cut(verb, " "); ok {
		return VerbPallets[noun]
	}
	return ""
}

// ChainChoice is --chain: "" (the routing table decides), "relay" or
// "asset-hub".
type ChainChoice string

// The values of --chain.
const (
	ChainAuto     ChainChoice = ""
	ChainRelay    ChainChoice = "relay"
	ChainAssetHub ChainChoice = "asset-hub"
)

// ParseChainChoice reads --chain.
func ParseChainChoice(s string) (ChainChoice, error) {
	switch c := ChainChoice(strings.ToLower(strings.TrimSpace(s))); c {
	case ChainAuto, ChainRelay, ChainAssetHub:
		return c, nil
	}
	return "", Usagef("--chain %q: want relay or asset-hub", s)
}

// AssetHubOf returns the Asset Hub of a relay network's profile, nil when
// p is not a relay with an embedded Asset Hub (a single-chain network).
func AssetHubOf(p *chainspec.Profile) *chainspec.Profile {
	if p == nil || !p.IsRelay() {
		return nil
	}
	for _, q := range p.Parachains() {
		if strings.Contains(q.Name, "asset-hub") {
			return q
		}
	}
	return nil
}

// IsMultiChain reports whether network p is a relay chain and its Asset Hub.
func IsMultiChain(p *chainspec.Profile) bool { return AssetHubOf(p) != nil }

// RouteChain returns the chain of network net that serves pallet: with
// --chain (choice) the chain named; else on a relay network with an Asset
// Hub the chain whose profile lists pallet (Asset Hub for a pallet both
// list, such as Balances: the account's main balance is there; the relay
// for "", a command of no pallet); else net itself (a single-chain network,
// nil for a chain-spec file of no embedded network).
func RouteChain(net *chainspec.Profile, pallet string, choice ChainChoice) (*chainspec.Profile, error) {
	ah := AssetHubOf(net)
	switch choice {
	case ChainRelay:
		if net != nil && !net.IsRelay() {
			return nil, Usagef("--chain relay: network %s is a single chain (use --network %s for its relay chain)", net.Name, net.Relay)
		}
		return net, nil
	case ChainAssetHub:
		if ah == nil {
			if net != nil && strings.Contains(net.Name, "asset-hub") {
				return net, nil
			}
			name := "this network"
			if net != nil {
				name = net.Name
			}
			return nil, Usagef("--chain asset-hub: %s has no Asset Hub", name)
		}
		return ah, nil
	}
	if ah == nil || pallet == "" {
		return net, nil
	}
	if ah.Hosts(pallet) {
		return ah, nil
	}
	if net.Hosts(pallet) {
		return net, nil
	}
	// A pallet neither lists: the network's main chain judges it by its
	// runtime.
	return ah, nil
}
