package grandpa

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Fragment is one warp-sync fragment: the last header of an authority set
// and the justification finalizing it.
type Fragment struct {
	Header        *header.Header
	Justification *Justification
}

// WarpProof is a /sync/warp response: fragments and whether the last one
// reaches the responder's finalized head.
type WarpProof struct {
	Fragments  []Fragment
	IsFinished bool
}

// DecodeWarpProof decodes a warp-sync response
// `Vec<{header, justification}> ‖ is_finished bool`, refusing trailing bytes.
func DecodeWarpProof(b []byte) (*WarpProof, error) {
	r, err := NewWarpReader(b)
	if err != nil {
		return nil, err
	}
	p := &WarpProof{Fragments: make([]Fragment, 0, r.Len()), IsFinished: r.IsFinished()}
	for r.More() {
		f, err := r.Next()
		if err != nil {
			return nil, err
		}
		p.Fragments = append(p.Fragments, *f)
	}
	return p, nil
}

// WarpReader decodes a warp-sync response one fragment at a time, so that a
// caller can verify each fragment before it decodes the next and keep none
// of them: a response of 8 MiB holds some 90 fragments of a thousand
// precommits each.
type WarpReader struct {
	d        *scale.Decoder
	n, next  int
	finished bool
}

// NewWarpReader reads the fragment count of the warp-sync response b and its
// is_finished flag (its last byte; the whole encoding is checked as Next
// reaches the end).
func NewWarpReader(b []byte) (*WarpReader, error) {
	d := scale.NewDecoder(b)
	// header ≥ 98 bytes, justification ≥ 8+36+1+1 bytes.
	n, err := d.Len(98 + 46)
	if err != nil {
		return nil, fmt.Errorf("%w: warp fragment count: %w", ErrMalformed, err)
	}
	r := &WarpReader{d: d, n: n}
	switch b[len(b)-1] { // d.Len read at least one byte
	case 0:
	case 1:
		r.finished = true
	default:
		return nil, fmt.Errorf("%w: warp is_finished is %d", ErrMalformed, b[len(b)-1])
	}
	if n == 0 {
		if err := r.end(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Len is the number of fragments of the response.
func (r *WarpReader) Len() int { return r.n }

// IsFinished is the response's is_finished flag.
func (r *WarpReader) IsFinished() bool { return r.finished }

// More reports whether a fragment is left to read.
func (r *WarpReader) More() bool { return r.next < r.n }

// Next decodes the next fragment; after the last one it checks that only
// the is_finished flag follows. Any error is final (ErrMalformed).
func (r *WarpReader) Next() (*Fragment, error) {
	if !r.More() {
		return nil, fmt.Errorf("%w: no warp fragment left", ErrMalformed)
	}
	i := r.next
	r.next = r.n // an error ends the reading
	h, err := header.DecodeFrom(r.d)
	if err != nil {
		return nil, fmt.Errorf("%w: warp fragment %d header: %w", ErrMalformed, i, err)
	}
	j, err := DecodeJustificationFrom(r.d)
	if err != nil {
		return nil, fmt.Errorf("warp fragment %d justification: %w", i, err)
	}
	if r.next = i + 1; !r.More() {
		if err := r.end(); err != nil {
			return nil, err
		}
	}
	return &Fragment{Header: h, Justification: j}, nil
}

// end reads the is_finished flag and refuses trailing bytes.
func (r *WarpReader) end() error {
	if _, err := r.d.Bool(); err != nil {
		return fmt.Errorf("%w: warp is_finished: %w", ErrMalformed, err)
	}
	if err := r.d.Finish(); err != nil {
		return fmt.Errorf("%w: warp proof: %w", ErrMalformed, err)
	}
	return nil
}

// Encode returns the SCALE encoding of p.
func (p *WarpProof) Encode() []byte {
	dst := scale.AppendCompact(nil, uint64(len(p.Fragments)))
	for _, f := range p.Fragments {
		dst = f.Header.AppendTo(dst)
		dst = append(dst, f.Justification.Encode()...)
	}
	return scale.AppendBool(dst, p.IsFinished)
}

// WarpResult is the outcome of a verified warp proof.
type WarpResult struct {
	// Set is the authority set after the last fragment.
	Set AuthoritySet
	// Header is the last finalized header of the proof (nil for an empty proof).
	Header *header.Header
	// Hash is the hash of Header.
	Hash header.Hash
	// Fragments is the number of fragments verified.
	Fragments int
	// Complete is the proof's is_finished flag.
	Complete bool
}

// WarpOptions tunes VerifyWarpProof.
type WarpOptions struct {
	// FromNumber is the number of the block the caller has finalized; every
	// fragment must be above it.
	FromNumber uint32
	// HardForks replaces the verification of the fragment whose header has
	// the given hash: its justification is not checked and the next set is
	// the given one (Substrate's AuthoritySetHardFork, for chains whose
	// finality was restored by hand).
	HardForks map[header.Hash]AuthoritySet
}

// VerifyWarpProof verifies p against set with the zero Verifier.
func VerifyWarpProof(p *WarpProof, set AuthoritySet, opts WarpOptions) (*WarpResult, error) {
	var v Verifier
	return v.VerifyWarpProof(p, set, opts)
}

// VerifyWarpProof verifies the fragments of p in order, starting from set:
// each fragment's justification must finalize its header
// (ErrTargetMismatch) and verify for the current set, and the header must
// enact the next set with a ScheduledChange or ForcedChange log
// (ErrNoAuthorityChange), whose authorities become set id+1. Only the last
// fragment of a finished proof may lack a change. Fragments must be in
// increasing block order (ErrFragmentOrder). An empty proof is accepted only
// when finished (the peer has nothing newer); otherwise ErrWarpIncomplete.
func (v *Verifier) VerifyWarpProof(p *WarpProof, set AuthoritySet, opts WarpOptions) (*WarpResult, error) {
	if len(p.Fragments) == 0 && !p.IsFinished {
		return nil, fmt.Errorf("%w: no fragment and not finished", ErrWarpIncomplete)
	}
	cur := set.Clone()
	res := &WarpResult{Complete: p.IsFinished}
	last := opts.FromNumber
	for i, f := range p.Fragments {
		if f.Header == nil {
			return nil, fmt.Errorf("%w: fragment %d has no header", ErrMalformed, i)
		}
		if f.Header.Number <= last {
			return nil, fmt.Errorf("%w: fragment %d is #%d, not above #%d", ErrFragmentOrder, i, f.Header.Number, last)
		}
		last = f.Header.Number
	}
	for i, f := range p.Fragments {
		h := f.Header
		hh := h.Hash()
		if fork, ok := opts.HardForks[hh]; ok {
			if err := fork.Validate(); err != nil {
				return nil, fmt.Errorf("hard fork at fragment %d: %w", i, err)
			}
			cur = fork.Clone()
		} else {
			j := f.Justification
			if j == nil || j.Commit.TargetHash != hh || j.Commit.TargetNumber != h.Number {
				return nil, fmt.Errorf("fragment %d (#%d %s): %w", i, h.Number, hh, ErrTargetMismatch)
			}
			if _, err := v.VerifyJustification(j, &cur); err != nil {
				return nil, fmt.Errorf("fragment %d (#%d, set %d): %w", i, h.Number, cur.SetID, err)
			}
			change, err := headerChange(h)
			if err != nil {
				return nil, fmt.Errorf("fragment %d (#%d): %w", i, h.Number, err)
			}
			switch {
			case change != nil:
				next := AuthoritySet{SetID: cur.SetID + 1, Authorities: change.NextAuthorities}
				if err := next.Validate(); err != nil {
					return nil, fmt.Errorf("fragment %d (#%d) next set: %w", i, h.Number, err)
				}
				cur = next
			case i != len(p.Fragments)-1 || !p.IsFinished:
				return nil, fmt.Errorf("fragment %d (#%d): %w", i, h.Number, ErrNoAuthorityChange)
			}
		}
		res.Header, res.Hash = h, hh
		res.Fragments++
	}
	res.Set = cur
	return res, nil
}

// headerChange returns the authority-set change a header signals, if any.
func headerChange(h *header.Header) (*header.GrandpaChange, error) {
	logs, err := h.GrandpaLogs()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	var change *header.GrandpaChange
	for _, l := range logs {
		if l.Kind != header.GrandpaScheduledChange && l.Kind != header.GrandpaForcedChange {
			continue
		}
		if change != nil {
			return nil, fmt.Errorf("%w: more than one change log", ErrConflictingChanges)
		}
		c := l.Change
		change = &c
	}
	return change, nil
}
