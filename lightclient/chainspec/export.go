package chainspec

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// PendingFromTracker converts a pending change as grandpa.Tracker holds it
// to the lightSyncState form (the inverse of PendingChange.Tracker).
func PendingFromTracker(p grandpa.PendingChange) PendingChange {
	return PendingChange{
		NextAuthorities: p.NextAuthorities, Delay: p.Delay, CanonHeight: p.CanonHeight,
		CanonHash: p.CanonHash, Forced: p.Forced, MedianLastFinalized: p.MedianLastFinalized,
	}
}

// NewGrandpaState is the lightSyncState GRANDPA state of a finalized block:
// the set in force after it and its pending changes (standard ones as roots
// of the fork tree, forced ones in their list). authority_set_changes, the
// history a full node serves warp proofs from, is left empty: a light client
// does not keep it.
func NewGrandpaState(finalized uint32, set grandpa.AuthoritySet, pending []grandpa.PendingChange) *GrandpaState {
	g := &GrandpaState{Set: set.Clone()}
	n := finalized
	g.PendingStandardChanges.BestFinalizedNumber = &n
	for _, p := range pending {
		c := PendingFromTracker(p)
		if p.Forced {
			g.PendingForcedChanges = append(g.PendingForcedChanges, c)
			continue
		}
		g.PendingStandardChanges.Roots = append(g.PendingStandardChanges.Roots,
			ForkNode[PendingChange]{Hash: p.CanonHash, Number: p.CanonHeight, Data: c})
	}
	return g
}

// WithLightSyncState returns the chain spec JSON spec with its
// lightSyncState replaced (or added, as the last member) by one holding h
// and g. Members keep their order; babeEpochChanges and
// babeFinalizedBlockWeight are left out (a GRANDPA light client does not
// keep BABE's state; ksm does not need them). The result is indented and
// parses back to a checkpoint with h's hash (checked).
func WithLightSyncState(spec []byte, h *header.Header, g *GrandpaState) ([]byte, error) {
	if len(spec) > maxSpecSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrMalformed, len(spec), maxSpecSize)
	}
	ls, err := json.Marshal(map[string]string{
		"finalizedBlockHeader": "0x" + hex.EncodeToString(h.Encode()),
		"grandpaAuthoritySet":  "0x" + hex.EncodeToString(g.Encode()),
	})
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(spec))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	var out bytes.Buffer
	out.WriteByte('{')
	replaced := false
	for i := 0; dec.More(); i++ {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		key, ok := t.(string)
		if !ok {
			return nil, fmt.Errorf("%w: member name %v", ErrMalformed, t)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%w: %q: %w", ErrMalformed, key, err)
		}
		if key == "lightSyncState" {
			if replaced {
				continue
			}
			v, replaced = ls, true
		}
		if i > 0 {
			out.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		out.Write(k)
		out.WriteByte(':')
		out.Write(v)
	}
	if !replaced {
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		out.WriteString(`"lightSyncState":`)
		out.Write(ls)
	}
	out.WriteByte('}')
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, fmt.Errorf("%w: unterminated object", ErrMalformed)
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, out.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	ind.WriteByte('\n')
	// What is written must read back as the same checkpoint.
	s, err := Parse(ind.Bytes())
	if err != nil {
		return nil, err
	}
	cp, err := s.Checkpoint()
	if err != nil {
		return nil, err
	}
	if cp.Hash != h.Hash() {
		return nil, fmt.Errorf("%w: written checkpoint %s, want %s", ErrBadCheckpoint, cp.Hash, h.Hash())
	}
	return ind.Bytes(), nil
}
