package app

// Governance (OpenGov): referenda, tracks and their approval/support
// curves, conviction votes and delegations, read from the Referenda,
// ConvictionVoting, Preimage and Balances pallets.

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
)

// ErrNoReferendum means no referendum has the index asked for.
var ErrNoReferendum = errors.New("no such referendum")

// ErrNotOngoing means the referendum exists but no longer takes votes.
var ErrNotOngoing = errors.New("the referendum is not ongoing")

// Perbill is parts per billion.
const Perbill = 1_000_000_000

// fixedOne is 1.0 in FixedI64 (18 decimals).
var fixedOne = big.NewInt(1_000_000_000_000_000_000)

// Curve is a track's approval or support curve (pallet_referenda::Curve).
type Curve struct {
	Kind string `json:"kind"` // LinearDecreasing, SteppedDecreasing, Reciprocal
	// LinearDecreasing: Length, Floor, Ceil (Perbill).
	Length, Floor, Ceil int64 `json:"-"`
	// SteppedDecreasing: Begin, End, Step, Period (Perbill).
	Begin, End, Step, Period int64 `json:"-"`
	// Reciprocal: Factor, XOffset, YOffset (FixedI64, 10^18 = 1).
	Factor, XOffset, YOffset *big.Int `json:"-"`
}

// Threshold is the curve's value (Perbill) at x (Perbill of the decision
// period elapsed), as pallet_referenda::Curve::threshold computes it.
func (c Curve) Threshold(x int64) int64 {
	if x < 0 {
		x = 0
	}
	if x > Perbill {
		x = Perbill
	}
	switch c.Kind {
	case "LinearDecreasing":
		if c.Length <= 0 {
			return c.Floor
		}
		xm := x
		if xm > c.Length {
			xm = c.Length
		}
		// x.min(length).saturating_div(length, Down): Perbill.
		frac := new(big.Int).Div(new(big.Int).Mul(big.NewInt(xm), big.NewInt(Perbill)), big.NewInt(c.Length)).Int64()
		if frac > Perbill {
			frac = Perbill
		}
		drop := mulPerbill(frac, c.Ceil-c.Floor)
		v := c.Ceil - drop
		if v < 0 {
			v = 0
		}
		return v
	case "SteppedDecreasing":
		if c.Period <= 0 {
			return c.End
		}
		steps := x / c.Period
		drop := steps * c.Step
		if drop > c.Begin-c.End {
			drop = c.Begin - c.End
		}
		return c.Begin - drop
	case "Reciprocal":
		// factor / (x + x_offset) + y_offset, in FixedI64, clamped to [0, 1].
		xf := new(big.Int).Mul(big.NewInt(x), big.NewInt(1_000_000_000)) // Perbill → 10^18
		den := new(big.Int).Add(xf, govNZ(c.XOffset))
		if den.Sign() <= 0 {
			return Perbill
		}
		q := new(big.Int).Mul(govNZ(c.Factor), fixedOne)
		q.Quo(q, den)
		q.Add(q, govNZ(c.YOffset))
		if q.Sign() < 0 {
			return 0
		}
		q.Quo(q, big.NewInt(1_000_000_000))
		if q.Cmp(big.NewInt(Perbill)) > 0 {
			return Perbill
		}
		return q.Int64()
	}
	return Perbill
}

func govNZ(b *big.Int) *big.Int {
	if b == nil {
		return new(big.Int)
	}
	return b
}

// mulPerbill is p × n rounded to nearest, p in Perbill (Perbill * n).
func mulPerbill(p, n int64) int64 {
	r := new(big.Int).Mul(big.NewInt(p), big.NewInt(n))
	r.Add(r, big.NewInt(Perbill/2))
	r.Quo(r, big.NewInt(Perbill))
	return r.Int64()
}

// ParseCurve reads a Curve from its value JSON.
func ParseCurve(v any) (Curve, error) {
	o, ok := v.(value.Object)
	if !ok || len(o) != 1 {
		return Curve{}, fmt.Errorf("curve: unexpected value %v", v)
	}
	c := Curve{Kind: o[0].Name}
	f := o[0].Value
	i64 := func(name string) int64 { return BigAt(f, name).Int64() }
	switch c.Kind {
	case "LinearDecreasing":
		c.Length, c.Floor, c.Ceil = i64("length"), i64("floor"), i64("ceil")
	case "SteppedDecreasing":
		c.Begin, c.End, c.Step, c.Period = i64("begin"), i64("end"), i64("step"), i64("period")
	case "Reciprocal":
		c.Factor, c.XOffset, c.YOffset = BigAt(f, "factor"), BigAt(f, "x_offset"), BigAt(f, "y_offset")
	default:
		return Curve{}, fmt.Errorf("curve: unknown kind %q", c.Kind)
	}
	return c, nil
}

// Track is a referenda track from the Referenda.Tracks constant.
type Track struct {
	ID                 uint16   `json:"id"`
	Name               string   `json:"name"`
	MaxDeciding        uint64   `json:"maxDeciding"`
	DecisionDeposit    *big.Int `json:"decisionDeposit"`
	PreparePeriod      uint64   `json:"preparePeriod"`
	DecisionPeriod     uint64   `json:"decisionPeriod"`
	ConfirmPeriod      uint64   `json:"confirmPeriod"`
	MinEnactmentPeriod uint64   `json:"minEnactmentPeriod"`
	MinApproval        Curve    `json:"minApproval"`
	MinSupport         Curve    `json:"minSupport"`
}

// Tracks decodes the Referenda.Tracks constant.
func Tracks(rt *Runtime) ([]Track, error) {
	v, err := rt.Codec.Constant("Referenda", "Tracks")
	if err != nil {
		return nil, err
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("Referenda.Tracks: unexpected value %T", v)
	}
	var out []Track
	for i, it := range items {
		pair, ok := it.([]any)
		if !ok || len(pair) != 2 {
			return nil, fmt.Errorf("Referenda.Tracks[%d]: unexpected value", i)
		}
		id, err := value.Uint64(pair[0])
		if err != nil {
			return nil, fmt.Errorf("Referenda.Tracks[%d] id: %w", i, err)
		}
		info := pair[1]
		t := Track{ID: uint16(id), Name: trackName(Get(info, "name"))}
		u := func(n string) uint64 { return BigAt(info, n).Uint64() }
		t.MaxDeciding, t.PreparePeriod, t.DecisionPeriod = u("max_deciding"), u("prepare_period"), u("decision_period")
		t.ConfirmPeriod, t.MinEnactmentPeriod = u("confirm_period"), u("min_enactment_period")
		t.DecisionDeposit = BigAt(info, "decision_deposit")
		if t.MinApproval, err = ParseCurve(Get(info, "min_approval")); err != nil {
			return nil, fmt.Errorf("track %s: %w", t.Name, err)
		}
		if t.MinSupport, err = ParseCurve(Get(info, "min_support")); err != nil {
			return nil, fmt.Errorf("track %s: %w", t.Name, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// trackName reads a track name: a string, or [u8; N] (0x-hex, zero-padded).
func trackName(v any) string {
	s, ok := v.(string)
	if !ok {
		return fmt.Sprint(v)
	}
	if strings.HasPrefix(s, "0x") {
		if b, err := hexBytes(s); err == nil {
			s = string(b)
		}
	}
	return strings.TrimRight(s, "\x00 ")
}

// FindTrack finds a track by id or name ("root", "small_spender", "30").
func FindTrack(tracks []Track, arg string) (*Track, error) {
	for i := range tracks {
		if strings.EqualFold(tracks[i].Name, arg) || fmt.Sprint(tracks[i].ID) == arg ||
			strings.EqualFold(strings.ReplaceAll(tracks[i].Name, "_", "-"), arg) {
			return &tracks[i], nil
		}
	}
	names := make([]string, len(tracks))
	for i, t := range tracks {
		names[i] = fmt.Sprintf("%s (%d)", t.Name, t.ID)
	}
	return nil, fmt.Errorf("no track %q; tracks: %s", arg, strings.Join(names, ", "))
}

// Referendum is one entry of Referenda.ReferendumInfoFor.
type Referendum struct {
	Index  uint32 `json:"index"`
	Status string `json:"status"` // Ongoing, Approved, Rejected, Cancelled, TimedOut, Killed
	// For an ongoing referendum:
	Track     *Track   `json:"-"`
	TrackID   uint16   `json:"track"`
	TrackName string   `json:"trackName"`
	Origin    any      `json:"origin,omitempty"`
	Proposal  any      `json:"proposal,omitempty"`
	Submitted uint64   `json:"submitted,omitempty"`
	Phase     string   `json:"phase,omitempty"` // preparing, deciding, confirming
	Ayes      *big.Int `json:"ayes,omitempty"`
	Nays      *big.Int `json:"nays,omitempty"`
	Support   *big.Int `json:"support,omitempty"`
	// Approval and SupportFraction are Perbill; Need* are the curves'
	// thresholds now.
	Approval        int64 `json:"approval"`
	SupportFraction int64 `json:"supportFraction"`
	NeedApproval    int64 `json:"needApproval"`
	NeedSupport     int64 `json:"needSupport"`
	Passing         bool  `json:"passing"`
	// DecidingSince, ConfirmingEnd and End are block numbers (0: not set).
	DecidingSince   uint64 `json:"decidingSince,omitempty"`
	ConfirmingEnd   uint64 `json:"confirmingEnd,omitempty"`
	End             uint64 `json:"end,omitempty"`
	DecisionDeposit bool   `json:"decisionDepositPlaced"`
	// Block is the block number of a finished referendum.
	Block uint64 `json:"block,omitempty"`
	Raw   any    `json:"-"`
}

// GovState is the context to judge referenda: the block, the tracks and
// the active issuance.
type GovState struct {
	Runtime *Runtime
	At      chainclient.Header
	Tracks  []Track
	// Issuance is Balances.TotalIssuance minus InactiveIssuance.
	Issuance *big.Int
}

// Gov loads the governance context at the finalized head.
func (s *Session) Gov(ctx context.Context) (*GovState, error) {
	if err := s.Route("Referenda"); err != nil {
		return nil, err
	}
	h, rt, err := s.HeadRuntime(ctx)
	if err != nil {
		return nil, err
	}
	tr, err := Tracks(rt)
	if err != nil {
		return nil, err
	}
	g := &GovState{Runtime: rt, At: *h, Tracks: tr}
	ti, _, err := s.Read(ctx, rt, h.Hash, "Balances", "TotalIssuance")
	if err != nil {
		return nil, err
	}
	g.Issuance, _ = value.BigInt(ti)
	if g.Issuance == nil {
		g.Issuance = new(big.Int)
	}
	if ii, _, err := s.Read(ctx, rt, h.Hash, "Balances", "InactiveIssuance"); err == nil {
		if b, err := value.BigInt(ii); err == nil {
			g.Issuance.Sub(g.Issuance, b)
		}
	}
	return g, nil
}

// Referendum reads referendum index; ErrNoReferendum when it does not exist.
func (s *Session) Referendum(ctx context.Context, g *GovState, index uint32) (*Referendum, error) {
	v, found, err := s.Read(ctx, g.Runtime, g.At.Hash, "Referenda", "ReferendumInfoFor", index)
	if err != nil {
		return nil, err
	}
	if !found || v == nil {
		return nil, fmt.Errorf("%w: referendum %d does not exist on %s", ErrNoReferendum, index, s.ChainName())
	}
	return g.parseReferendum(index, v)
}

// Referenda lists every referendum (ongoing only when ongoing), by index.
func (s *Session) Referenda(ctx context.Context, g *GovState, ongoing bool) ([]*Referendum, error) {
	var out []*Referendum
	err := s.Iterate(ctx, g.Runtime, g.At.Hash, "Referenda", "ReferendumInfoFor", nil, func(parts []storage.KeyPart, v any) error {
		if len(parts) != 1 || !parts[0].HasValue {
			return nil
		}
		idx, err := value.Uint64(parts[0].Value)
		if err != nil {
			return err
		}
		r, err := g.parseReferendum(uint32(idx), v)
		if err != nil {
			return err
		}
		if !ongoing || r.Status == "Ongoing" {
			out = append(out, r)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out, err
}

func (g *GovState) parseReferendum(index uint32, v any) (*Referendum, error) {
	o, ok := v.(value.Object)
	if !ok || len(o) != 1 {
		return nil, fmt.Errorf("referendum %d: unexpected value %v", index, v)
	}
	r := &Referendum{Index: index, Status: o[0].Name, Raw: v}
	if r.Status != "Ongoing" {
		if arr, ok := o[0].Value.([]any); ok && len(arr) > 0 {
			if n, err := value.Uint64(arr[0]); err == nil {
				r.Block = n
			}
		} else if n, err := value.Uint64(o[0].Value); err == nil {
			r.Block = n
		}
		return r, nil
	}
	st := o[0].Value
	tid, err := value.Uint64(Get(st, "track"))
	if err != nil {
		return nil, fmt.Errorf("referendum %d track: %w", index, err)
	}
	r.TrackID = uint16(tid)
	for i := range g.Tracks {
		if g.Tracks[i].ID == r.TrackID {
			r.Track = &g.Tracks[i]
			r.TrackName = r.Track.Name
		}
	}
	r.Origin = Get(st, "origin")
	r.Proposal = Get(st, "proposal")
	r.Submitted = BigAt(st, "submitted").Uint64()
	r.DecisionDeposit = Get(st, "decision_deposit") != nil
	r.Ayes, r.Nays, r.Support = BigAt(st, "tally", "ayes"), BigAt(st, "tally", "nays"), BigAt(st, "tally", "support")
	r.Approval = perbillOf(r.Ayes, new(big.Int).Add(r.Ayes, r.Nays))
	r.SupportFraction = perbillOf(r.Support, g.Issuance)
	r.Phase = "preparing"
	if d := Get(st, "deciding"); d != nil {
		r.Phase = "deciding"
		r.DecidingSince = BigAt(d, "since").Uint64()
		if c := Get(d, "confirming"); c != nil {
			r.Phase = "confirming"
			r.ConfirmingEnd, _ = value.Uint64(c)
		}
	}
	if t := r.Track; t != nil {
		x := int64(0)
		if r.DecidingSince > 0 && t.DecisionPeriod > 0 && g.At.Number > r.DecidingSince {
			el := new(big.Int).Mul(big.NewInt(int64(g.At.Number-r.DecidingSince)), big.NewInt(Perbill))
			x = el.Quo(el, big.NewInt(int64(t.DecisionPeriod))).Int64()
		}
		r.NeedApproval = t.MinApproval.Threshold(x)
		r.NeedSupport = t.MinSupport.Threshold(x)
		switch r.Phase {
		case "preparing":
			r.End = r.Submitted + t.PreparePeriod
		case "deciding":
			r.End = r.DecidingSince + t.DecisionPeriod
		case "confirming":
			r.End = r.ConfirmingEnd
		}
	}
	r.Passing = r.Approval >= r.NeedApproval && r.SupportFraction >= r.NeedSupport && r.Ayes.Sign() > 0
	return r, nil
}

// perbillOf is a/b in Perbill (0 when b is 0).
func perbillOf(a, b *big.Int) int64 {
	if b == nil || b.Sign() == 0 || a == nil {
		return 0
	}
	q := new(big.Int).Mul(a, big.NewInt(Perbill))
	q.Quo(q, b)
	if q.Cmp(big.NewInt(Perbill)) > 0 {
		return Perbill
	}
	return q.Int64()
}

// ProposalCall decodes a referendum's proposal (a Bounded call): inline,
// or looked up in Preimage.PreimageFor. It returns nil and a note when the
// preimage is not available.
func (s *Session) ProposalCall(ctx context.Context, g *GovState, proposal any) (*value.Call, string, error) {
	o, ok := proposal.(value.Object)
	if !ok || len(o) != 1 {
		return nil, "unknown proposal form", nil
	}
	var data []byte
	switch o[0].Name {
	case "Inline":
		str, _ := o[0].Value.(string)
		b, err := hexBytes(str)
		if err != nil {
			return nil, "", fmt.Errorf("inline proposal: %w", err)
		}
		data = b
	case "Lookup", "Legacy":
		h, _ := Get(o[0].Value, "hash").(string)
		ln := Get(o[0].Value, "len")
		if ln == nil {
			// Legacy: the length is in RequestStatusFor / StatusFor.
			for _, item := range []string{"RequestStatusFor", "StatusFor"} {
				st, found, err := s.Read(ctx, g.Runtime, g.At.Hash, "Preimage", item, h)
				if err == nil && found {
					ln = findLen(st)
					if ln != nil {
						break
					}
				}
			}
		}
		if ln == nil {
			return nil, "the preimage " + h + " is not noted", nil
		}
		v, found, err := s.Read(ctx, g.Runtime, g.At.Hash, "Preimage", "PreimageFor", []any{h, ln})
		if err != nil {
			return nil, "", err
		}
		if !found {
			return nil, "the preimage " + h + " is not noted", nil
		}
		str, _ := v.(string)
		b, err := hexBytes(str)
		if err != nil {
			return nil, "", fmt.Errorf("preimage: %w", err)
		}
		data = b
	default:
		return nil, "unknown proposal form " + o[0].Name, nil
	}
	c, err := g.Runtime.Codec.DecodeCall(data)
	if err != nil {
		return nil, fmt.Sprintf("the proposal does not decode as a call of this runtime: %v", err), nil
	}
	return c, "", nil
}

// findLen finds a "len" field in a preimage request status.
func findLen(v any) any {
	switch x := v.(type) {
	case value.Object:
		for _, f := range x {
			if f.Name == "len" && f.Value != nil {
				return f.Value
			}
			if l := findLen(f.Value); l != nil {
				return l
			}
		}
	case []any:
		for _, it := range x {
			if l := findLen(it); l != nil {
				return l
			}
		}
	}
	return nil
}

// TrackVoting is an account's ConvictionVoting.VotingFor entry on a track.
type TrackVoting struct {
	Track     uint16          `json:"track"`
	TrackName string          `json:"trackName"`
	Kind      string          `json:"kind"` // Casting or Delegating
	Votes     []CastVote      `json:"votes,omitempty"`
	Delegate  *VoteDelegation `json:"delegating,omitempty"`
	Prior     any             `json:"prior,omitempty"`
	Raw       value.Object    `json:"-"`
}

// CastVote is one vote on a referendum.
type CastVote struct {
	Referendum uint32 `json:"referendum"`
	Vote       any    `json:"vote"`
}

// VoteDelegation is a Delegating entry.
type VoteDelegation struct {
	Target     string   `json:"target"`
	Balance    *big.Int `json:"balance"`
	Conviction string   `json:"conviction"`
}

// Votes reads the account's ConvictionVoting.VotingFor entries, by track.
func (s *Session) Votes(ctx context.Context, g *GovState, who [32]byte) ([]TrackVoting, error) {
	if err := s.Route("ConvictionVoting"); err != nil {
		return nil, err
	}
	var out []TrackVoting
	err := s.Iterate(ctx, g.Runtime, g.At.Hash, "ConvictionVoting", "VotingFor", []any{s.Account(who)}, func(parts []storage.KeyPart, v any) error {
		if len(parts) != 2 || !parts[1].HasValue {
			return nil
		}
		cls, err := value.Uint64(parts[1].Value)
		if err != nil {
			return err
		}
		tv := TrackVoting{Track: uint16(cls)}
		for _, t := range g.Tracks {
			if t.ID == tv.Track {
				tv.TrackName = t.Name
			}
		}
		o, ok := v.(value.Object)
		if !ok || len(o) != 1 {
			return fmt.Errorf("VotingFor: unexpected value %v", v)
		}
		tv.Kind, tv.Raw = o[0].Name, o
		body := o[0].Value
		tv.Prior = Get(body, "prior")
		switch tv.Kind {
		case "Casting":
			items, _ := Get(body, "votes").([]any)
			for _, it := range items {
				pair, ok := it.([]any)
				if !ok || len(pair) != 2 {
					continue
				}
				n, _ := value.Uint64(pair[0])
				tv.Votes = append(tv.Votes, CastVote{Referendum: uint32(n), Vote: pair[1]})
			}
			if len(tv.Votes) == 0 && isEmptyPrior(tv.Prior) {
				return nil
			}
		case "Delegating":
			tgt, _ := Get(body, "target").(string)
			conv, _ := Get(body, "conviction").(string)
			tv.Delegate = &VoteDelegation{Target: tgt, Balance: BigAt(body, "balance"), Conviction: conv}
		}
		out = append(out, tv)
		return nil
	})
	return out, err
}

func isEmptyPrior(v any) bool {
	arr, ok := v.([]any)
	if !ok {
		return v == nil
	}
	for _, x := range arr {
		if b, err := value.BigInt(x); err != nil || b.Sign() != 0 {
			return false
		}
	}
	return true
}
