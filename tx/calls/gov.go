package calls

import (
	"fmt"
	"math/big"

	"github.com/ksm-wallet/ksm/tx/value"
)

// Convictions are the conviction names of pallet_conviction_voting, from
// None (0.1x votes, no lock) to Locked6x (6x votes, 32 lock periods).
var Convictions = []string{"None", "Locked1x", "Locked2x", "Locked3x", "Locked4x", "Locked5x", "Locked6x"}

// ParseConviction reads "none", "0.1x", "1x".."6x" or a metadata name
// ("Locked3x") and returns the metadata name.
func ParseConviction(s string) (string, error) {
	switch s {
	case "", "none", "None", "0", "0x", "0.1x":
		return "None", nil
	}
	for i, c := range Convictions {
		if s == c || (i > 0 && (s == fmt.Sprintf("%dx", i) || s == fmt.Sprint(i) || s == fmt.Sprintf("locked%dx", i))) {
			return c, nil
		}
	}
	return "", fmt.Errorf("%w: unknown conviction %q (none, 1x..6x)", value.ErrType, s)
}

// ConvictionMultiplier is the vote multiplier of a conviction in tenths
// (None: 1, Locked1x: 10, ..., Locked6x: 60).
func ConvictionMultiplier(c string) int64 {
	for i, n := range Convictions {
		if n == c {
			if i == 0 {
				return 1
			}
			return int64(10 * i)
		}
	}
	return 0
}

// AccountVote is a vote of ConvictionVoting: Standard (Aye, Conviction,
// Balance), Split (Aye and Nay balances) or SplitAbstain (Aye, Nay and
// Abstain balances).
type AccountVote struct {
	Kind       string // "Standard", "Split", "SplitAbstain"
	Aye        bool   // Standard only
	Conviction string // Standard only
	Balance    *big.Int
	AyeBal     *big.Int
	NayBal     *big.Int
	AbstainBal *big.Int
}

// Value is the vote as value JSON.
func (v AccountVote) Value() (any, error) {
	switch v.Kind {
	case "Standard":
		if v.Balance == nil {
			return nil, fmt.Errorf("%w: a standard vote needs a balance", value.ErrType)
		}
		return value.Object{{Name: "Standard", Value: value.Object{
			{Name: "vote", Value: value.Object{{Name: "aye", Value: v.Aye}, {Name: "conviction", Value: v.Conviction}}},
			{Name: "balance", Value: v.Balance},
		}}}, nil
	case "Split":
		return value.Object{{Name: "Split", Value: value.Object{
			{Name: "aye", Value: govNZBig(v.AyeBal)}, {Name: "nay", Value: govNZBig(v.NayBal)},
		}}}, nil
	case "SplitAbstain":
		return value.Object{{Name: "SplitAbstain", Value: value.Object{
			{Name: "aye", Value: govNZBig(v.AyeBal)}, {Name: "nay", Value: govNZBig(v.NayBal)}, {Name: "abstain", Value: govNZBig(v.AbstainBal)},
		}}}, nil
	}
	return nil, fmt.Errorf("%w: unknown vote kind %q", value.ErrType, v.Kind)
}

// Locked is what the vote locks (the balance of a standard vote, the sum
// of a split one).
func (v AccountVote) Locked() *big.Int {
	if v.Kind == "Standard" {
		return govNZBig(v.Balance)
	}
	t := new(big.Int).Add(govNZBig(v.AyeBal), govNZBig(v.NayBal))
	return t.Add(t, govNZBig(v.AbstainBal))
}

func govNZBig(b *big.Int) *big.Int {
	if b == nil {
		return new(big.Int)
	}
	return b
}

// Vote is ConvictionVoting.vote(poll_index, vote).
func (b *Builder) Vote(poll uint32, v AccountVote) ([]byte, error) {
	vv, err := v.Value()
	if err != nil {
		return nil, err
	}
	return b.Call("ConvictionVoting", "vote", value.Object{{Name: "poll_index", Value: poll}, {Name: "vote", Value: vv}})
}

// RemoveVote is ConvictionVoting.remove_vote(class, index); class nil lets
// the pallet find the track (it must then be ongoing or the vote unique).
func (b *Builder) RemoveVote(class *uint16, poll uint32) ([]byte, error) {
	var c any
	if class != nil {
		c = *class
	}
	return b.Call("ConvictionVoting", "remove_vote", value.Object{{Name: "class", Value: c}, {Name: "index", Value: poll}})
}

// Delegate is ConvictionVoting.delegate(class, to, conviction, balance).
func (b *Builder) Delegate(class uint16, to [32]byte, conviction string, balance *big.Int) ([]byte, error) {
	return b.Call("ConvictionVoting", "delegate", value.Object{
		{Name: "class", Value: class}, {Name: "to", Value: b.Dest(to)},
		{Name: "conviction", Value: conviction}, {Name: "balance", Value: balance},
	})
}

// Undelegate is ConvictionVoting.undelegate(class).
func (b *Builder) Undelegate(class uint16) ([]byte, error) {
	return b.Call("ConvictionVoting", "undelegate", value.Object{{Name: "class", Value: class}})
}

// Unlock is ConvictionVoting.unlock(class, target).
func (b *Builder) Unlock(class uint16, target [32]byte) ([]byte, error) {
	return b.Call("ConvictionVoting", "unlock", value.Object{{Name: "class", Value: class}, {Name: "target", Value: b.Dest(target)}})
}

// NotePreimage is Preimage.note_preimage(bytes).
func (b *Builder) NotePreimage(data []byte) ([]byte, error) {
	return b.Call("Preimage", "note_preimage", value.Object{{Name: "bytes", Value: data}})
}

// SubmitReferendum is Referenda.submit(proposal_origin, proposal,
// enactment_moment) with proposal as value JSON of a Bounded call
// ({"Inline": "0x.."} or {"Lookup": {"hash": .., "len": ..}}) and
// enactment after the given number of blocks.
func (b *Builder) SubmitReferendum(origin any, proposal any, afterBlocks uint32) ([]byte, error) {
	return b.Call("Referenda", "submit", value.Object{
		{Name: "proposal_origin", Value: origin}, {Name: "proposal", Value: proposal},
		{Name: "enactment_moment", Value: value.Object{{Name: "After", Value: afterBlocks}}},
	})
}

// PlaceDecisionDeposit is Referenda.place_decision_deposit(index).
func (b *Builder) PlaceDecisionDeposit(index uint32) ([]byte, error) {
	return b.Call("Referenda", "place_decision_deposit", value.Object{{Name: "index", Value: index}})
}
