package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/eth"
)

// ClaimSubmitInput is what `claim submit` was given, as typed.
type ClaimSubmitInput struct {
	// To is the account that receives the claim: a key name or an address.
	To string
	// EthSignature is a signature of the claim message, 65 bytes 0x-hex;
	// EthKeyFile names the Ethereum key that signs it instead (exactly one
	// of the two). The caller loads that key, which may ask for a password,
	// and gives it to Compose.
	EthSignature string
	EthKeyFile   string
}

// ClaimSubmitPlan is an unsigned claim, its inputs checked.
type ClaimSubmitPlan struct {
	To        Target
	signature *[65]byte
}

// NeedsKey reports whether Compose needs the Ethereum key of EthKeyFile.
func (p *ClaimSubmitPlan) NeedsKey() bool { return p.signature == nil }

// PlanClaimSubmit checks a claim: one of the signature and the key file,
// the signature well formed, TO a key name or an address.
func PlanClaimSubmit(kr Keyring, in ClaimSubmitInput) (*ClaimSubmitPlan, error) {
	if (in.EthSignature == "") == (in.EthKeyFile == "") {
		return nil, Usagef("give one of --eth-signature and --eth-key-file")
	}
	if in.To == "" {
		return nil, Usagef("--to ADDRESS is required")
	}
	p := &ClaimSubmitPlan{}
	if in.EthSignature != "" {
		sig, err := eth.ParseSignature(in.EthSignature)
		if err != nil {
			return nil, fieldError("--eth-signature", err)
		}
		p.signature = &sig
	}
	var err error
	if p.To, err = ResolveTarget(kr, "--to", in.To); err != nil {
		return nil, err
	}
	return p, nil
}

// ClaimDraft is a claim composed on the chain: whose claim, the unsigned
// call decoded and the extrinsic to send.
type ClaimDraft struct {
	*ClaimPlan
	// Dest is the account the claim pays.
	Dest      [32]byte
	Decoded   *value.Call
	Extrinsic []byte
}

// Compose finds the claim on the chain and builds its unsigned extrinsic;
// key signs the claim message when the plan has no signature.
func (p *ClaimSubmitPlan) Compose(ctx context.Context, s *Session, key *eth.Key) (*ClaimDraft, error) {
	if err := s.Route("Claims"); err != nil {
		return nil, err
	}
	rt, err := s.Latest(ctx)
	if err != nil {
		return nil, err
	}
	var plan *ClaimPlan
	switch {
	case p.signature != nil:
		plan, err = s.PlanClaim(ctx, rt, p.To.Account, *p.signature)
	case key != nil:
		plan, err = s.PlanClaimWithKey(ctx, rt, p.To.Account, key)
	default:
		return nil, fmt.Errorf("claim: no Ethereum signature and no key")
	}
	if err != nil {
		return nil, err
	}
	call, err := rt.Codec.DecodeCall(plan.Call)
	if err != nil {
		return nil, err
	}
	return &ClaimDraft{ClaimPlan: plan, Dest: p.To.Account, Decoded: call, Extrinsic: rt.Format.Unsigned(plan.Call)}, nil
}

// Unsigned is the claim as an unsigned plan for ExecuteUnsigned: composed
// on the chain (key signs the claim message when the plan has no
// signature), reviewed with its amount, vesting and statement, sent as it
// is. Its draft's Subject is the *ClaimDraft.
func (p *ClaimSubmitPlan) Unsigned(key *eth.Key, dryRun bool) *UnsignedPlan {
	return NewUnsignedPlan("claim submit", dryRun, func(ctx context.Context, s *Session) (*UnsignedDraft, error) {
		d, err := p.Compose(ctx, s, key)
		if err != nil {
			return nil, err
		}
		var details []string
		if v := d.Status.Vesting; v != nil {
			details = append(details, fmt.Sprintf("Vesting:   %s locked, %s per block from block #%d", s.FormatAmount(v.Locked), s.FormatAmount(v.PerBlock), v.StartingBlock))
		}
		if d.Statement != nil {
			details = append(details, fmt.Sprintf("Statement: %s (%s)", d.Status.Statement, d.Statement))
		}
		return &UnsignedDraft{
			Title:    fmt.Sprintf("Claim %s of %s to %s", s.FormatAmount(d.Status.Amount), eth.ChecksumHex(d.Eth), s.Account(p.To.Account)),
			Details:  strings.Join(details, "\n"),
			Question: "Submit this claim?",
			Call:     d.Decoded, Extrinsic: d.Extrinsic, Subject: d,
		}, nil
	})
}

// ClaimAttestInput is what `claim attest` was given: only who signs.
type ClaimAttestInput struct {
	Signing
}

// PlanClaimAttest checks the signing key; its composer finds the sender's
// pre-claim and the statement it needs, and attests it (Claims.attest).
func PlanClaimAttest(kr Keyring, in ClaimAttestInput) (*Plan, error) {
	return NewPlan(kr, "claim attest", in.Signing, "", func(ctx context.Context, c *Composer) (*Draft, error) {
		s, rt, who := c.Sess, c.Rt, c.From.Account
		if err := s.Route("Claims"); err != nil {
			return nil, err
		}
		pre, err := s.Preclaim(ctx, rt, who)
		if err != nil {
			return nil, err
		}
		if pre == nil {
			return nil, fmt.Errorf("%w: %s has no pre-claim to attest (Claims.Preclaims)", ErrNoClaim, s.Account(who))
		}
		st, err := s.ClaimStatus(ctx, rt, *pre)
		if err != nil {
			return nil, err
		}
		if st.Amount == nil || st.Statement == "" {
			return nil, fmt.Errorf("%w: the pre-claim of %s (%s) has no claim needing a statement", ErrNoClaim, s.Account(who), st.EthAddress)
		}
		text, _, err := StatementText(st.Statement)
		if err != nil {
			return nil, err
		}
		d := &Draft{Title: fmt.Sprintf("Attest the %s statement for the claim of %s (%s)", st.Statement, st.EthAddress, c.Amount(st.Amount))}
		if !rt.HasExtension("PrevalidateAttests") {
			d.Warnings = append(d.Warnings, "this runtime's transactions have no PrevalidateAttests extension: the attestation is not checked before inclusion")
		}
		if d.Request.Call, err = rt.Calls.Attest(text); err != nil {
			return nil, err
		}
		return d, nil
	})
}
