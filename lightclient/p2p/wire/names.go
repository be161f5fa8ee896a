package wire

import (
	"encoding/hex"
	"strings"
)

// DefaultProtocolID is the legacy protocol id Substrate uses when a chain
// spec has no "protocolId" (sc-service's DEFAULT_PROTOCOL_ID). Kusama's full
// chain spec says "ksmcc3"; the light specs embedded in ksm omit the field,
// so callers should pass "ksmcc3" for Kusama explicitly.
const DefaultProtocolID = "sup"

// LegacyGrandpaName is GRANDPA's legacy notification protocol name; unlike
// the others it does not contain the protocol id.
const LegacyGrandpaName = "/paritytech/grandpa/1"

// Standard protocol names that do not depend on the chain.
const (
	IdentifyName = "/ipfs/id/1.0.0"
	PingName     = "/ipfs/ping/1.0.0"
)

// Names are the protocol names of one chain: the genesis-hash based main
// names and the legacy fallbacks built from the spec's protocol id.
type Names struct {
	BlockAnnounces, Transactions, Grandpa, Sync, Light, Warp, Kad, State string

	LegacyBlockAnnounces, LegacyTransactions, LegacyGrandpa, LegacySync,
	LegacyLight, LegacyWarp, LegacyKad, LegacyState string
}

// NewNames builds the protocol names for a chain. forkID is the chain spec's
// optional "forkId" ("" for none); protocolID is its "protocolId" (""
// selects DefaultProtocolID). Main names are "/<genesis hex>[/<fork id>]/<suffix>",
// legacy names "/<protocol id>/<suffix>".
func NewNames(genesis [32]byte, forkID, protocolID string) Names {
	base := "/" + hex.EncodeToString(genesis[:])
	if forkID != "" {
		base += "/" + forkID
	}
	if protocolID == "" {
		protocolID = DefaultProtocolID
	}
	legacy := "/" + protocolID
	return Names{
		BlockAnnounces: base + "/block-announces/1",
		Transactions:   base + "/transactions/1",
		Grandpa:        base + "/grandpa/1",
		Sync:           base + "/sync/2",
		Light:          base + "/light/2",
		Warp:           base + "/sync/warp",
		Kad:            base + "/kad",
		State:          base + "/state/2",

		LegacyBlockAnnounces: legacy + "/block-announces/1",
		LegacyTransactions:   legacy + "/transactions/1",
		LegacyGrandpa:        LegacyGrandpaName,
		LegacySync:           legacy + "/sync/2",
		LegacyLight:          legacy + "/light/2",
		LegacyWarp:           legacy + "/sync/warp",
		LegacyKad:            legacy + "/kad",
		LegacyState:          legacy + "/state/2",
	}
}

// Kind names the protocol a name belongs to.
type Kind uint8

// Protocol kinds.
const (
	KindUnknown Kind = iota
	KindBlockAnnounces
	KindTransactions
	KindGrandpa
	KindSync
	KindLight
	KindWarp
	KindKad
	KindState
)

var kindNames = [...]string{"unknown", "block-announces", "transactions", "grandpa", "sync", "light", "warp", "kad", "state"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// RequestLimits returns the size limits of request protocol k: the largest
// request and the largest response (for KindKad, the largest message both
// ways); kinds without limits of their own get 1 MiB and 16 MiB.
func (k Kind) RequestLimits() (maxRequest, maxResponse int) {
	switch k {
	case KindSync:
		return MaxBlockRequestSize, MaxBlockResponseSize
	case KindWarp:
		return MaxWarpRequestSize, MaxWarpResponseSize
	case KindLight:
		return MaxLightRequestSize, MaxLightResponseSize
	case KindKad:
		return MaxKadMessageSize, MaxKadMessageSize
	}
	return 1 << 20, 16 << 20
}

// Kind returns which protocol of n the name p is (main or legacy).
func (n Names) Kind(p string) Kind {
	for k := KindBlockAnnounces; k <= KindState; k++ {
		if main, legacy := n.Pair(k); p == main || p == legacy {
			return k
		}
	}
	return KindUnknown
}

// Pair returns the main name and its legacy fallback for kind k.
func (n Names) Pair(k Kind) (main, legacy string) {
	switch k {
	case KindBlockAnnounces:
		return n.BlockAnnounces, n.LegacyBlockAnnounces
	case KindTransactions:
		return n.Transactions, n.LegacyTransactions
	case KindGrandpa:
		return n.Grandpa, n.LegacyGrandpa
	case KindSync:
		return n.Sync, n.LegacySync
	case KindLight:
		return n.Light, n.LegacyLight
	case KindWarp:
		return n.Warp, n.LegacyWarp
	case KindKad:
		return n.Kad, n.LegacyKad
	case KindState:
		return n.State, n.LegacyState
	}
	return "", ""
}

// ParseGenesisName extracts the genesis hash from a main protocol name
// "/<64 hex>/...". ok is false for legacy or foreign names.
func ParseGenesisName(p string) (genesis [32]byte, rest string, ok bool) {
	if len(p) < 66 || p[0] != '/' || p[65] != '/' {
		return genesis, "", false
	}
	h := p[1:65]
	if strings.ToLower(h) != h {
		return genesis, "", false
	}
	if _, err := hex.Decode(genesis[:], []byte(h)); err != nil {
		return genesis, "", false
	}
	return genesis, p[66:], true
}
