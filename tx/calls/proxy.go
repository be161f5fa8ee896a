package calls

import (
	"bytes"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/value"
)

// ProxyTypes lists the variants of the runtime's ProxyType enum (the type
// of Proxy.add_proxy's proxy_type), in metadata order.
func (b *Builder) ProxyTypes() ([]string, error) {
	it, err := b.c.Metadata().Call("Proxy", "add_proxy")
	if err != nil {
		return nil, fmt.Errorf("Proxy.add_proxy: %w", err)
	}
	names, ok, err := b.argVariants(it, "proxy_type")
	if err != nil {
		return nil, fmt.Errorf("Proxy.add_proxy proxy_type: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("Proxy.add_proxy has no proxy_type: %w", metadata.ErrUnknownItem)
	}
	return names, nil
}

// argVariants lists, in metadata order, the variants of the enum type of
// the call it's argument arg; ok is false when the call has no such
// argument.
func (b *Builder) argVariants(it *metadata.Item, arg string) (names []string, ok bool, err error) {
	for _, f := range it.Variant.Fields {
		if f.Name != arg {
			continue
		}
		vs, err := b.c.Metadata().Types.Variants(f.Type)
		if err != nil {
			return nil, true, err
		}
		names = make([]string, len(vs))
		for i, v := range vs {
			names[i] = v.Name
		}
		return names, true, nil
	}
	return nil, false, nil
}

// ProxyType returns the runtime's spelling of proxy type name (matched
// without regard to case), or an error wrapping ErrArgs listing the types.
func (b *Builder) ProxyType(name string) (string, error) {
	vs, err := b.ProxyTypes()
	if err != nil {
		return "", err
	}
	for _, v := range vs {
		if strings.EqualFold(v, name) {
			return v, nil
		}
	}
	return "", fmt.Errorf("%w: this runtime's proxy types are %s; %q is not one of them", ErrArgs, strings.Join(vs, ", "), name)
}

// AddProxy is Proxy.add_proxy(delegate, proxy_type, delay).
func (b *Builder) AddProxy(delegate [32]byte, proxyType string, delay uint32) ([]byte, error) {
	return b.byArgs("Proxy", "add_proxy", map[string]any{"delegate": b.Dest(delegate), "proxy_type": proxyType, "delay": delay})
}

// RemoveProxy is Proxy.remove_proxy(delegate, proxy_type, delay).
func (b *Builder) RemoveProxy(delegate [32]byte, proxyType string, delay uint32) ([]byte, error) {
	return b.byArgs("Proxy", "remove_proxy", map[string]any{"delegate": b.Dest(delegate), "proxy_type": proxyType, "delay": delay})
}

// CreatePure is Proxy.create_pure(proxy_type, delay, index) (create_anonymous
// in older runtimes).
func (b *Builder) CreatePure(proxyType string, delay uint32, index uint16) ([]byte, error) {
	name := "create_pure"
	if !b.Has("Proxy", name) && b.Has("Proxy", "anonymous") {
		name = "anonymous"
	}
	return b.byArgs("Proxy", name, map[string]any{"proxy_type": proxyType, "delay": delay, "index": index})
}

// KillPure is Proxy.kill_pure(spawner, proxy_type, index, height, ext_index):
// dispatched by the pure account itself, it removes it for good.
func (b *Builder) KillPure(spawner [32]byte, proxyType string, index uint16, height uint64, extIndex uint32) ([]byte, error) {
	return b.byArgs("Proxy", "kill_pure", map[string]any{"spawner": b.Dest(spawner), "proxy_type": proxyType, "index": index, "height": height, "ext_index": extIndex})
}

// Proxy is Proxy.proxy(real, force_proxy_type, call): call dispatched as
// real by one of its proxies. proxyType "" lets the pallet pick the first
// matching proxy definition.
func (b *Builder) Proxy(real [32]byte, proxyType string, call []byte) ([]byte, error) {
	inner, err := b.c.DecodeCall(call)
	if err != nil {
		return nil, fmt.Errorf("Proxy.proxy: inner call: %w", err)
	}
	var force any
	if proxyType != "" {
		force = proxyType
	}
	return b.byArgs("Proxy", "proxy", map[string]any{"real": b.Dest(real), "force_proxy_type": force, "call": inner})
}

// Timepoint names an extrinsic: the block height and its index there (the
// first approval of a multisig operation).
type Timepoint struct {
	Height uint64
	Index  uint32
}

func (t *Timepoint) value() any {
	if t == nil {
		return nil
	}
	return value.Object{{Name: "height", Value: t.Height}, {Name: "index", Value: t.Index}}
}

// Weight is a two-dimensional weight.
type Weight struct {
	RefTime, ProofSize uint64
}

func (w Weight) value() any {
	return value.Object{{Name: "ref_time", Value: w.RefTime}, {Name: "proof_size", Value: w.ProofSize}}
}

func (b *Builder) accounts(ids [][32]byte) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = b.c.FormatAccount(id)
	}
	return out
}

// AsMulti is Multisig.as_multi(threshold, other_signatories, maybe_timepoint,
// call, max_weight): an approval that carries the call, executing it when
// it is the last one needed (max_weight then bounds its weight).
// others must be sorted (SortAccounts).
func (b *Builder) AsMulti(threshold uint16, others [][32]byte, when *Timepoint, call []byte, maxWeight Weight) ([]byte, error) {
	inner, err := b.c.DecodeCall(call)
	if err != nil {
		return nil, fmt.Errorf("Multisig.as_multi: inner call: %w", err)
	}
	return b.byArgs("Multisig", "as_multi", map[string]any{
		"threshold": threshold, "other_signatories": b.accounts(others), "maybe_timepoint": when.value(),
		"call": inner, "max_weight": maxWeight.value(),
	})
}

// AsMultiThreshold1 is Multisig.as_multi_threshold_1(other_signatories, call).
func (b *Builder) AsMultiThreshold1(others [][32]byte, call []byte) ([]byte, error) {
	inner, err := b.c.DecodeCall(call)
	if err != nil {
		return nil, fmt.Errorf("Multisig.as_multi_threshold_1: inner call: %w", err)
	}
	return b.byArgs("Multisig", "as_multi_threshold_1", map[string]any{"other_signatories": b.accounts(others), "call": inner})
}

// ApproveAsMulti is Multisig.approve_as_multi(threshold, other_signatories,
// maybe_timepoint, call_hash, max_weight): an approval by call hash only.
func (b *Builder) ApproveAsMulti(threshold uint16, others [][32]byte, when *Timepoint, callHash [32]byte, maxWeight Weight) ([]byte, error) {
	return b.byArgs("Multisig", "approve_as_multi", map[string]any{
		"threshold": threshold, "other_signatories": b.accounts(others), "maybe_timepoint": when.value(),
		"call_hash": callHash[:], "max_weight": maxWeight.value(),
	})
}

// CancelAsMulti is Multisig.cancel_as_multi(threshold, other_signatories,
// timepoint, call_hash): the depositor cancels an operation and gets its
// deposit back.
func (b *Builder) CancelAsMulti(threshold uint16, others [][32]byte, when Timepoint, callHash [32]byte) ([]byte, error) {
	return b.byArgs("Multisig", "cancel_as_multi", map[string]any{
		"threshold": threshold, "other_signatories": b.accounts(others), "timepoint": when.value(), "call_hash": callHash[:],
	})
}

// SortAccounts sorts account ids in place by their bytes, the order the
// Multisig pallet requires of signatories, and reports whether they were
// all distinct.
func SortAccounts(ids [][32]byte) bool {
	sort.Slice(ids, func(i, j int) bool { return bytes.Compare(ids[i][:], ids[j][:]) < 0 })
	for i := 1; i < len(ids); i++ {
		if ids[i] == ids[i-1] {
			return false
		}
	}
	return true
}

// MultisigAccount derives the account of a multisig as the Multisig pallet
// does (multi_account_id): blake2_256 of ("modlpy/utilisuba", the sorted
// signatories as a SCALE vector, threshold as u16). The signatories are
// sorted here (a copy).
func MultisigAccount(signatories [][32]byte, threshold uint16) [32]byte {
	ids := append([][32]byte(nil), signatories...)
	SortAccounts(ids)
	buf := []byte("modlpy/utilisuba")
	buf = scale.AppendCompact(buf, uint64(len(ids)))
	for _, id := range ids {
		buf = append(buf, id[:]...)
	}
	buf = append(buf, byte(threshold), byte(threshold>>8))
	return hash.Blake2b256(buf)
}

// CallHash is the hash the Multisig pallet keys an operation by:
// blake2_256 of the encoded call.
func CallHash(call []byte) [32]byte { return hash.Blake2b256(call) }

// Deposit is base + factor*n for the deposit constants of a pallet
// (Proxy.ProxyDepositBase/ProxyDepositFactor, Multisig.DepositBase/DepositFactor).
func (b *Builder) Deposit(pallet, base, factor string, n int64) (*big.Int, error) {
	bv, err := b.c.Constant(pallet, base)
	if err != nil {
		return nil, err
	}
	fv, err := b.c.Constant(pallet, factor)
	if err != nil {
		return nil, err
	}
	bb, err := value.BigInt(bv)
	if err != nil {
		return nil, err
	}
	fb, err := value.BigInt(fv)
	if err != nil {
		return nil, err
	}
	return new(big.Int).Add(bb, new(big.Int).Mul(fb, big.NewInt(n))), nil
}
