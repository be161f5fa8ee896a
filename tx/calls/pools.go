package calls

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/ksm-wallet/ksm/tx/value"
)

// PoolJoin is NominationPools.join(amount, pool_id).
func (b *Builder) PoolJoin(amount *big.Int, pool uint32) ([]byte, error) {
	return b.byArgs("NominationPools", "join", map[string]any{"amount": amount, "pool_id": pool})
}

// PoolBondExtra is NominationPools.bond_extra(extra): FreeBalance(amount),
// or Rewards (the pending rewards bonded) when amount is nil.
func (b *Builder) PoolBondExtra(amount *big.Int) ([]byte, error) {
	var extra any = "Rewards"
	if amount != nil {
		extra = value.Object{{Name: "FreeBalance", Value: amount}}
	}
	return b.byArgs("NominationPools", "bond_extra", map[string]any{"extra": extra})
}

// PoolClaimPayout is NominationPools.claim_payout(): the member's pending
// rewards go to its free balance.
func (b *Builder) PoolClaimPayout() ([]byte, error) {
	return b.byArgs("NominationPools", "claim_payout", nil)
}

// PoolUnbond is NominationPools.unbond(member_account, unbonding_points).
func (b *Builder) PoolUnbond(member [32]byte, points *big.Int) ([]byte, error) {
	return b.byArgs("NominationPools", "unbond", map[string]any{"member_account": b.Dest(member), "unbonding_points": points})
}

// PoolWithdrawUnbonded is NominationPools.withdraw_unbonded(member_account,
// num_slashing_spans) (the spans of the pool's bonded account).
func (b *Builder) PoolWithdrawUnbonded(member [32]byte, spans uint32) ([]byte, error) {
	return b.byArgs("NominationPools", "withdraw_unbonded", map[string]any{"member_account": b.Dest(member), "num_slashing_spans": spans})
}

// PoolCreate is NominationPools.create(amount, root, nominator, bouncer).
func (b *Builder) PoolCreate(amount *big.Int, root, nominator, bouncer [32]byte) ([]byte, error) {
	return b.byArgs("NominationPools", "create", map[string]any{
		"amount": amount, "root": b.Dest(root), "nominator": b.Dest(nominator), "bouncer": b.Dest(bouncer),
	})
}

// Pool account kinds of pallet_nomination_pools (AccountType).
const (
	PoolBonded uint8 = 0
	PoolReward uint8 = 1
)

// PoolAccount derives a pool's bonded or reward account from the pallet's
// PalletId constant, as PalletId::into_sub_account_truncating((kind, id)):
// "modl" ‖ pallet id (8 bytes) ‖ kind ‖ pool id (u32 LE), zero-padded.
func (b *Builder) PoolAccount(kind uint8, pool uint32) ([32]byte, error) {
	var out [32]byte
	v, err := b.c.Constant("NominationPools", "PalletId")
	if err != nil {
		return out, fmt.Errorf("NominationPools.PalletId: %w", err)
	}
	pid, err := palletID(v)
	if err != nil {
		return out, err
	}
	copy(out[:], "modl")
	copy(out[4:12], pid[:])
	out[12] = kind
	binary.LittleEndian.PutUint32(out[13:17], pool)
	return out, nil
}

// palletID reads a PalletId constant ([u8; 8], as 0x-hex or a one-field
// struct around it).
func palletID(v any) ([8]byte, error) {
	var id [8]byte
	if o, ok := v.(value.Object); ok && len(o) == 1 {
		v = o[0].Value
	}
	if a, ok := v.([]any); ok && len(a) == 1 {
		v = a[0]
	}
	s, ok := v.(string)
	if !ok || len(s) != 18 || s[:2] != "0x" {
		return id, fmt.Errorf("%w: PalletId is %v, want 8 bytes", value.ErrType, v)
	}
	if _, err := hex.Decode(id[:], []byte(s[2:])); err != nil {
		return id, fmt.Errorf("%w: PalletId %q is not hex", value.ErrType, s)
	}
	return id, nil
}
