package calls

import (
	"math/big"

	"github.com/ksm-wallet/ksm/tx/value"
)

// Claim is Claims.claim(dest, ethereum_signature): an unsigned call that
// pays the claim of the Ethereum address recovered from sig to dest.
func (b *Builder) Claim(dest [32]byte, sig [65]byte) ([]byte, error) {
	return b.Call("Claims", "claim", value.Object{{Name: "dest", Value: b.Dest(dest)}, {Name: "ethereum_signature", Value: sig[:]}})
}

// ClaimAttest is Claims.claim_attest(dest, ethereum_signature, statement):
// the unsigned claim of an address that must also agree to a statement
// (the signature then covers the statement).
func (b *Builder) ClaimAttest(dest [32]byte, sig [65]byte, statement []byte) ([]byte, error) {
	return b.Call("Claims", "claim_attest", value.Object{
		{Name: "dest", Value: b.Dest(dest)}, {Name: "ethereum_signature", Value: sig[:]}, {Name: "statement", Value: statement},
	})
}

// Attest is Claims.attest(statement), signed by the account that was
// pre-claimed (Claims.Preclaims) and must agree to the statement.
func (b *Builder) Attest(statement []byte) ([]byte, error) {
	return b.Call("Claims", "attest", value.Object{{Name: "statement", Value: statement}})
}

// Vesting is a claim's vesting schedule: Locked planck, PerBlock unlocked
// each block from StartingBlock.
type Vesting struct {
	Locked, PerBlock *big.Int
	StartingBlock    uint32
}

// MintClaim is Claims.mint_claim(who, value, vesting_schedule, statement)
// (root only); statement is "" for none, else "Regular" or "Saft".
func (b *Builder) MintClaim(eth [20]byte, amount *big.Int, vesting *Vesting, statement string) ([]byte, error) {
	var vs, st any
	if vesting != nil {
		vs = []any{vesting.Locked, vesting.PerBlock, vesting.StartingBlock}
	}
	if statement != "" {
		st = statement
	}
	return b.Call("Claims", "mint_claim", value.Object{
		{Name: "who", Value: eth[:]}, {Name: "value", Value: amount},
		{Name: "vesting_schedule", Value: vs}, {Name: "statement", Value: st},
	})
}
