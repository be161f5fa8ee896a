package executor

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

// runtimeCase is a local chain spec and what its runtime should answer.
type runtimeCase struct {
	spec       string
	mdVersion  uint32 // the newest metadata version the runtime serves
	ss58       uint16
	chopsticks bool // a chopsticks oracle exists for this spec
}

var runtimeCases = []runtimeCase{
	{"kusama-local.json", 15, 2, true},
	{"paseo-local.json", 16, 0, true},
	{"asset-hub-kusama-local.json", 15, 2, true},
}

// decodeCoreVersion decodes sp_version::RuntimeVersion as Core_version
// returns it.
func decodeCoreVersion(t *testing.T, b []byte) (v chainspec.RuntimeVersion, apis map[[8]byte]uint32) {
	t.Helper()
	d := scale.NewDecoder(b)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("decode Core_version %x: %v", b, err)
		}
	}
	var err error
	v.SpecName, err = d.String()
	must(err)
	v.ImplName, err = d.String()
	must(err)
	v.AuthoringVersion, err = d.U32()
	must(err)
	v.SpecVersion, err = d.U32()
	must(err)
	v.ImplVersion, err = d.U32()
	must(err)
	n, err := d.Len(12)
	must(err)
	apis = map[[8]byte]uint32{}
	for i := 0; i < n; i++ {
		var id [8]byte
		must(d.Fixed(id[:]))
		ver, err := d.U32()
		must(err)
		apis[id] = ver
	}
	v.TransactionVersion, err = d.U32()
	must(err)
	if d.Remaining() > 0 {
		v.StateVersion, err = d.U8()
		must(err)
	}
	must(d.Finish())
	return v, apis
}

func TestCoreVersionMatchesCustomSection(t *testing.T) {
	for _, rc := range runtimeCases {
		t.Run(rc.spec, func(t *testing.T) {
			g := loadGenesis(t, rc.spec)
			out := g.call(t, "Core_version", nil)
			got, apis := decodeCoreVersion(t, out)
			want, found, err := chainspec.ReadRuntimeVersion(g.code)
			if err != nil || !found {
				t.Fatalf("custom section: found %v, %v", found, err)
			}
			got.CoreVersion = want.CoreVersion
			if got != want {
				t.Fatalf("Core_version %+v\ncustom section %+v", got, want)
			}
			if len(apis) < 10 {
				t.Fatalf("only %d runtime APIs", len(apis))
			}
			t.Logf("%s %d (tx %d, state v%d, %d APIs)", got.SpecName, got.SpecVersion, got.TransactionVersion, got.StateVersion, len(apis))
		})
	}
}

func TestMetadataVersions(t *testing.T) {
	for _, rc := range runtimeCases {
		t.Run(rc.spec, func(t *testing.T) {
			g := loadGenesis(t, rc.spec)
			out := g.call(t, "Metadata_metadata_versions", nil)
			d := scale.NewDecoder(out)
			n, err := d.Len(4)
			if err != nil {
				t.Fatal(err)
			}
			var vs []uint32
			for i := 0; i < n; i++ {
				v, err := d.U32()
				if err != nil {
					t.Fatal(err)
				}
				vs = append(vs, v)
			}
			if err := d.Finish(); err != nil {
				t.Fatal(err)
			}
			if vs[0] != 14 || vs[len(vs)-1] < rc.mdVersion {
				t.Fatalf("versions %v, want 14..>=%d", vs, rc.mdVersion)
			}
			// The newest version decodes with tx/metadata.
			md := metadataAt(t, g, rc.mdVersion)
			if len(md.Pallets) < 10 {
				t.Fatalf("metadata v%d has %d pallets", rc.mdVersion, len(md.Pallets))
			}
		})
	}
}

func metadataAtRaw(t testing.TB, g *genesis, version uint32) []byte {
	t.Helper()
	out, err := g.rt.Call(context.Background(), "Metadata_metadata_at_version", scale.AppendU32(nil, version), g.storage)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func metadataAt(t testing.TB, g *genesis, version uint32) *metadata.Metadata {
	t.Helper()
	md, err := metadata.Decode(metadataAtRaw(t, g, version))
	if err != nil {
		t.Fatalf("decode metadata v%d: %v", version, err)
	}
	return md
}

// alice signs a transfer_keep_alive of 1 unit to //Bob at genesis.
func signedTransfer(t testing.TB, g *genesis, rc runtimeCase, genesisHash [32]byte) (ext []byte, alice [32]byte) {
	t.Helper()
	md := metadataAt(t, g, rc.mdVersion)
	f, err := extrinsic.New(md)
	if err != nil {
		t.Fatal(err)
	}
	a, err := keys.FromURI("//Alice", keys.Sr25519)
	if err != nil {
		t.Fatal(err)
	}
	b, err := keys.FromURI("//Bob", keys.Sr25519)
	if err != nil {
		t.Fatal(err)
	}
	call, err := calls.New(value.New(md, rc.ss58)).TransferKeepAlive(b.AccountID(), big.NewInt(1_000_000_000_000))
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := chainspec.ReadRuntimeVersion(g.code)
	if err != nil {
		t.Fatal(err)
	}
	ext, err = f.Sign(call, &extrinsic.Params{
		SpecVersion: v.SpecVersion, TxVersion: v.TransactionVersion,
		GenesisHash: genesisHash, BlockHash: genesisHash, Nonce: 0,
	}, a)
	if err != nil {
		t.Fatal(err)
	}
	return ext, a.AccountID()
}

// TestAgainstChopsticks compares answers byte for byte with chopsticks'
// state_call at block 0 of the same genesis.
func TestAgainstChopsticks(t *testing.T) {
	ctx := context.Background()
	for _, rc := range runtimeCases {
		if !rc.chopsticks {
			continue
		}
		t.Run(rc.spec, func(t *testing.T) {
			g := loadGenesis(t, rc.spec)
			c := dialChopsticks(t, g.path)
			// chopsticks in --genesis mode names block 0 by
			// System::BlockHash(0), which a genesis state holds as
			// 0x45..45; transactions it accepts use that hash.
			gh := c.genesisHash()
			ext, alice := signedTransfer(t, g, rc, gh)
			bad := bytes.Clone(ext)
			// The signature follows the 0x84 version byte, the 0x00
			// MultiAddress::Id tag, the 32-byte account and the 0x01
			// sr25519 tag.
			sigAt := scale.CompactLen(uint64(len(ext))) + 1 + 1 + 32 + 1
			if bad[sigAt-1] != 1 {
				t.Fatalf("unexpected extrinsic layout %x", ext[:sigAt])
			}
			bad[sigAt+10] ^= 0x01
			validate := func(x []byte) []byte {
				return append(append([]byte{2}, x...), gh[:]...) // TransactionSource::External
			}
			queryInfo := func(x []byte) []byte { return binary.LittleEndian.AppendUint32(bytes.Clone(x), uint32(len(x))) }

			cases := []struct {
				name, method string
				args         []byte
				check        func(t *testing.T, out []byte)
			}{
				{"version", "Core_version", nil, nil},
				{"metadata versions", "Metadata_metadata_versions", nil, nil},
				{"metadata", "Metadata_metadata_at_version", scale.AppendU32(nil, rc.mdVersion), func(t *testing.T, out []byte) {
					if _, err := metadata.Decode(out); err != nil {
						t.Fatal(err)
					}
				}},
				{"nonce", "AccountNonceApi_account_nonce", alice[:], func(t *testing.T, out []byte) {
					if !bytes.Equal(out, []byte{0, 0, 0, 0}) {
						t.Fatalf("nonce %x, want 0", out)
					}
				}},
				{"query_info", "TransactionPaymentApi_query_info", queryInfo(ext), func(t *testing.T, out []byte) {
					if len(out) < 10 {
						t.Fatalf("query_info %x", out)
					}
				}},
				{"validate", "TaggedTransactionQueue_validate_transaction", validate(ext), func(t *testing.T, out []byte) {
					if len(out) < 2 || out[0] != 0 {
						t.Fatalf("transfer not valid: %x", out)
					}
				}},
				{"validate bad proof", "TaggedTransactionQueue_validate_transaction", validate(bad), func(t *testing.T, out []byte) {
					// Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof))
					if !bytes.Equal(out, []byte{1, 0, 4}) {
						t.Fatalf("flipped signature: %x, want 010004 (Invalid(BadProof))", out)
					}
				}},
			}
			// More read-only APIs, compared when the runtime has them.
			var dave [32]byte
			dave[0] = 0xda
			for _, x := range []struct {
				api, method string
				args        []byte
			}{
				{"GrandpaApi", "GrandpaApi_grandpa_authorities", nil},
				{"GrandpaApi", "GrandpaApi_current_set_id", nil},
				{"BabeApi", "BabeApi_configuration", nil},
				{"BabeApi", "BabeApi_current_epoch", nil},
				{"AuthorityDiscoveryApi", "AuthorityDiscoveryApi_authorities", nil},
				{"ParachainHost", "ParachainHost_validators", nil},
				{"AccountNonceApi", "AccountNonceApi_account_nonce", dave[:]},
				{"TransactionPaymentApi", "TransactionPaymentApi_query_fee_details", queryInfo(ext)},
				{"TransactionPaymentApi", "TransactionPaymentApi_query_length_to_fee", scale.AppendU32(nil, 200)},
				{"NominationPoolsApi", "NominationPoolsApi_balance_to_points", append(scale.AppendU32(nil, 1), make([]byte, 16)...)},
				{"StakingApi", "StakingApi_nominations_quota", make([]byte, 16)},
			} {
				if apiVersion(t, g, x.api) == 0 {
					continue
				}
				cases = append(cases, struct {
					name, method string
					args         []byte
					check        func(t *testing.T, out []byte)
				}{x.method, x.method, x.args, nil})
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					got, err := g.rt.Call(ctx, tc.method, tc.args, g.storage)
					if err != nil {
						t.Fatal(err)
					}
					want := c.stateCall(tc.method, tc.args)
					if !bytes.Equal(got, want) {
						n := min(len(got), len(want), 64)
						t.Fatalf("%s: %d bytes, chopsticks %d bytes\nours   %x\ntheirs %x", tc.method, len(got), len(want), got[:n], want[:n])
					}
					if tc.check != nil {
						tc.check(t, got)
					}
					t.Logf("%s: %d bytes equal to chopsticks", tc.method, len(got))
				})
			}
		})
	}
}

func TestUnknownMethod(t *testing.T) {
	g := loadGenesis(t, "kusama-local.json")
	for _, m := range []string{"No_such_method", "memory", "__heap_base", ""} {
		_, err := g.rt.Call(context.Background(), m, nil, g.storage)
		if !errors.Is(err, ErrUnknownMethod) {
			t.Errorf("%q: %v, want ErrUnknownMethod", m, err)
		}
	}
}

// TestRealRuntimeLimits: a keystore API fails with ErrHostFunction naming
// the function; a heap too small for the metadata traps.
func TestRealRuntimeLimits(t *testing.T) {
	g := loadGenesis(t, "kusama-local.json")
	ctx := context.Background()
	_, err := g.rt.Call(ctx, "SessionKeys_generate_session_keys", []byte{0}, g.storage)
	if !errors.Is(err, ErrHostFunction) || !strings.Contains(err.Error(), "_generate_version_1") {
		t.Fatalf("generate_session_keys: %v", err)
	}
	small, err := Compile(ctx, g.code, Options{HeapPages: 8, CacheDir: testCacheDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close(ctx)
	if _, err := small.Call(ctx, "Core_version", nil, g.storage); err != nil {
		t.Fatalf("Core_version with 8 heap pages: %v", err)
	}
	_, err = small.Call(ctx, "Metadata_metadata_at_version", scale.AppendU32(nil, 15), g.storage)
	if !errors.Is(err, ErrTrap) || !strings.Contains(err.Error(), "out of heap") {
		t.Fatalf("metadata with 8 heap pages: %v", err)
	}
}

// flakyStorage fails reads of keys starting with prefix.
type flakyStorage struct {
	Storage
	prefix []byte
	reads  int
}

func (s *flakyStorage) Get(key []byte) ([]byte, bool, error) {
	s.reads++
	if bytes.HasPrefix(key, s.prefix) {
		return nil, false, errBackend
	}
	return s.Storage.Get(key)
}

// TestRealRuntimeStorageError: when the proof for Alice's account cannot be
// fetched, validate_transaction fails with ErrStorage wrapping the cause.
func TestRealRuntimeStorageError(t *testing.T) {
	g := loadGenesis(t, "kusama-local.json")
	var gh [32]byte
	ext, _ := signedTransfer(t, g, runtimeCases[0], gh)
	args := append(append([]byte{2}, ext...), gh[:]...)
	// System.Account: twox128("System") ++ twox128("Account").
	sys, acc := hash.Twox128([]byte("System")), hash.Twox128([]byte("Account"))
	st := &flakyStorage{Storage: g.storage, prefix: append(sys[:], acc[:]...)}
	_, err := g.rt.Call(context.Background(), "TaggedTransactionQueue_validate_transaction", args, st)
	if !errors.Is(err, ErrStorage) || !errors.Is(err, errBackend) {
		t.Fatalf("got %v, want ErrStorage wrapping %v", err, errBackend)
	}
	if st.reads == 0 {
		t.Fatal("no reads")
	}
	// With the key readable the same call works.
	if _, err := g.rt.Call(context.Background(), "TaggedTransactionQueue_validate_transaction", args, g.storage); err != nil {
		t.Fatal(err)
	}
}

// TestEmbeddedVersion: the version ext_misc_runtime_version reads from a
// runtime's custom sections equals what the runtime's Core_version answers.
func TestEmbeddedVersion(t *testing.T) {
	for _, rc := range runtimeCases {
		t.Run(rc.spec, func(t *testing.T) {
			g := loadGenesis(t, rc.spec)
			want := g.call(t, "Core_version", nil)
			got, found, err := EmbeddedVersion(g.code)
			if err != nil || !found {
				t.Fatalf("found %v, %v", found, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("embedded %x\nCore_version %x", got, want)
			}
		})
	}
}
