package app

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
)

// Balance is an account's native balance at one block.
type Balance struct {
	Account [32]byte
	Block   chainclient.Header
	Nonce   uint64
	// Free, Reserved and Frozen as the chain stores them (older runtimes'
	// misc_frozen/fee_frozen give Frozen as their maximum).
	Free, Reserved, Frozen *big.Int
	// Transferable is what can leave the account if it may be reaped:
	// free − max(frozen − reserved, 0).
	Transferable *big.Int
	// ExistentialDeposit is Balances.ExistentialDeposit.
	ExistentialDeposit *big.Int
	Locks              []Lock
	Holds              []Hold
	Freezes            []Hold
	Providers          uint64
	Consumers          uint64
}

// Lock is a Balances lock (staking, voting, vesting, ...).
type Lock struct {
	ID      string   `json:"id"`
	Amount  *big.Int `json:"amount"`
	Reasons string   `json:"reasons"`
}

// Hold is a Balances hold or freeze, by reason ("Preimage.Preimage",
// "DelegatedStaking.StakingDelegation", ...).
type Hold struct {
	Reason string   `json:"reason"`
	Amount *big.Int `json:"amount"`
}

// Get returns the value JSON found at a path of object fields, or nil.
func Get(v any, path ...string) any {
	for _, p := range path {
		o, ok := v.(value.Object)
		if !ok {
			return nil
		}
		v, _ = o.Get(p)
	}
	return v
}

// BigAt returns the integer at a path (0 when absent or not an integer).
func BigAt(v any, path ...string) *big.Int {
	x := Get(v, path...)
	if x == nil {
		return new(big.Int)
	}
	b, err := value.BigInt(x)
	if err != nil {
		return new(big.Int)
	}
	return b
}

// Balance reads the account's balances at the finalized head.
func (s *Session) Balance(ctx context.Context, account [32]byte) (*Balance, error) {
	h, rt, err := s.HeadRuntime(ctx)
	if err != nil {
		return nil, err
	}
	return s.BalanceAt(ctx, rt, *h, account)
}

// BalanceAt reads the account's balances at block h.
func (s *Session) BalanceAt(ctx context.Context, rt *Runtime, h chainclient.Header, account [32]byte) (*Balance, error) {
	id := rt.Codec.FormatAccount(account)
	acc, _, err := s.Read(ctx, rt, h.Hash, "System", "Account", id)
	if err != nil {
		return nil, err
	}
	b := &Balance{Account: account, Block: h}
	b.Nonce = BigAt(acc, "nonce").Uint64()
	b.Providers = BigAt(acc, "providers").Uint64()
	b.Consumers = BigAt(acc, "consumers").Uint64()
	b.Free = BigAt(acc, "data", "free")
	b.Reserved = BigAt(acc, "data", "reserved")
	if Get(acc, "data", "frozen") != nil {
		b.Frozen = BigAt(acc, "data", "frozen")
	} else {
		b.Frozen = maxBig(BigAt(acc, "data", "misc_frozen"), BigAt(acc, "data", "fee_frozen"))
	}
	untouchable := new(big.Int).Sub(b.Frozen, b.Reserved)
	if untouchable.Sign() < 0 {
		untouchable.SetInt64(0)
	}
	b.Transferable = new(big.Int).Sub(b.Free, untouchable)
	if b.Transferable.Sign() < 0 {
		b.Transferable.SetInt64(0)
	}
	if ed, err := rt.ExistentialDeposit(); err == nil {
		b.ExistentialDeposit = ed
	} else {
		b.ExistentialDeposit = new(big.Int)
	}
	if b.Locks, err = s.locks(ctx, rt, h.Hash, id); err != nil {
		return nil, err
	}
	if b.Holds, err = s.holds(ctx, rt, h.Hash, "Holds", id); err != nil {
		return nil, err
	}
	if b.Freezes, err = s.holds(ctx, rt, h.Hash, "Freezes", id); err != nil {
		return nil, err
	}
	return b, nil
}

func maxBig(a, b *big.Int) *big.Int {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}

// missingItem reports a storage item the runtime does not have.
func missingItem(err error) bool {
	return errors.Is(err, metadata.ErrUnknownItem) || errors.Is(err, metadata.ErrUnknownPallet)
}

// balancesList reads a list of account id in the Balances pallet (Locks,
// Holds, Freezes); a runtime without the item has none.
func (s *Session) balancesList(ctx context.Context, rt *Runtime, at chainclient.Hash, item, id string) ([]any, error) {
	v, _, err := s.Read(ctx, rt, at, "Balances", item, id)
	if missingItem(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	items, _ := v.([]any)
	return items, nil
}

func (s *Session) locks(ctx context.Context, rt *Runtime, at chainclient.Hash, id string) ([]Lock, error) {
	items, err := s.balancesList(ctx, rt, at, "Locks", id)
	if err != nil {
		return nil, err
	}
	var out []Lock
	for _, it := range items {
		l := Lock{ID: lockID(Get(it, "id")), Amount: BigAt(it, "amount")}
		if r, ok := Get(it, "reasons").(string); ok {
			l.Reasons = r
		}
		out = append(out, l)
	}
	return out, nil
}

// lockID shows an 8-byte lock identifier as text ("staking", "pyconvot")
// when it is printable, else as hex.
func lockID(v any) string {
	s, _ := v.(string)
	b, err := hexBytes(s)
	if err != nil {
		return s
	}
	txt := strings.TrimRight(string(b), " \x00")
	for _, r := range txt {
		if !unicode.IsPrint(r) || r > unicode.MaxASCII {
			return s
		}
	}
	if txt == "" {
		return s
	}
	return txt
}

func (s *Session) holds(ctx context.Context, rt *Runtime, at chainclient.Hash, item, id string) ([]Hold, error) {
	items, err := s.balancesList(ctx, rt, at, item, id)
	if err != nil {
		return nil, err
	}
	var out []Hold
	for _, it := range items {
		out = append(out, Hold{Reason: EnumPath(Get(it, "id")), Amount: BigAt(it, "amount")})
	}
	return out, nil
}

// EnumPath writes a nested enum value ({"Staking": "Staking"} or
// {"Preimage": {"Preimage": null}}) as a dotted path of variant names.
func EnumPath(v any) string {
	var parts []string
	for depth := 0; depth < 8; depth++ {
		switch x := v.(type) {
		case string:
			parts = append(parts, x)
			return strings.Join(parts, ".")
		case value.Object:
			if len(x) != 1 {
				return strings.Join(parts, ".")
			}
			parts = append(parts, x[0].Name)
			v = x[0].Value
		default:
			return strings.Join(parts, ".")
		}
	}
	return strings.Join(parts, ".")
}

// TransferredValue sums what the Balances transfers among call (a call or
// a batch) send away: the value argument of transfer_keep_alive,
// transfer_allow_death and transfer. Other calls add nothing.
func TransferredValue(rt *Runtime, call []byte) *big.Int {
	sum := new(big.Int)
	inner, err := rt.Calls.Split(call)
	if err != nil {
		return sum
	}
	for _, c := range inner {
		if c.Pallet != "Balances" {
			continue
		}
		switch c.Name {
		case "transfer_keep_alive", "transfer_allow_death", "transfer":
			v, _ := c.Args.Get("value")
			if b, err := value.BigInt(v); err == nil {
				sum.Add(sum, b)
			}
		}
	}
	return sum
}

// ChainBalance is an account's balance on one chain of the network.
type ChainBalance struct {
	// Chain and ChainName name the chain (Session.ChainID, ChainName).
	Chain, ChainName string
	Verified         bool
	*Balance
}

// Balances is an account's balance on every chain of its network (the relay
// chain and its Asset Hub), the main chain's first (where the account's
// balance lives: Asset Hub on kusama), with their total.
type Balances struct {
	Chains []ChainBalance
	Total  BalanceTotal
}

// BalanceTotal sums the balances of the chains of a network.
type BalanceTotal struct {
	Free, Reserved, Frozen, Transferable *big.Int
}

// Main is the balance on the main chain.
func (b *Balances) Main() *Balance { return b.Chains[0].Balance }

// BalancesOf reads the balance of account id on each chain of sessions (the
// main chain first), each at its finalized head, and totals them.
func BalancesOf(ctx context.Context, sessions []*Session, id [32]byte) (*Balances, error) {
	out := &Balances{Total: BalanceTotal{Free: new(big.Int), Reserved: new(big.Int), Frozen: new(big.Int), Transferable: new(big.Int)}}
	for _, s := range sessions {
		b, err := s.Balance(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.ChainName(), err)
		}
		out.Chains = append(out.Chains, ChainBalance{Chain: s.ChainID(), ChainName: s.ChainName(), Verified: s.Chain.Verified(), Balance: b})
		t := &out.Total
		for _, p := range []struct{ sum, v *big.Int }{{t.Free, b.Free}, {t.Reserved, b.Reserved}, {t.Frozen, b.Frozen}, {t.Transferable, b.Transferable}} {
			if p.v != nil {
				p.sum.Add(p.sum, p.v)
			}
		}
	}
	if len(out.Chains) == 0 {
		return nil, fmt.Errorf("no chain to read")
	}
	return out, nil
}
