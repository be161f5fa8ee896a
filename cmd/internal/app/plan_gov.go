package app

// Plans of the governance verbs: vote, remove-vote, delegate, undelegate
// and unlock (ConvictionVoting). The vote's shape (standard, split,
// split-abstain), its conviction and amounts, referendum indices and
// accounts are checked before the chain is opened; the referendum's state
// and the tracks when it is.

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/ksm-wallet/ksm/tx/calls"
)

// GovInput is what a governance verb was given, as typed.
type GovInput struct {
	Signing
	// Referendum is the referendum index (vote, remove-vote).
	Referendum string
	// Direction is aye, nay, abstain or "" (a split vote).
	Direction string
	// Amount is the balance of a standard vote, an abstain vote or a
	// delegation; SplitAye and SplitNay those of a split vote.
	Amount, SplitAye, SplitNay string
	// Conviction is none or 1x..6x; ConvictionSet says it was given.
	Conviction    string
	ConvictionSet bool
	// Track is a track name or id (remove-vote, delegate, undelegate, unlock).
	Track string
	// Target is the delegate (delegate) or the account to unlock (unlock;
	// default the sender).
	Target string
}

// ParseReferendumIndex reads a referendum index.
func ParseReferendumIndex(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, inputErrorf("", "referendum index %q: not a number", s)
	}
	return uint32(n), nil
}

// govTrack finds a track by name or id in the chain's tracks.
func govTrack(g *GovState, arg string) (*Track, error) {
	t, err := FindTrack(g.Tracks, arg)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	return t, nil
}

// govOnTrack loads the governance context and finds a track in it.
func (c *Composer) govOnTrack(ctx context.Context, track string) (*GovState, *Track, error) {
	g, err := c.Sess.Gov(ctx)
	if err != nil {
		return nil, nil, err
	}
	t, err := govTrack(g, track)
	if err != nil {
		return nil, nil, err
	}
	return g, t, nil
}

// optionalAmount parses an amount that may be absent (zero).
func (c *Composer) optionalAmount(field, text string) (*big.Int, error) {
	if text == "" {
		return new(big.Int), nil
	}
	v, err := c.Sess.ParseAmount(text)
	if err != nil {
		return nil, fieldError(field, err)
	}
	return v, nil
}

// PlanGovVote votes on a referendum: aye or nay with --amount and a
// conviction, a split vote (--split-aye, --split-nay), or abstain with
// --amount (and optional split balances).
func PlanGovVote(kr Keyring, in GovInput) (*Plan, error) {
	idx, err := ParseReferendumIndex(in.Referendum)
	if err != nil {
		return nil, err
	}
	dir := strings.ToLower(in.Direction)
	split := in.SplitAye != "" || in.SplitNay != ""
	switch {
	case dir == "aye" || dir == "nay":
		if split {
			return nil, inputErrorf("", "a standard %s vote takes --amount, not --split-aye/--split-nay", dir)
		}
		if in.Amount == "" {
			return nil, inputErrorf("--amount", "required")
		}
	case dir == "abstain":
		if in.Amount == "" {
			return nil, inputErrorf("", "abstain needs --amount (the abstaining balance)")
		}
		if in.ConvictionSet {
			return nil, inputErrorf("", "an abstain vote has no conviction")
		}
	case dir == "" && split:
		if in.Amount != "" || in.ConvictionSet {
			return nil, inputErrorf("", "a split vote takes --split-aye and --split-nay, no --amount or --conviction")
		}
	default:
		return nil, inputErrorf("", "say aye, nay or abstain (or give --split-aye/--split-nay)")
	}
	conv, err := calls.ParseConviction(in.Conviction)
	if err != nil {
		return nil, fieldError("--conviction", err)
	}
	for _, a := range []struct{ field, text string }{{"--amount", in.Amount}, {"--split-aye", in.SplitAye}, {"--split-nay", in.SplitNay}} {
		if a.text != "" {
			if err := CheckAmount(a.text, true); err != nil {
				return nil, fieldError(a.field, err)
			}
		}
	}
	return NewPlan(kr, "gov vote", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		var v calls.AccountVote
		if dir == "aye" || dir == "nay" {
			b, err := c.optionalAmount("--amount", in.Amount)
			if err != nil {
				return nil, err
			}
			v = calls.AccountVote{Kind: "Standard", Aye: dir == "aye", Conviction: conv, Balance: b}
		} else {
			a, err := c.optionalAmount("--split-aye", in.SplitAye)
			if err != nil {
				return nil, err
			}
			n, err := c.optionalAmount("--split-nay", in.SplitNay)
			if err != nil {
				return nil, err
			}
			v = calls.AccountVote{Kind: "Split", AyeBal: a, NayBal: n}
			if dir == "abstain" {
				ab, err := c.optionalAmount("--amount", in.Amount)
				if err != nil {
					return nil, err
				}
				v.Kind, v.AbstainBal = "SplitAbstain", ab
			}
		}
		if v.Locked().Sign() <= 0 {
			return nil, inputErrorf("", "the vote's balance must be more than zero")
		}
		g, err := c.Sess.Gov(ctx)
		if err != nil {
			return nil, err
		}
		r, err := c.Sess.Referendum(ctx, g, idx)
		if err != nil {
			return nil, err
		}
		if r.Status != "Ongoing" {
			return nil, fmt.Errorf("%w: referendum %d is %s", ErrNotOngoing, idx, r.Status)
		}
		call, err := g.Runtime.Calls.Vote(idx, v)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call}, Title: fmt.Sprintf("Vote on referendum %d (track %s): %s", idx, r.TrackName, c.voteText(v))}, nil
	})
}

func (c *Composer) voteText(v calls.AccountVote) string {
	switch v.Kind {
	case "Standard":
		d := "nay"
		if v.Aye {
			d = "aye"
		}
		return fmt.Sprintf("%s with %s, conviction %s", d, c.Amount(v.Balance), v.Conviction)
	case "Split":
		return fmt.Sprintf("split: aye %s, nay %s", c.Amount(v.AyeBal), c.Amount(v.NayBal))
	}
	return fmt.Sprintf("abstain %s (aye %s, nay %s)", c.Amount(v.AbstainBal), c.Amount(v.AyeBal), c.Amount(v.NayBal))
}

// PlanGovRemoveVote removes the sender's vote on a referendum; its track is
// in.Track, or found among the sender's votes.
func PlanGovRemoveVote(kr Keyring, in GovInput) (*Plan, error) {
	idx, err := ParseReferendumIndex(in.Referendum)
	if err != nil {
		return nil, err
	}
	return NewPlan(kr, "gov remove-vote", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		g, err := c.Sess.Gov(ctx)
		if err != nil {
			return nil, err
		}
		var class *uint16
		if in.Track != "" {
			t, err := govTrack(g, in.Track)
			if err != nil {
				return nil, err
			}
			class = &t.ID
		} else {
			tv, err := c.Sess.Votes(ctx, g, c.From.Account)
			if err != nil {
				return nil, err
			}
			for _, t := range tv {
				for _, v := range t.Votes {
					if v.Referendum == idx {
						id := t.Track
						class = &id
					}
				}
			}
			if class == nil {
				return nil, fmt.Errorf("%s has no vote on referendum %d", c.Sess.Account(c.From.Account), idx)
			}
		}
		call, err := g.Runtime.Calls.RemoveVote(class, idx)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call}, Title: fmt.Sprintf("Remove the vote on referendum %d", idx)}, nil
	})
}

// PlanGovDelegate delegates in.Amount on in.Track to in.Target.
func PlanGovDelegate(kr Keyring, in GovInput) (*Plan, error) {
	conv, err := calls.ParseConviction(in.Conviction)
	if err != nil {
		return nil, fieldError("--conviction", err)
	}
	if in.Amount == "" {
		return nil, inputErrorf("--amount", "required")
	}
	if err := checkAmountField("--amount", in.Amount); err != nil {
		return nil, err
	}
	to, err := ResolveTarget(kr, "TO", in.Target)
	if err != nil {
		return nil, err
	}
	return NewPlan(kr, "gov delegate", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		bal, err := c.ParseAmount("--amount", in.Amount)
		if err != nil {
			return nil, err
		}
		g, t, err := c.govOnTrack(ctx, in.Track)
		if err != nil {
			return nil, err
		}
		call, err := g.Runtime.Calls.Delegate(t.ID, to.Account, conv, bal)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call},
			Title: fmt.Sprintf("Delegate %s on track %s (%d) to %s, conviction %s", c.Amount(bal), t.Name, t.ID, c.Sess.Account(to.Account), conv)}, nil
	})
}

// PlanGovUndelegate ends the sender's delegation on in.Track.
func PlanGovUndelegate(kr Keyring, in GovInput) (*Plan, error) {
	return NewPlan(kr, "gov undelegate", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		g, t, err := c.govOnTrack(ctx, in.Track)
		if err != nil {
			return nil, err
		}
		call, err := g.Runtime.Calls.Undelegate(t.ID)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call}, Title: fmt.Sprintf("Undelegate on track %s (%d)", t.Name, t.ID)}, nil
	})
}

// PlanGovUnlock removes expired voting locks of in.Target (default the
// sender) on in.Track.
func PlanGovUnlock(kr Keyring, in GovInput) (*Plan, error) {
	target, err := resolveOptionalTarget(kr, "TARGET", in.Target)
	if err != nil {
		return nil, err
	}
	return NewPlan(kr, "gov unlock", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		who := c.accountOr(target)
		g, t, err := c.govOnTrack(ctx, in.Track)
		if err != nil {
			return nil, err
		}
		call, err := g.Runtime.Calls.Unlock(t.ID, who)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call}, Title: fmt.Sprintf("Unlock voting locks of %s on track %s (%d)", c.Sess.Account(who), t.Name, t.ID)}, nil
	})
}
