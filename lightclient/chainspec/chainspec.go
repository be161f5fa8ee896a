package chainspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// ErrMalformed (possibly wrapped) means a chain spec or one of its SCALE
// fields does not decode.
var ErrMalformed = errors.New("chainspec: malformed chain spec")

// maxSpecSize bounds the chain-spec JSON ksm reads (a raw Polkadot-style
// genesis with its runtime is a few MiB).
const maxSpecSize = 64 << 20

// Properties are the token properties of a chain spec.
type Properties struct {
	SS58Format    *uint16
	TokenDecimals []uint8
	TokenSymbol   []string
}

// RawGenesis is the genesis storage of a raw chain spec.
type RawGenesis struct {
	Top []trie.KV
	// ChildrenDefault maps a child-trie storage key (without the
	// ":child_storage:default:" prefix) to its entries.
	ChildrenDefault map[string][]trie.KV
}

// Spec is a parsed chain specification.
type Spec struct {
	Name       string
	ID         string
	ChainType  string
	ProtocolID string
	BootNodes  []string
	Properties Properties
	// RelayChain and ParaID are set for parachain specs.
	RelayChain string
	ParaID     *uint32
	// StateRootHash is genesis.stateRootHash of a light spec.
	StateRootHash *header.Hash
	// Raw is the raw genesis of a full spec.
	Raw *RawGenesis
	// LightSync holds the undecoded lightSyncState, when present.
	LightSync *LightSyncState
}

// LightSyncState is the lightSyncState object: hex SCALE fields.
type LightSyncState struct {
	FinalizedBlockHeader     []byte
	GrandpaAuthoritySet      []byte
	BABEEpochChanges         []byte
	BABEFinalizedBlockWeight uint64
}

type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := trie.DecodeHex(s)
	if err != nil {
		return err
	}
	*h = v
	return nil
}

type rawSpec struct {
	Name        string          `json:"name"`
	ID          string          `json:"id"`
	ChainType   json.RawMessage `json:"chainType"`
	ProtocolID  *string         `json:"protocolId"`
	BootNodes   []string        `json:"bootNodes"`
	Properties  json.RawMessage `json:"properties"`
	RelayChainA string          `json:"relay_chain"`
	RelayChainB string          `json:"relayChain"`
	ParaIDA     *uint32         `json:"para_id"`
	ParaIDB     *uint32         `json:"paraId"`
	Genesis     json.RawMessage `json:"genesis"`
	LightSync   *rawLightSync   `json:"lightSyncState"`
}

type rawLightSync struct {
	FinalizedBlockHeader     hexBytes        `json:"finalizedBlockHeader"`
	GrandpaAuthoritySet      hexBytes        `json:"grandpaAuthoritySet"`
	BABEEpochChanges         hexBytes        `json:"babeEpochChanges"`
	BABEFinalizedBlockWeight json.RawMessage `json:"babeFinalizedBlockWeight"`
}

type rawGenesis struct {
	StateRootHash *string `json:"stateRootHash"`
	Raw           *struct {
		Top             map[string]string            `json:"top"`
		ChildrenDefault map[string]map[string]string `json:"childrenDefault"`
	} `json:"raw"`
}

// Parse reads a chain spec (JSON). It accepts relay and parachain specs, raw
// genesis or genesis state root, with or without lightSyncState. A spec with
// a non-raw (runtime-config) genesis parses, with neither Raw nor StateRootHash.
func Parse(b []byte) (*Spec, error) {
	if len(b) > maxSpecSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrMalformed, len(b), maxSpecSize)
	}
	var r rawSpec
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	s := &Spec{Name: r.Name, ID: r.ID, BootNodes: r.BootNodes}
	if r.ID == "" {
		return nil, fmt.Errorf("%w: no \"id\"", ErrMalformed)
	}
	if len(r.ChainType) > 0 {
		// "Live" or {"Custom": "..."}.
		var ct string
		if json.Unmarshal(r.ChainType, &ct) == nil {
			s.ChainType = ct
		} else {
			s.ChainType = "Custom"
		}
	}
	if r.ProtocolID != nil {
		s.ProtocolID = *r.ProtocolID
	}
	s.RelayChain = r.RelayChainA
	if s.RelayChain == "" {
		s.RelayChain = r.RelayChainB
	}
	s.ParaID = r.ParaIDA
	if s.ParaID == nil {
		s.ParaID = r.ParaIDB
	}
	if (s.RelayChain == "") != (s.ParaID == nil) {
		return nil, fmt.Errorf("%w: relay_chain and para_id must come together", ErrMalformed)
	}
	var err error
	if s.Properties, err = parseProperties(r.Properties); err != nil {
		return nil, err
	}
	if len(r.Genesis) > 0 {
		var g rawGenesis
		if err := json.Unmarshal(r.Genesis, &g); err != nil {
			return nil, fmt.Errorf("%w: genesis: %w", ErrMalformed, err)
		}
		if g.StateRootHash != nil {
			var h header.Hash
			if err := h.UnmarshalText([]byte(*g.StateRootHash)); err != nil {
				return nil, fmt.Errorf("%w: genesis.stateRootHash: %w", ErrMalformed, err)
			}
			s.StateRootHash = &h
		}
		if g.Raw != nil {
			raw := &RawGenesis{ChildrenDefault: map[string][]trie.KV{}}
			if raw.Top, err = hexMap(g.Raw.Top); err != nil {
				return nil, fmt.Errorf("%w: genesis.raw.top: %w", ErrMalformed, err)
			}
			for k, m := range g.Raw.ChildrenDefault {
				ck, err := trie.DecodeHex(k)
				if err != nil {
					return nil, fmt.Errorf("%w: genesis.raw.childrenDefault key %q: %w", ErrMalformed, k, err)
				}
				kvs, err := hexMap(m)
				if err != nil {
					return nil, fmt.Errorf("%w: genesis.raw.childrenDefault %q: %w", ErrMalformed, k, err)
				}
				raw.ChildrenDefault[string(ck)] = kvs
			}
			s.Raw = raw
		}
	}
	if r.LightSync != nil {
		l := r.LightSync
		s.LightSync = &LightSyncState{
			FinalizedBlockHeader: l.FinalizedBlockHeader,
			GrandpaAuthoritySet:  l.GrandpaAuthoritySet,
			BABEEpochChanges:     l.BABEEpochChanges,
		}
		if len(l.BABEFinalizedBlockWeight) > 0 {
			w, err := parseUint(l.BABEFinalizedBlockWeight)
			if err != nil {
				return nil, fmt.Errorf("%w: babeFinalizedBlockWeight: %w", ErrMalformed, err)
			}
			s.LightSync.BABEFinalizedBlockWeight = w
		}
		if len(l.FinalizedBlockHeader) == 0 || len(l.GrandpaAuthoritySet) == 0 {
			return nil, fmt.Errorf("%w: lightSyncState without finalizedBlockHeader or grandpaAuthoritySet", ErrMalformed)
		}
	}
	return s, nil
}

func hexMap(m map[string]string) ([]trie.KV, error) {
	out := make([]trie.KV, 0, len(m))
	for k, v := range m {
		kb, err := trie.DecodeHex(k)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		vb, err := trie.DecodeHex(v)
		if err != nil {
			return nil, fmt.Errorf("value of %q: %w", k, err)
		}
		out = append(out, trie.KV{Key: kb, Value: vb})
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].Key, out[j].Key) < 0 })
	return out, nil
}

// parseUint accepts a JSON number, a decimal string or a 0x-hex string.
func parseUint(raw json.RawMessage) (uint64, error) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "0x") {
		return strconv.ParseUint(s[2:], 16, 64)
	}
	return strconv.ParseUint(s, 10, 64)
}

// parseProperties reads ss58Format, tokenDecimals and tokenSymbol, each a
// value or a list, numbers possibly as strings.
func parseProperties(raw json.RawMessage) (Properties, error) {
	var p Properties
	if len(raw) == 0 || string(raw) == "null" {
		return p, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return p, fmt.Errorf("%w: properties: %w", ErrMalformed, err)
	}
	list := func(v json.RawMessage) []json.RawMessage {
		var l []json.RawMessage
		if json.Unmarshal(v, &l) == nil {
			return l
		}
		return []json.RawMessage{v}
	}
	if v, ok := m["ss58Format"]; ok && string(v) != "null" {
		n, err := parseUint(v)
		if err != nil || n > 16383 {
			return p, fmt.Errorf("%w: properties.ss58Format %s", ErrMalformed, v)
		}
		f := uint16(n)
		p.SS58Format = &f
	}
	if v, ok := m["tokenDecimals"]; ok {
		for _, e := range list(v) {
			n, err := parseUint(e)
			if err != nil || n > 255 {
				return p, fmt.Errorf("%w: properties.tokenDecimals %s", ErrMalformed, e)
			}
			p.TokenDecimals = append(p.TokenDecimals, uint8(n))
		}
	}
	if v, ok := m["tokenSymbol"]; ok {
		for _, e := range list(v) {
			var s string
			if err := json.Unmarshal(e, &s); err != nil {
				return p, fmt.Errorf("%w: properties.tokenSymbol %s", ErrMalformed, e)
			}
			p.TokenSymbol = append(p.TokenSymbol, s)
		}
	}
	return p, nil
}

// IsParachain reports whether the spec names a relay chain and para id.
func (s *Spec) IsParachain() bool { return s.ParaID != nil }

// RawStateRoot computes the state root of the raw genesis under layout l:
// the root of the top trie with each non-empty default child trie's root
// stored at ":child_storage:default:" + its key.
func (r *RawGenesis) RawStateRoot(l trie.Layout) header.Hash {
	return header.Hash(trie.StateRoot(l, r.Top, r.ChildrenDefault))
}

// Code returns the runtime code (":code") of a raw genesis.
func (r *RawGenesis) Code() ([]byte, bool) {
	i := sort.Search(len(r.Top), func(i int) bool { return string(r.Top[i].Key) >= ":code" })
	if i < len(r.Top) && string(r.Top[i].Key) == ":code" {
		return r.Top[i].Value, true
	}
	return nil, false
}

// ErrNoGenesis means the spec has neither genesis.raw nor genesis.stateRootHash.
var ErrNoGenesis = errors.New("chainspec: no raw genesis or genesis state root")

// StateRoot returns the genesis state root: genesis.stateRootHash, or the
// trie root of the raw genesis under the state version its runtime declares
// (V0 when the runtime does not say; see StateVersion).
func (s *Spec) StateRoot() (header.Hash, error) {
	if s.StateRootHash != nil {
		return *s.StateRootHash, nil
	}
	if s.Raw == nil {
		return header.Hash{}, ErrNoGenesis
	}
	l, err := s.Raw.StateVersion()
	if err != nil {
		return header.Hash{}, err
	}
	return s.Raw.RawStateRoot(l), nil
}

// GenesisHeader returns the genesis header for a state root: parent zero,
// number 0, extrinsics root of the empty trie, empty digest.
func GenesisHeader(stateRoot header.Hash) *header.Header {
	return &header.Header{StateRoot: stateRoot, ExtrinsicsRoot: header.Hash(trie.EmptyRoot)}
}

// GenesisHash returns the hash of the genesis block of s.
func (s *Spec) GenesisHash() (header.Hash, error) {
	root, err := s.StateRoot()
	if err != nil {
		return header.Hash{}, err
	}
	return GenesisHeader(root).Hash(), nil
}
