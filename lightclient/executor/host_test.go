package executor

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

// hostEnv runs host functions directly against the real memory of a tiny
// instantiated module, the way a runtime would call them.
type hostEnv struct {
	t    *testing.T
	s    *callState
	next uint32 // scratch pointer for inputs (below the heap)
	logs []string
}

func newHostEnv(t *testing.T, st Storage) *hostEnv {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	t.Cleanup(func() { r.Close(ctx) })
	m := &wModule{memPages: 4, heapBase: 65536}
	mod, err := r.Instantiate(ctx, m.encode())
	if err != nil {
		t.Fatal(err)
	}
	if st == nil {
		st = NewMapStorage(nil)
	}
	e := &hostEnv{t: t, next: 64}
	e.s = &callState{mem: mod.Memory(), alloc: newAllocator(65536), ov: newOverlay(ctx, st), maxLevel: 5}
	e.s.log = func(level int, target, msg string) {
		e.logs = append(e.logs, fmt.Sprintf("%d %s %s", level, target, msg))
	}
	return e
}

// put writes b to scratch memory and returns its pointer-size.
func (e *hostEnv) put(b []byte) uint64 {
	e.t.Helper()
	p := e.next
	if !e.s.mem.Write(p, b) {
		e.t.Fatal("scratch write")
	}
	e.next += uint32(len(b)) + 8
	if e.next > 65536 {
		e.t.Fatal("scratch exhausted")
	}
	return uint64(len(b))<<32 | uint64(p)
}

func (e *hostEnv) ptr(b []byte) uint64 { return uint64(uint32(e.put(b))) }

// call runs host function name with args and returns its result (0 when
// it has none) or the error it failed the call with.
func (e *hostEnv) call(name string, args ...uint64) (res uint64, err error) {
	e.t.Helper()
	hf, ok := hostFuncs[name]
	if !ok {
		e.t.Fatalf("no host function %s", name)
	}
	if len(args) != len(hf.params) {
		e.t.Fatalf("%s takes %d arguments", name, len(hf.params))
	}
	stack := make([]uint64, max(len(args), len(hf.results)))
	copy(stack, args)
	e.s.err = nil
	defer func() {
		if r := recover(); r != nil {
			if e.s.err == nil {
				panic(r)
			}
			err = e.s.err
		}
	}()
	hf.fn(e.s, stack)
	if len(hf.results) == 0 {
		return 0, nil
	}
	return stack[0], nil
}

func (e *hostEnv) must(name string, args ...uint64) uint64 {
	e.t.Helper()
	r, err := e.call(name, args...)
	if err != nil {
		e.t.Fatalf("%s: %v", name, err)
	}
	return r
}

// slice reads the memory a returned pointer-size designates.
func (e *hostEnv) slice(ps uint64) []byte {
	e.t.Helper()
	b, ok := e.s.mem.Read(uint32(ps), uint32(ps>>32))
	if !ok {
		e.t.Fatalf("result %#x out of bounds", ps)
	}
	return bytes.Clone(b)
}

func (e *hostEnv) fixed(p uint64, n uint32) []byte {
	e.t.Helper()
	b, ok := e.s.mem.Read(uint32(p), n)
	if !ok {
		e.t.Fatalf("result %#x out of bounds", p)
	}
	return bytes.Clone(b)
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestHashing(t *testing.T) {
	e := newHostEnv(t, nil)
	cases := []struct {
		fn, in, want string
	}{
		// Published vectors: RFC 7693-style empty-input digests, xxHash64
		// seed 0, Keccak and SHA-256 of "", Substrate's System prefix.
		{"ext_hashing_blake2_128_version_1", "", "cae66941d9efbd404e4d88758ea67670"},
		{"ext_hashing_blake2_256_version_1", "", "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"},
		{"ext_hashing_twox_64_version_1", "", "99e9d85137db46ef"},
		{"ext_hashing_twox_128_version_1", "System", "26aa394eea5630e07c48ae0c9558cef7"},
		{"ext_hashing_twox_128_version_1", "Balances", "c2261276cc9d1f8598ea4b6a74b15c2f"},
		{"ext_hashing_keccak_256_version_1", "", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
		{"ext_hashing_keccak_512_version_1", "", "0eab42de4c3ceb9235fc91acffe746b29c29a8c366b7c60e4e67c466f36a4304c00fa9caf9d87976ba469bcbe06713b435f091ef2769fb160cdab33d3670680e"},
		{"ext_hashing_sha2_256_version_1", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"ext_hashing_sha2_256_version_1", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, c := range cases {
		want := unhex(c.want)
		p := e.must(c.fn, e.put([]byte(c.in)))
		if got := e.fixed(p, uint32(len(want))); !bytes.Equal(got, want) {
			t.Errorf("%s(%q) = %x, want %x", c.fn, c.in, got, want)
		}
	}
	big := bytes.Repeat([]byte{0xab}, 1000)
	if got, want := e.fixed(e.must("ext_hashing_twox_256_version_1", e.put(big)), 32), hash.Twox256(big); !bytes.Equal(got, want[:]) {
		t.Errorf("twox_256 %x want %x", got, want)
	}
}

func encodeOptionU32(v int64) []byte {
	if v < 0 {
		return []byte{0}
	}
	return scale.AppendU32([]byte{1}, uint32(v))
}

func TestStorageHostFunctions(t *testing.T) {
	st := NewMapStorage(map[string][]byte{
		"a":   []byte("1"),
		"ab":  []byte("2"),
		"abc": []byte("3"),
		"b":   []byte("4"),
		"vec": {0x08, 0x01, 0x02}, // Vec<u8> [1, 2]
	})
	e := newHostEnv(t, st)
	get := func(k string) string {
		r := e.must("ext_storage_get_version_1", e.put([]byte(k)))
		return hex.EncodeToString(e.slice(r))
	}
	next := func(k string) string {
		r := e.must("ext_storage_next_key_version_1", e.put([]byte(k)))
		b := e.slice(r)
		if b[0] == 0 {
			return "<none>"
		}
		d := scale.NewDecoder(b[1:])
		v, err := d.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		return string(v)
	}
	exists := func(k string) bool { return e.must("ext_storage_exists_version_1", e.put([]byte(k))) == 1 }
	set := func(k, v string) { e.must("ext_storage_set_version_1", e.put([]byte(k)), e.put([]byte(v))) }

	if got := get("ab"); got != "010432" {
		t.Fatalf("get ab = %s, want Some(\"2\") 010432", got)
	}
	if got := get("zz"); got != "00" {
		t.Fatalf("get zz = %s", got)
	}
	set("aa", "new")
	set("b", "5")
	e.must("ext_storage_clear_version_1", e.put([]byte("abc")))
	if exists("abc") || !exists("aa") {
		t.Fatal("exists after set/clear")
	}
	if got := get("b"); got != "010435" {
		t.Fatalf("overlay get b = %s", got)
	}
	// Merged iteration: a, aa (overlay), ab, (abc cleared), b, vec.
	var order []string
	for k := ""; ; {
		k = next(k)
		if k == "<none>" {
			break
		}
		order = append(order, k)
	}
	if fmt.Sprint(order) != "[a aa ab b vec]" {
		t.Fatalf("next_key order %v", order)
	}

	// storage_read: value from an offset into a small buffer; answer is
	// the length left from the offset.
	out := e.put(make([]byte, 2))
	r := e.must("ext_storage_read_version_1", e.put([]byte("aa")), out, 1)
	if got := e.slice(r); !bytes.Equal(got, []byte{1, 2, 0, 0, 0}) || string(e.slice(out)) != "ew" {
		t.Fatalf("read = %x, buffer %q", got, e.slice(out))
	}
	r = e.must("ext_storage_read_version_1", e.put([]byte("aa")), out, 9)
	if got := e.slice(r); !bytes.Equal(got, []byte{1, 0, 0, 0, 0}) {
		t.Fatalf("read past end = %x", got)
	}
	r = e.must("ext_storage_read_version_1", e.put([]byte("none")), out, 0)
	if got := e.slice(r); !bytes.Equal(got, []byte{0}) {
		t.Fatalf("read missing = %x", got)
	}

	// append: Vec [1,2] + 3; a missing key starts a Vec.
	e.must("ext_storage_append_version_1", e.put([]byte("vec")), e.put([]byte{3}))
	e.must("ext_storage_append_version_1", e.put([]byte("new")), e.put([]byte{9, 9}))
	if got := get("vec"); got != "01100c010203" {
		t.Fatalf("appended vec = %s", got)
	}
	if got := get("new"); got != "010c040909" {
		t.Fatalf("appended new = %s", got)
	}

	// Transactions: nested rollback and commit.
	e.must("ext_storage_start_transaction_version_1")
	set("a", "tx1")
	e.must("ext_storage_start_transaction_version_1")
	set("a", "tx2")
	set("zz", "x")
	e.must("ext_storage_rollback_transaction_version_1")
	if get("a") != hex.EncodeToString(encodeOption([]byte("tx1"), true)) || exists("zz") {
		t.Fatal("inner rollback")
	}
	e.must("ext_storage_start_transaction_version_1")
	set("q", "kept")
	e.must("ext_storage_commit_transaction_version_1")
	e.must("ext_storage_rollback_transaction_version_1")
	if get("a") != "010431" || exists("q") {
		t.Fatalf("outer rollback: a=%s q=%v", get("a"), exists("q"))
	}

	// clear_prefix v2 with a limit, then without.
	r = e.must("ext_storage_clear_prefix_version_2", e.put([]byte("a")), e.put(encodeOptionU32(2)))
	if got := e.slice(r); !bytes.Equal(got, []byte{1, 2, 0, 0, 0}) {
		t.Fatalf("clear_prefix limit 2 = %x, want SomeRemaining(2)", got)
	}
	r = e.must("ext_storage_clear_prefix_version_2", e.put([]byte("a")), e.put(encodeOptionU32(-1)))
	// The second pass visits a, ab and abc again, all already pending
	// deletion: sp-state-machine counts only keys it deletes itself.
	if got := e.slice(r); !bytes.Equal(got, []byte{0, 0, 0, 0, 0}) {
		t.Fatalf("clear_prefix all = %x, want AllRemoved(0)", got)
	}
	if exists("a") || exists("aa") || exists("ab") || !exists("b") {
		t.Fatal("after clear_prefix")
	}
	// Nothing reached the backend.
	if v, _, _ := st.Get([]byte("a")); string(v) != "1" {
		t.Fatal("backend modified")
	}

	// Child storage needs a ChildStorage.
	if _, err := e.call("ext_default_child_storage_get_version_1", e.put([]byte("c")), e.put([]byte("k"))); !errors.Is(err, ErrHostFunction) {
		t.Fatalf("child get without ChildStorage: %v", err)
	}
	// Child writes then reads stay in the overlay and need no backend.
	e.must("ext_default_child_storage_set_version_1", e.put([]byte("c")), e.put([]byte("k")), e.put([]byte("v")))
	r = e.must("ext_default_child_storage_get_version_1", e.put([]byte("c")), e.put([]byte("k")))
	if got := e.slice(r); !bytes.Equal(got, []byte{1, 4, 'v'}) {
		t.Fatalf("child get = %x", got)
	}
	if get("k") != "00" {
		t.Fatal("child key visible in the top trie")
	}

	if p := e.must("ext_storage_proof_size_storage_proof_size_version_1"); p != ^uint64(0) {
		t.Fatalf("proof size %d", p)
	}
}

// childMap is a ChildStorage over maps.
type childMap struct {
	*MapStorage
	children map[string]*MapStorage
}

func (c childMap) ChildGet(child, key []byte) ([]byte, bool, error) {
	m, ok := c.children[string(child)]
	if !ok {
		return nil, false, nil
	}
	return m.Get(key)
}

func (c childMap) ChildNextKey(child, key []byte) ([]byte, bool, error) {
	m, ok := c.children[string(child)]
	if !ok {
		return nil, false, nil
	}
	return m.NextKey(key)
}

func TestChildStorage(t *testing.T) {
	st := childMap{NewMapStorage(nil), map[string]*MapStorage{
		"crowd": NewMapStorage(map[string][]byte{"k1": []byte("a"), "k2": []byte("b"), "x": []byte("c")}),
	}}
	e := newHostEnv(t, st)
	child := func() uint64 { return e.put([]byte("crowd")) }
	r := e.must("ext_default_child_storage_get_version_1", child(), e.put([]byte("k2")))
	if got := e.slice(r); !bytes.Equal(got, []byte{1, 4, 'b'}) {
		t.Fatalf("child get = %x", got)
	}
	r = e.must("ext_default_child_storage_next_key_version_1", child(), e.put([]byte("k1")))
	if got := e.slice(r); !bytes.Equal(got, []byte{1, 8, 'k', '2'}) {
		t.Fatalf("child next = %x", got)
	}
	r = e.must("ext_default_child_storage_clear_prefix_version_2", child(), e.put([]byte("k")), e.put([]byte{0}))
	if got := e.slice(r); !bytes.Equal(got, []byte{0, 2, 0, 0, 0}) {
		t.Fatalf("child clear_prefix = %x", got)
	}
	if e.must("ext_default_child_storage_exists_version_1", child(), e.put([]byte("k1"))) != 0 {
		t.Fatal("k1 survived")
	}
	e.must("ext_storage_start_transaction_version_1")
	// A limit of 0 visits nothing: keys remain.
	if e.must("ext_default_child_storage_storage_kill_version_2", child(), e.put(encodeOptionU32(0))) != 0 {
		t.Fatal("kill with limit 0 reported everything removed")
	}
	if e.must("ext_default_child_storage_exists_version_1", child(), e.put([]byte("x"))) != 1 {
		t.Fatal("kill with limit 0 removed x")
	}
	r = e.must("ext_default_child_storage_storage_kill_version_3", child(), e.put([]byte{0}))
	// k1 and k2 are already pending deletion: only x counts.
	if got := e.slice(r); !bytes.Equal(got, []byte{0, 1, 0, 0, 0}) {
		t.Fatalf("kill = %x, want AllRemoved(1)", got)
	}
	if e.must("ext_default_child_storage_exists_version_1", child(), e.put([]byte("x"))) != 0 {
		t.Fatal("x survived the kill")
	}
	e.must("ext_storage_rollback_transaction_version_1")
	if e.must("ext_default_child_storage_exists_version_1", child(), e.put([]byte("x"))) != 1 {
		t.Fatal("rollback did not undo the kill")
	}
}

func TestSignatureVerification(t *testing.T) {
	e := newHostEnv(t, nil)
	msg := []byte("ksm executor test message")
	for _, c := range []struct {
		scheme keys.Scheme
		fns    []string
	}{
		{keys.Sr25519, []string{"ext_crypto_sr25519_verify_version_2", "ext_crypto_sr25519_verify_version_1"}},
		{keys.Ed25519, []string{"ext_crypto_ed25519_verify_version_1"}},
		{keys.Ecdsa, []string{"ext_crypto_ecdsa_verify_version_2", "ext_crypto_ecdsa_verify_version_1"}},
	} {
		pair, err := keys.FromURI("//Alice", c.scheme)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := pair.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		for _, fn := range c.fns {
			verify := func(sig, msg, pub []byte) bool {
				return e.must(fn, e.ptr(sig), e.put(msg), e.ptr(pub)) == 1
			}
			if !verify(sig, msg, pair.PublicKey()) {
				t.Errorf("%s rejects a good signature", fn)
			}
			bad := bytes.Clone(sig)
			bad[5] ^= 1
			if verify(bad, msg, pair.PublicKey()) {
				t.Errorf("%s accepts a flipped signature", fn)
			}
			if verify(sig, append(bytes.Clone(msg), '!'), pair.PublicKey()) {
				t.Errorf("%s accepts another message", fn)
			}
			other, _ := keys.FromURI("//Bob", c.scheme)
			if verify(sig, msg, other.PublicKey()) {
				t.Errorf("%s accepts another key", fn)
			}
			junk := bytes.Repeat([]byte{0xff}, len(pair.PublicKey()))
			if verify(sig, msg, junk) {
				t.Errorf("%s accepts a junk key", fn)
			}
		}
		if c.scheme != keys.Ecdsa {
			continue
		}
		// secp256k1 recovery over the blake2b-256 of the message.
		h := hash.Blake2b256(msg)
		r := e.must("ext_crypto_secp256k1_ecdsa_recover_compressed_version_2", e.ptr(sig), e.ptr(h[:]))
		if got := e.slice(r); got[0] != 0 || !bytes.Equal(got[1:], pair.PublicKey()) {
			t.Errorf("recover_compressed = %x, want 00%x", got, pair.PublicKey())
		}
		r = e.must("ext_crypto_secp256k1_ecdsa_recover_version_1", e.ptr(sig), e.ptr(h[:]))
		if got := e.slice(r); got[0] != 0 || len(got) != 65 {
			t.Errorf("recover = %x", got)
		}
		if e.must("ext_crypto_ecdsa_verify_prehashed_version_1", e.ptr(sig), e.ptr(h[:]), e.ptr(pair.PublicKey())) != 1 {
			t.Error("verify_prehashed rejects")
		}
		badV := bytes.Clone(sig)
		badV[64] = 9
		r = e.must("ext_crypto_secp256k1_ecdsa_recover_version_2", e.ptr(badV), e.ptr(h[:]))
		if got := e.slice(r); !bytes.Equal(got, []byte{1, 1}) {
			t.Errorf("bad v = %x, want Err(BadV) 0101", got)
		}
		badRS := bytes.Clone(sig)
		copy(badRS[:32], bytes.Repeat([]byte{0xff}, 32))
		r = e.must("ext_crypto_secp256k1_ecdsa_recover_version_2", e.ptr(badRS), e.ptr(h[:]))
		if got := e.slice(r); !bytes.Equal(got, []byte{1, 0}) {
			t.Errorf("overflowing r = %x, want Err(BadRS) 0100", got)
		}
	}
	e.must("ext_crypto_start_batch_verify_version_1")
	if e.must("ext_crypto_finish_batch_verify_version_1") != 1 {
		t.Error("finish_batch_verify")
	}
}

func TestTrieRoots(t *testing.T) {
	e := newHostEnv(t, nil)
	empty := e.fixed(e.must("ext_trie_blake2_256_ordered_root_version_1", e.put([]byte{0})), 32)
	if !bytes.Equal(empty, trie.EmptyRoot[:]) || hex.EncodeToString(empty) != "03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314" {
		t.Fatalf("empty root %x", empty)
	}
	long := bytes.Repeat([]byte{7}, 40) // hashed separately under V1
	vals := [][]byte{[]byte("one"), long}
	enc := scale.AppendCompact(nil, 2)
	for _, v := range vals {
		enc = scale.AppendBytes(enc, v)
	}
	v0 := e.fixed(e.must("ext_trie_blake2_256_ordered_root_version_2", e.put(enc), 0), 32)
	v1 := e.fixed(e.must("ext_trie_blake2_256_ordered_root_version_2", e.put(enc), 1), 32)
	w0, w1 := trie.OrderedRoot(trie.V0, vals), trie.OrderedRoot(trie.V1, vals)
	if !bytes.Equal(v0, w0[:]) || !bytes.Equal(v1, w1[:]) || bytes.Equal(v0, v1) {
		t.Fatalf("ordered roots %x %x, want %x %x", v0, v1, w0, w1)
	}
	kv := scale.AppendCompact(nil, 2)
	kv = scale.AppendBytes(scale.AppendBytes(kv, []byte("k1")), long)
	kv = scale.AppendBytes(scale.AppendBytes(kv, []byte("k2")), []byte("v"))
	got := e.fixed(e.must("ext_trie_blake2_256_root_version_1", e.put(kv)), 32)
	want := trie.Root(trie.V0, []trie.KV{{Key: []byte("k1"), Value: long}, {Key: []byte("k2"), Value: []byte("v")}})
	if !bytes.Equal(got, want[:]) {
		t.Fatalf("root %x want %x", got, want)
	}
}

func TestLoggingAndMisc(t *testing.T) {
	e := newHostEnv(t, nil)
	e.s.maxLevel = 4
	if lvl := e.must("ext_logging_max_level_version_1"); lvl != 4 {
		t.Fatalf("max level %d", lvl)
	}
	e.must("ext_logging_log_version_1", 1, e.put([]byte("runtime::staking")), e.put([]byte("era changed")))
	e.must("ext_logging_log_version_1", 5, e.put([]byte("t")), e.put([]byte("too verbose")))
	e.must("ext_misc_print_utf8_version_1", e.put([]byte("hello")))
	e.must("ext_misc_print_hex_version_1", e.put([]byte{0xbe, 0xef}))
	e.must("ext_misc_print_num_version_1", 42)
	if got := fmt.Sprint(e.logs); got != "[1 runtime::staking era changed 4 runtime hello 4 runtime beef 4 runtime 42]" {
		t.Fatalf("logs %s", got)
	}
	r := e.must("ext_misc_runtime_version_version_1", e.put([]byte("code")))
	if got := e.slice(r); !bytes.Equal(got, []byte{0}) {
		t.Fatalf("runtime_version = %x", got)
	}
	e.s.log = nil
	if lvl := e.must("ext_logging_max_level_version_1"); lvl != 0 {
		t.Fatalf("max level without Log %d", lvl)
	}
	// Offchain indexing is ignored.
	e.must("ext_offchain_index_set_version_1", e.put([]byte("k")), e.put([]byte("v")))
	// malloc / free round trip through the host functions.
	p := e.must("ext_allocator_malloc_version_1", 100)
	e.must("ext_allocator_free_version_1", p)
	if q := e.must("ext_allocator_malloc_version_1", 128); q != p {
		t.Fatalf("freed block not reused: %#x then %#x", p, q)
	}
}

func TestHostFunctionsList(t *testing.T) {
	fns := HostFunctions()
	if len(fns) < 60 {
		t.Fatalf("%d host functions", len(fns))
	}
	for _, fn := range fns {
		hf := hostFuncs[fn]
		if hf.fn == nil {
			t.Errorf("%s has no body", fn)
		}
	}
}

func TestHeapPages(t *testing.T) {
	for _, c := range []struct {
		st   map[string][]byte
		want uint64
	}{
		{nil, DefaultHeapPages},
		{map[string][]byte{":heappages": {0x00, 0x10, 0, 0, 0, 0, 0, 0}}, 4096},
		{map[string][]byte{":heappages": {0x00, 0x10, 0, 0, 0, 0, 0, 0, 0xff}}, 4096},
		{map[string][]byte{":heappages": {0x01}}, DefaultHeapPages},
	} {
		got, err := HeapPages(NewMapStorage(c.st))
		if err != nil || got != c.want {
			t.Errorf("HeapPages(%x) = %d, %v; want %d", c.st[":heappages"], got, err, c.want)
		}
	}
	if _, err := HeapPages(failingStorage{errBackend}); !errors.Is(err, ErrStorage) || !errors.Is(err, errBackend) {
		t.Errorf("failing storage: %v", err)
	}
}

func withCustomSection(wasm []byte, name string, content []byte) []byte {
	body := wName(nil, name)
	return wSection(wasm, 0, append(body, content...))
}

func TestRuntimeVersionHostFunction(t *testing.T) {
	base := callModule("ext_allocator_malloc_version_1", typeI32I32, iConst32(8)).encode()
	var api2 [8]byte
	copy(api2[:], "someapi!")
	apis := func(core uint32) []byte {
		b := append(coreAPIID[:], scale.AppendU32(nil, core)...)
		return append(append(b, api2[:]...), 7, 0, 0, 0)
	}
	head := func() []byte {
		b := scale.AppendString(nil, "testrt")
		b = scale.AppendString(b, "impl")
		b = scale.AppendU32(b, 1)
		b = scale.AppendU32(b, 42)
		b = scale.AppendU32(b, 3)
		return b
	}
	full := func(core uint32, tx uint32, state byte) []byte {
		b := append(head(), 0x08)
		b = append(b, apis(core)...)
		return append(scale.AppendU32(b, tx), state)
	}
	v4 := append(append(head(), 0), scale.AppendU32(nil, 9)...) // section: no APIs, tx 9, state 1
	v4 = append(v4, 1)
	v2 := append(head(), 0) // Core v2: no transaction or state version
	e := newHostEnv(t, nil)
	for _, c := range []struct {
		name string
		code []byte
		want []byte
	}{
		{"core v4", withCustomSection(withCustomSection(base, "runtime_version", v4), "runtime_apis", apis(4)), encodeOption(full(4, 9, 1), true)},
		{"core v2", withCustomSection(withCustomSection(base, "runtime_apis", apis(2)), "runtime_version", v2), encodeOption(full(2, 1, 0), true)},
		{"compressed", zstdBlob(t, withCustomSection(withCustomSection(base, "runtime_version", v4), "runtime_apis", apis(4))), encodeOption(full(4, 9, 1), true)},
		{"no section", base, []byte{0}},
		{"truncated section", withCustomSection(withCustomSection(base, "runtime_version", v4[:10]), "runtime_apis", apis(4)), []byte{0}},
		{"bad apis", withCustomSection(withCustomSection(base, "runtime_version", v4), "runtime_apis", apis(4)[:11]), []byte{0}},
		{"not wasm", []byte("hello"), []byte{0}},
	} {
		r := e.must("ext_misc_runtime_version_version_1", e.put(c.code))
		if got := e.slice(r); !bytes.Equal(got, c.want) {
			t.Errorf("%s: %x\nwant %x", c.name, got, c.want)
		}
	}
}
