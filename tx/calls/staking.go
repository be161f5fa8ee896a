package calls

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
)

// ErrArgs means a runtime's call takes arguments ksm cannot fill (an
// argument it does not know, or a payee variant the runtime lacks).
var ErrArgs = errors.New("calls: unsupported call arguments")

// CallArgs returns the argument names of pallet.name in metadata order.
func (b *Builder) CallArgs(pallet, name string) ([]string, error) {
	it, err := b.c.Metadata().Call(pallet, name)
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", pallet, name, err)
	}
	out := make([]string, len(it.Variant.Fields))
	for i, f := range it.Variant.Fields {
		out[i] = f.Name
	}
	return out, nil
}

// HasArg reports whether pallet.name takes an argument called arg.
func (b *Builder) HasArg(pallet, name, arg string) bool {
	args, err := b.CallArgs(pallet, name)
	if err != nil {
		return false
	}
	for _, a := range args {
		if a == arg {
			return true
		}
	}
	return false
}

// byArgs encodes pallet.name with the arguments the metadata lists, taken
// from known by name in metadata order. An argument the runtime takes but
// known lacks fails with ErrArgs; entries of known the call does not take
// are ignored (they belong to other runtime versions).
func (b *Builder) byArgs(pallet, name string, known map[string]any) ([]byte, error) {
	args, err := b.CallArgs(pallet, name)
	if err != nil {
		return nil, err
	}
	obj := make(value.Object, 0, len(args))
	for _, a := range args {
		v, ok := known[a]
		if !ok {
			return nil, fmt.Errorf("%w: this runtime's %s.%s takes argument %q (it takes %s), which ksm does not know how to fill", ErrArgs, pallet, name, a, strings.Join(args, ", "))
		}
		obj = append(obj, value.Field{Name: a, Value: v})
	}
	return b.Call(pallet, name, obj)
}

// Payee is a staking reward destination as the user names it.
type Payee struct {
	// Kind is the RewardDestination variant: "Staked", "Stash",
	// "Controller", "Account" or "None".
	Kind string
	// Account is the destination of Kind "Account" (an address or 0x-hex).
	Account string
}

// ParsePayee reads staked, stash, controller, none or account:ADDR.
func ParsePayee(s string) (Payee, error) {
	low := strings.ToLower(strings.TrimSpace(s))
	switch low {
	case "staked":
		return Payee{Kind: "Staked"}, nil
	case "stash":
		return Payee{Kind: "Stash"}, nil
	case "controller":
		return Payee{Kind: "Controller"}, nil
	case "none":
		return Payee{Kind: "None"}, nil
	}
	if strings.HasPrefix(low, "account:") {
		addr := strings.TrimSpace(s[len("account:"):])
		if addr == "" {
			return Payee{}, fmt.Errorf("%w: account: needs an address (account:ADDR)", ErrArgs)
		}
		return Payee{Kind: "Account", Account: addr}, nil
	}
	return Payee{}, fmt.Errorf("%w: unknown reward destination %q (staked, stash, account:ADDR, none)", ErrArgs, s)
}

// String writes the payee as ParsePayee reads it.
func (p Payee) String() string {
	if p.Kind == "Account" {
		return "account:" + p.Account
	}
	return strings.ToLower(p.Kind)
}

// PayeeVariants lists the RewardDestination variants the runtime's
// Staking.set_payee (or bond) accepts.
func (b *Builder) PayeeVariants() ([]string, error) {
	for _, c := range []string{"set_payee", "bond"} {
		it, err := b.c.Metadata().Call("Staking", c)
		if err != nil {
			continue
		}
		names, ok, err := b.argVariants(it, "payee")
		if err != nil {
			return nil, fmt.Errorf("Staking.%s payee: %w", c, err)
		}
		if ok {
			return names, nil
		}
	}
	return nil, fmt.Errorf("Staking.set_payee: %w", metadata.ErrUnknownItem)
}

// payeeValue is the payee as value JSON, checked against the runtime's
// variants.
func (b *Builder) payeeValue(p Payee) (any, error) {
	vs, err := b.PayeeVariants()
	if err != nil {
		return nil, err
	}
	found := false
	for _, v := range vs {
		if v == p.Kind {
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: this runtime's reward destinations are %s; %q is not one of them", ErrArgs, strings.Join(lowerAll(vs), ", "), strings.ToLower(p.Kind))
	}
	if p.Kind == "Account" {
		id, err := b.c.ParseAccount(p.Account)
		if err != nil {
			return nil, fmt.Errorf("payee account: %w", err)
		}
		return value.Object{{Name: "Account", Value: b.Dest(id)}}, nil
	}
	return p.Kind, nil
}

func lowerAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		if v == "Account" {
			out[i] = "account:ADDR"
			continue
		}
		out[i] = strings.ToLower(v)
	}
	return out
}

// Bond is Staking.bond: value and payee, and in runtimes that still take
// one the controller argument (set to the stash itself, as the newer
// runtimes do).
func (b *Builder) Bond(stash [32]byte, amount *big.Int, payee Payee) ([]byte, error) {
	pv, err := b.payeeValue(payee)
	if err != nil {
		return nil, err
	}
	return b.byArgs("Staking", "bond", map[string]any{"controller": b.Dest(stash), "value": amount, "payee": pv})
}

// BondExtra is Staking.bond_extra(max_additional).
func (b *Builder) BondExtra(amount *big.Int) ([]byte, error) {
	return b.byArgs("Staking", "bond_extra", map[string]any{"max_additional": amount})
}

// Unbond is Staking.unbond(value).
func (b *Builder) Unbond(amount *big.Int) ([]byte, error) {
	return b.byArgs("Staking", "unbond", map[string]any{"value": amount})
}

// Rebond is Staking.rebond(value).
func (b *Builder) Rebond(amount *big.Int) ([]byte, error) {
	return b.byArgs("Staking", "rebond", map[string]any{"value": amount})
}

// WithdrawUnbonded is Staking.withdraw_unbonded, with num_slashing_spans
// when the runtime's call takes it (spans is ignored otherwise).
func (b *Builder) WithdrawUnbonded(spans uint32) ([]byte, error) {
	return b.byArgs("Staking", "withdraw_unbonded", map[string]any{"num_slashing_spans": spans})
}

// Nominate is Staking.nominate(targets).
func (b *Builder) Nominate(targets [][32]byte) ([]byte, error) {
	ts := make([]any, len(targets))
	for i, t := range targets {
		ts[i] = b.Dest(t)
	}
	return b.byArgs("Staking", "nominate", map[string]any{"targets": ts})
}

// Chill is Staking.chill(): stop nominating or validating.
func (b *Builder) Chill() ([]byte, error) {
	return b.byArgs("Staking", "chill", nil)
}

// SetPayee is Staking.set_payee(payee).
func (b *Builder) SetPayee(payee Payee) ([]byte, error) {
	pv, err := b.payeeValue(payee)
	if err != nil {
		return nil, err
	}
	return b.byArgs("Staking", "set_payee", map[string]any{"payee": pv})
}

// PayoutStakers pays the rewards of validator for era:
// Staking.payout_stakers_by_page(validator_stash, era, page) when page is
// given and the runtime has it, else Staking.payout_stakers(validator_stash,
// era) (which pays the next unpaid page in paged runtimes).
func (b *Builder) PayoutStakers(validator [32]byte, era uint32, page *uint32) ([]byte, error) {
	args := map[string]any{"validator_stash": b.Dest(validator), "era": era}
	if page != nil && b.Has("Staking", "payout_stakers_by_page") {
		args["page"] = *page
		return b.byArgs("Staking", "payout_stakers_by_page", args)
	}
	return b.byArgs("Staking", "payout_stakers", args)
}
