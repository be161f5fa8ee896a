package app

// Parachain bonding on the relay chain: Registrar (para ids, registration
// deposits), Paras (lifecycle, heads, code) and Crowdloan.

import (
	"context"
	"fmt"
	"math/big"
	"sort"

	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
)

// ParaDeposits are the registrar's deposit constants.
type ParaDeposits struct {
	// ParaDeposit is reserved by Registrar.reserve.
	ParaDeposit *big.Int
	// DataDepositPerByte is reserved per byte of genesis head and code.
	DataDepositPerByte *big.Int
}

// RegistrarDeposits reads Registrar.ParaDeposit and DataDepositPerByte.
func RegistrarDeposits(rt *Runtime) (*ParaDeposits, error) {
	pd, err := rt.Codec.Constant("Registrar", "ParaDeposit")
	if err != nil {
		return nil, err
	}
	pb, err := rt.Codec.Constant("Registrar", "DataDepositPerByte")
	if err != nil {
		return nil, err
	}
	d := &ParaDeposits{}
	if d.ParaDeposit, err = value.BigInt(pd); err != nil {
		return nil, fmt.Errorf("Registrar.ParaDeposit: %w", err)
	}
	if d.DataDepositPerByte, err = value.BigInt(pb); err != nil {
		return nil, fmt.Errorf("Registrar.DataDepositPerByte: %w", err)
	}
	return d, nil
}

// RegisterDeposit is the total deposit of a registration (as
// Registrar::validate_onboarding_data computes it): ParaDeposit +
// DataDepositPerByte × (head bytes + code bytes); Extra is what register
// reserves on top of the ParaDeposit that reserve already took.
func (d *ParaDeposits) RegisterDeposit(headLen, codeLen int) (total, extra *big.Int) {
	extra = new(big.Int).Mul(d.DataDepositPerByte, big.NewInt(int64(headLen)+int64(codeLen)))
	return new(big.Int).Add(d.ParaDeposit, extra), extra
}

// ParaLimits are the active configuration's limits on registration data.
type ParaLimits struct {
	MaxCodeSize     uint64
	MaxHeadDataSize uint64
}

// ParaLimits reads Configuration.ActiveConfig.
func (s *Session) ParaLimits(ctx context.Context, rt *Runtime) (*ParaLimits, error) {
	h, err := s.Chain.FinalizedHead(ctx)
	if err != nil {
		return nil, err
	}
	v, _, err := s.Read(ctx, rt, h.Hash, "Configuration", "ActiveConfig")
	if err != nil {
		return nil, err
	}
	return &ParaLimits{MaxCodeSize: BigAt(v, "max_code_size").Uint64(), MaxHeadDataSize: BigAt(v, "max_head_data_size").Uint64()}, nil
}

// ParaStatus is what the relay chain knows of a para id.
type ParaStatus struct {
	ID uint32 `json:"id"`
	// Registered: Registrar.Paras holds it (reserved or registered).
	Registered bool     `json:"registered"`
	Manager    string   `json:"manager,omitempty"`
	Deposit    *big.Int `json:"deposit,omitempty"`
	Locked     any      `json:"locked,omitempty"`
	// Lifecycle is Paras.ParaLifecycles ("Onboarding", "Parathread",
	// "Parachain", ...; "" when none).
	Lifecycle string `json:"lifecycle"`
	// Head is Paras.Heads (0x-hex, "" when none); CodeHash Paras.CurrentCodeHash.
	Head     string `json:"head,omitempty"`
	CodeHash string `json:"codeHash,omitempty"`
	// Upcoming is set when the para's genesis waits for the next session
	// (Paras.UpcomingParasGenesis).
	Upcoming bool `json:"upcomingGenesis"`
}

// ParaStatus reads Registrar.Paras, Paras.ParaLifecycles, Heads,
// CurrentCodeHash and UpcomingParasGenesis of id.
func (s *Session) ParaStatus(ctx context.Context, rt *Runtime, id uint32) (*ParaStatus, error) {
	h, err := s.Chain.FinalizedHead(ctx)
	if err != nil {
		return nil, err
	}
	st := &ParaStatus{ID: id}
	v, found, err := s.Read(ctx, rt, h.Hash, "Registrar", "Paras", id)
	if err != nil {
		return nil, err
	}
	if found {
		st.Registered = true
		st.Manager, _ = Get(v, "manager").(string)
		st.Deposit = BigAt(v, "deposit")
		st.Locked = Get(v, "locked")
	}
	if v, found, err := s.Read(ctx, rt, h.Hash, "Paras", "ParaLifecycles", id); err != nil {
		return nil, err
	} else if found {
		st.Lifecycle = EnumPath(v)
	}
	if v, found, err := s.Read(ctx, rt, h.Hash, "Paras", "Heads", id); err != nil {
		return nil, err
	} else if found {
		st.Head, _ = v.(string)
	}
	if v, found, err := s.Read(ctx, rt, h.Hash, "Paras", "CurrentCodeHash", id); err == nil && found {
		st.CodeHash, _ = v.(string)
	}
	if _, found, err := s.Read(ctx, rt, h.Hash, "Paras", "UpcomingParasGenesis", id); err == nil {
		st.Upcoming = found
	}
	return st, nil
}

// NextFreeParaID is the para id Registrar.reserve would reserve now:
// Registrar.NextFreeParaId, but at least the first public id
// (reservedParaID).
func (s *Session) NextFreeParaID(ctx context.Context, rt *Runtime) (uint32, error) {
	h, err := s.Chain.FinalizedHead(ctx)
	if err != nil {
		return 0, err
	}
	v, _, err := s.Read(ctx, rt, h.Hash, "Registrar", "NextFreeParaId")
	if err != nil {
		return 0, err
	}
	n, err := value.Uint64(v)
	return reservedParaID(n), err
}

// lowestPublicParaID is polkadot-primitives' LOWEST_PUBLIC_ID: the ids
// below it are for system parachains, never reserved.
const lowestPublicParaID = 2000

// reservedParaID is the id Registrar.reserve takes when NextFreeParaId is
// next: NextFreeParaId.max(LOWEST_PUBLIC_ID) in polkadot-sdk's
// paras_registrar (a fresh chain's NextFreeParaId is 0).
func reservedParaID(next uint64) uint32 { return uint32(max(next, lowestPublicParaID)) }

// ParasManagedBy lists the para ids registered in Registrar.Paras at the
// finalized head whose manager is one of managers, with their status.
func (s *Session) ParasManagedBy(ctx context.Context, rt *Runtime, managers [][32]byte) ([]*ParaStatus, error) {
	if len(managers) == 0 {
		return nil, nil
	}
	h, err := s.Chain.FinalizedHead(ctx)
	if err != nil {
		return nil, err
	}
	mine := map[[32]byte]bool{}
	for _, m := range managers {
		mine[m] = true
	}
	var ids []uint32
	err = s.Iterate(ctx, rt, h.Hash, "Registrar", "Paras", nil, func(parts []storage.KeyPart, v any) error {
		if len(parts) != 1 || !parts[0].HasValue {
			return nil
		}
		id, err := value.Uint64(parts[0].Value)
		if err != nil || id > 1<<32-1 {
			return nil
		}
		if m, ok := account(rt, Get(v, "manager")); ok && mine[m] {
			ids = append(ids, uint32(id))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("Registrar.Paras: %w", err)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out []*ParaStatus
	for _, id := range ids {
		st, err := s.ParaStatus(ctx, rt, id)
		if err != nil {
			return out, err
		}
		out = append(out, st)
	}
	return out, nil
}
