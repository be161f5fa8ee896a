package app

// Plans of the para verbs on the relay chain: reserve, register and
// deregister a para id (Registrar), and the crowdloan calls (Crowdloan).

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
)

// ParaInput is what a para verb was given, as typed.
type ParaInput struct {
	Signing
	// ID is the para id (all but reserve).
	ID string
	// Amount is what contribute gives.
	Amount string
	// Who is whose contribution withdraw returns ("" the sender's): a key
	// name or an address.
	Who string
	// GenesisHeadFile and ValidationCodeFile hold what register registers,
	// raw bytes or 0x-hex.
	GenesisHeadFile, ValidationCodeFile string
}

// ParseParaID reads a para id.
func ParseParaID(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, Usagef("para id %q: not a number", s)
	}
	return uint32(n), nil
}

// ReadBlob reads a file of raw bytes, or of 0x-hex text, named by flag.
func ReadBlob(flag, file string) ([]byte, error) {
	if file == "" {
		return nil, Usagef("%s FILE is required", flag)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, Usagef("%s: %v", flag, err)
	}
	t := bytes.TrimSpace(b)
	if bytes.HasPrefix(t, []byte("0x")) {
		if d, err := hex.DecodeString(string(t[2:])); err == nil {
			return d, nil
		}
	}
	return b, nil
}

// PlanParaReserve checks the signing key; its composer reserves the next
// free para id, spending Registrar.ParaDeposit.
func PlanParaReserve(kr Keyring, in ParaInput) (*Plan, error) {
	return NewPlan(kr, "para reserve", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		d, err := RegistrarDeposits(c.Rt)
		if err != nil {
			return nil, err
		}
		next, err := c.Sess.NextFreeParaID(ctx, c.Rt)
		if err != nil {
			return nil, err
		}
		call, err := c.Rt.Calls.Reserve()
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call, Spend: d.ParaDeposit},
			Title: fmt.Sprintf("Reserve a para id (next free: %d); deposit %s (Registrar.ParaDeposit)", next, c.Amount(d.ParaDeposit))}, nil
	})
}

// PlanParaRegister checks the para id and reads the genesis head and the
// validation code (not empty). Its composer checks their sizes against the
// active configuration and that the sender manages the reserved, not yet
// registered id; the deposit is in the draft's details.
func PlanParaRegister(kr Keyring, in ParaInput) (*Plan, error) {
	id, err := ParseParaID(in.ID)
	if err != nil {
		return nil, err
	}
	head, err := ReadBlob("--genesis-head", in.GenesisHeadFile)
	if err != nil {
		return nil, err
	}
	code, err := ReadBlob("--validation-code", in.ValidationCodeFile)
	if err != nil {
		return nil, err
	}
	if len(code) == 0 {
		return nil, Usagef("--validation-code: the file is empty")
	}
	return NewPlan(kr, "para register", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		s, rt := c.Sess, c.Rt
		d, err := RegistrarDeposits(rt)
		if err != nil {
			return nil, err
		}
		if lim, err := s.ParaLimits(ctx, rt); err == nil {
			if lim.MaxCodeSize > 0 && uint64(len(code)) > lim.MaxCodeSize {
				return nil, Usagef("--validation-code: %d bytes, more than the configuration's max_code_size of %d", len(code), lim.MaxCodeSize)
			}
			if lim.MaxHeadDataSize > 0 && uint64(len(head)) > lim.MaxHeadDataSize {
				return nil, Usagef("--genesis-head: %d bytes, more than the configuration's max_head_data_size of %d", len(head), lim.MaxHeadDataSize)
			}
		}
		st, err := s.ParaStatus(ctx, rt, id)
		if err != nil {
			return nil, err
		}
		sender := s.Account(c.From.Account)
		switch {
		case !st.Registered:
			return nil, fmt.Errorf("para id %d is not reserved: run 'ksm para reserve' first", id)
		case st.Manager != sender:
			return nil, fmt.Errorf("para id %d is managed by %s, not by %s", id, st.Manager, sender)
		case st.Lifecycle != "":
			return nil, fmt.Errorf("para id %d is already registered (lifecycle %s)", id, st.Lifecycle)
		}
		total, extra := d.RegisterDeposit(len(head), len(code))
		call, err := rt.Calls.Register(id, head, code)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call, Spend: extra},
			Title: fmt.Sprintf("Register para %d (genesis head %d bytes, validation code %d bytes)", id, len(head), len(code)),
			Details: fmt.Sprintf("Deposit: %s = ParaDeposit %s + %s per byte × %d bytes (head %d, code %d); %s more is reserved now",
				c.Amount(total), c.Amount(d.ParaDeposit), c.Amount(d.DataDepositPerByte), len(head)+len(code), len(head), len(code), c.Amount(extra))}, nil
	})
}

// PlanParaDeregister checks the para id; its composer checks that the id
// is reserved or an on-demand parachain.
func PlanParaDeregister(kr Keyring, in ParaInput) (*Plan, error) {
	id, err := ParseParaID(in.ID)
	if err != nil {
		return nil, err
	}
	return NewPlan(kr, "para deregister", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		st, err := c.Sess.ParaStatus(ctx, c.Rt, id)
		if err != nil {
			return nil, err
		}
		if !st.Registered {
			return nil, fmt.Errorf("para id %d is not reserved or registered", id)
		}
		if st.Lifecycle != "" && st.Lifecycle != "Parathread" {
			return nil, fmt.Errorf("para %d is %s: only an on-demand parachain (Parathread) or a reserved id can be deregistered", id, st.Lifecycle)
		}
		call, err := c.Rt.Calls.Deregister(id)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call}, Title: fmt.Sprintf("Deregister para %d (deposit %s returns to %s)", id, c.Amount(st.Deposit), st.Manager)}, nil
	})
}

// PlanCrowdloanContribute checks the para id and the amount (positive).
func PlanCrowdloanContribute(kr Keyring, in ParaInput) (*Plan, error) {
	id, err := ParseParaID(in.ID)
	if err != nil {
		return nil, err
	}
	if err := checkAmountField("amount", in.Amount); err != nil {
		return nil, err
	}
	return NewPlan(kr, "para contribute", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		amount, err := c.ParseAmount("amount", in.Amount)
		if err != nil {
			return nil, err
		}
		call, err := c.Rt.Calls.Contribute(id, amount)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call, Spend: amount}, Title: fmt.Sprintf("Contribute %s to the crowdloan of para %d", c.Amount(amount), id)}, nil
	})
}

// PlanCrowdloanWithdraw checks the para id and WHO (the sender when not
// given).
func PlanCrowdloanWithdraw(kr Keyring, in ParaInput) (*Plan, error) {
	id, err := ParseParaID(in.ID)
	if err != nil {
		return nil, err
	}
	who, err := resolveOptionalTarget(kr, "WHO", in.Who)
	if err != nil {
		return nil, err
	}
	return NewPlan(kr, "para withdraw", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		account := c.accountOr(who)
		call, err := c.Rt.Calls.CrowdloanWithdraw(account, id)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call}, Title: fmt.Sprintf("Withdraw the contribution of %s from the crowdloan of para %d", c.Sess.Account(account), id)}, nil
	})
}

// PlanCrowdloanRefund checks the para id.
func PlanCrowdloanRefund(kr Keyring, in ParaInput) (*Plan, error) {
	id, err := ParseParaID(in.ID)
	if err != nil {
		return nil, err
	}
	return NewPlan(kr, "para refund", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		call, err := c.Rt.Calls.Refund(id)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call}, Title: fmt.Sprintf("Refund the crowdloan of para %d", id)}, nil
	})
}
