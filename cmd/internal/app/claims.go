package app

// Claims: the 2017 DOT-sale allocations claimed with an Ethereum signature
// (pallet claims of polkadot-runtime-common): status, the message to sign,
// recovery of the signer, and the unsigned claim / claim_attest calls.

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/eth"
)

// Claims errors.
var (
	// ErrNoClaim means the Ethereum address has no claim on this chain.
	ErrNoClaim = errors.New("no claim")
	// ErrClaimSignature means the signature does not recover an address
	// with a claim: it was made for another account, statement or chain.
	ErrClaimSignature = errors.New("the Ethereum signature does not match a claim")
)

// Statement texts of pallet claims' StatementKind::to_text.
var statementTexts = map[string]string{
	"Regular": "I hereby agree to the terms of the statement whose SHA-256 multihash is Qmc1XYqT6S39WNp2UeiRUrZichUWUPpGEThDE6dAb3f6Ny. (This may be found at the URL: https://statement.polkadot.network/regular.html)",
	"Saft":    "I hereby agree to the terms of the statement whose SHA-256 multihash is QmXEkMahfhHJPzT3RjkXiZVFi77ZeVeuxtAjhojGRNYckz. (This may be found at the URL: https://statement.polkadot.network/saft.html)",
}

// StatementKinds are the statement kinds, in the pallet's order.
var StatementKinds = []string{"Regular", "Saft"}

// StatementText returns the text of a statement kind ("Regular", "Saft";
// case-insensitive).
func StatementText(kind string) ([]byte, string, error) {
	for _, k := range StatementKinds {
		if strings.EqualFold(k, kind) {
			return []byte(statementTexts[k]), k, nil
		}
	}
	return nil, "", fmt.Errorf("unknown statement kind %q (regular or saft)", kind)
}

// ClaimPrefix is the Claims.Prefix constant ("Pay KSMs to the Kusama account:").
func ClaimPrefix(rt *Runtime) ([]byte, error) {
	v, err := rt.Codec.Constant("Claims", "Prefix")
	if err != nil {
		return nil, err
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("Claims.Prefix: unexpected value %T", v)
	}
	return hexBytes(s)
}

// ClaimMessage is what the Ethereum key signs (before the personal-message
// wrapping): prefix ‖ lowercase hex of the account id ‖ statement.
func ClaimMessage(prefix []byte, dest [32]byte, statement []byte) []byte {
	out := append([]byte{}, prefix...)
	out = append(out, hex.EncodeToString(dest[:])...)
	return append(out, statement...)
}

// ClaimStatus is what the chain holds for an Ethereum address.
type ClaimStatus struct {
	EthAddress string   `json:"ethAddress"`
	Amount     *big.Int `json:"amount"` // nil: no claim
	// Vesting is [locked, per block, starting block], nil when none.
	Vesting *ClaimVesting `json:"vesting"`
	// Statement is the statement kind the claim needs ("" for none);
	// StatementText its text.
	Statement     string `json:"statement"`
	StatementText string `json:"statementText,omitempty"`
	// PreclaimedBy lists the accounts whose Claims.Preclaims entry is this
	// address (they claimed it and must still attest the statement).
	PreclaimedBy []string `json:"preclaimedBy"`
}

// ClaimVesting is a claim's vesting schedule.
type ClaimVesting struct {
	Locked        *big.Int `json:"locked"`
	PerBlock      *big.Int `json:"perBlock"`
	StartingBlock uint64   `json:"startingBlock"`
}

// ClaimStatus reads Claims.Claims, Vesting and Signing of an Ethereum address.
func (s *Session) ClaimStatus(ctx context.Context, rt *Runtime, addr [20]byte) (*ClaimStatus, error) {
	h, err := s.Chain.FinalizedHead(ctx)
	if err != nil {
		return nil, err
	}
	key := "0x" + hex.EncodeToString(addr[:])
	st := &ClaimStatus{EthAddress: eth.ChecksumHex(addr)}
	v, found, err := s.Read(ctx, rt, h.Hash, "Claims", "Claims", key)
	if err != nil {
		return nil, err
	}
	if found {
		if st.Amount, err = value.BigInt(v); err != nil {
			return nil, fmt.Errorf("Claims.Claims: %w", err)
		}
	}
	if v, found, err := s.Read(ctx, rt, h.Hash, "Claims", "Vesting", key); err != nil {
		return nil, err
	} else if found {
		arr, ok := v.([]any)
		if !ok || len(arr) != 3 {
			return nil, fmt.Errorf("Claims.Vesting: unexpected value %v", v)
		}
		st.Vesting = &ClaimVesting{Locked: BigAt(arr[0]), PerBlock: BigAt(arr[1]), StartingBlock: BigAt(arr[2]).Uint64()}
	}
	if v, found, err := s.Read(ctx, rt, h.Hash, "Claims", "Signing", key); err != nil {
		return nil, err
	} else if found {
		st.Statement = EnumPath(v)
		if t, ok := statementTexts[st.Statement]; ok {
			st.StatementText = t
		}
	}
	st.PreclaimedBy = []string{}
	err = s.Iterate(ctx, rt, h.Hash, "Claims", "Preclaims", nil, func(parts []storage.KeyPart, v any) error {
		if str, ok := v.(string); ok && strings.EqualFold(str, key) && len(parts) == 1 && parts[0].HasValue {
			if a, ok := parts[0].Value.(string); ok {
				st.PreclaimedBy = append(st.PreclaimedBy, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("Claims.Preclaims: %w", err)
	}
	return st, nil
}

// Preclaim reads Claims.Preclaims of an account: the Ethereum address whose
// claim it received without attesting yet.
func (s *Session) Preclaim(ctx context.Context, rt *Runtime, who [32]byte) (*[20]byte, error) {
	h, err := s.Chain.FinalizedHead(ctx)
	if err != nil {
		return nil, err
	}
	v, found, err := s.Read(ctx, rt, h.Hash, "Claims", "Preclaims", s.Account(who))
	if err != nil || !found {
		return nil, err
	}
	str, _ := v.(string)
	b, err := hexBytes(str)
	if err != nil || len(b) != 20 {
		return nil, fmt.Errorf("Claims.Preclaims: unexpected value %v", v)
	}
	var a [20]byte
	copy(a[:], b)
	return &a, nil
}

// ClaimPlan is a claim ready to submit: who signed, what they claim, and
// the unsigned call.
type ClaimPlan struct {
	Eth       [20]byte
	Status    *ClaimStatus
	Signature [65]byte
	// Statement is the statement text signed with the claim (nil: a plain claim).
	Statement []byte
	Call      []byte
}

// PlanClaim finds which claim sig pays to dest: it recovers the signer of
// the claim message without a statement and with each statement text, and
// keeps the address that has a claim needing exactly that statement. A
// signature that matches no claim fails with ErrClaimSignature before
// anything is sent.
func (s *Session) PlanClaim(ctx context.Context, rt *Runtime, dest [32]byte, sig [65]byte) (*ClaimPlan, error) {
	prefix, err := ClaimPrefix(rt)
	if err != nil {
		return nil, err
	}
	var tried []string
	for _, kind := range append([]string{""}, StatementKinds...) {
		stmt := []byte(statementTexts[kind])
		if kind == "" {
			stmt = nil
		}
		addr, err := eth.RecoverPersonal(ClaimMessage(prefix, dest, stmt), sig)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrClaimSignature, err)
		}
		st, err := s.ClaimStatus(ctx, rt, addr)
		if err != nil {
			return nil, err
		}
		tried = append(tried, eth.ChecksumHex(addr))
		if st.Amount == nil || st.Statement != kind {
			continue
		}
		p := &ClaimPlan{Eth: addr, Status: st, Signature: sig, Statement: stmt}
		if stmt == nil {
			p.Call, err = rt.Calls.Claim(dest, sig)
		} else {
			p.Call, err = rt.Calls.ClaimAttest(dest, sig, stmt)
		}
		return p, err
	}
	return nil, fmt.Errorf("%w: for %s it recovers %s (without a statement), none of which has a claim that needs that statement on %s; the signature was made for another account, message or chain",
		ErrClaimSignature, s.Account(dest), strings.Join(tried[:1], ""), s.ChainName())
}

// PlanClaimWithKey signs the claim message for dest with key (adding the
// statement the claim needs) and plans the claim.
func (s *Session) PlanClaimWithKey(ctx context.Context, rt *Runtime, dest [32]byte, key *eth.Key) (*ClaimPlan, error) {
	addr := key.Address()
	st, err := s.ClaimStatus(ctx, rt, addr)
	if err != nil {
		return nil, err
	}
	if st.Amount == nil {
		return nil, fmt.Errorf("%w: %s has no claim on %s", ErrNoClaim, eth.ChecksumHex(addr), s.ChainName())
	}
	prefix, err := ClaimPrefix(rt)
	if err != nil {
		return nil, err
	}
	var stmt []byte
	if st.Statement != "" {
		t, ok := statementTexts[st.Statement]
		if !ok {
			return nil, fmt.Errorf("the claim needs statement %q, which ksm does not know", st.Statement)
		}
		stmt = []byte(t)
	}
	sig := key.SignPersonal(ClaimMessage(prefix, dest, stmt))
	return s.PlanClaim(ctx, rt, dest, sig)
}
