package app

import (
	"context"
	"fmt"
	"math/big"
)

// TransferInput is what a transfer was given, as typed.
type TransferInput struct {
	Signing
	// To is a key name or an address.
	To string
	// Amount is omitted with All (everything transferable).
	Amount     string
	All        bool
	KeepAlive  bool
	AllowDeath bool
}

// PlanTransfer checks a transfer: TO resolves, the amount is well formed and
// positive (or All without one), the modes exclude each other. Its composer
// refuses an amount that would create the recipient below the existential
// deposit.
func PlanTransfer(kr Keyring, in TransferInput) (*Plan, error) {
	if in.KeepAlive && in.AllowDeath {
		return nil, inputErrorf("", "--keep-alive and --allow-death exclude each other")
	}
	switch {
	case in.All && in.Amount != "":
		return nil, inputErrorf("", "--all sends everything: give TO without an AMOUNT")
	case !in.All && in.Amount == "":
		return nil, inputErrorf("", "transfer takes TO and AMOUNT (or TO --all)")
	}
	dest, err := ResolveTarget(kr, "TO", in.To)
	if err != nil {
		return nil, err
	}
	if !in.All {
		if err := checkAmountField("amount", in.Amount); err != nil {
			return nil, err
		}
	}
	return NewPlan(kr, "transfer", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		destText := c.Sess.Account(dest.Account)
		if dest.KeyName != "" {
			destText += " (key " + dest.KeyName + ")"
		}
		if in.All {
			call, err := c.Rt.Calls.TransferAll(dest.Account, in.KeepAlive)
			if err != nil {
				return nil, err
			}
			return &Draft{Request: Request{Call: call, SpendAll: true, AllowDeath: !in.KeepAlive},
				Title: "Transfer everything transferable to " + destText}, nil
		}
		amount, err := c.ParseAmount("amount", in.Amount)
		if err != nil {
			return nil, err
		}
		if err := c.checkRecipient(ctx, dest.Account, amount); err != nil {
			return nil, err
		}
		var call []byte
		if in.AllowDeath {
			call, err = c.Rt.Calls.TransferAllowDeath(dest.Account, amount)
		} else {
			call, err = c.Rt.Calls.TransferKeepAlive(dest.Account, amount)
		}
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call, Spend: amount, AllowDeath: in.AllowDeath},
			Title: fmt.Sprintf("Transfer %s to %s", c.Amount(amount), destText)}, nil
	})
}

// checkRecipient refuses an amount that would create an account below the
// existential deposit (the chain would refuse it).
func (c *Composer) checkRecipient(ctx context.Context, dest [32]byte, amount *big.Int) error {
	b, err := c.Sess.BalanceAt(ctx, c.Rt, c.Head, dest)
	if err != nil {
		return err
	}
	total := new(big.Int).Add(b.Free, b.Reserved)
	after := new(big.Int).Add(b.Free, amount)
	if total.Sign() == 0 && b.ExistentialDeposit != nil && after.Cmp(b.ExistentialDeposit) < 0 {
		return fmt.Errorf("%w: %s does not exist yet and %s would not reach the existential deposit of %s; send at least that much",
			ErrExistentialDeposit, c.Sess.Account(dest), c.Amount(amount), c.Amount(b.ExistentialDeposit))
	}
	return nil
}
