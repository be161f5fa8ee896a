package trie

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := DecodeHex(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

func mustHash(t testing.TB, s string) Hash {
	t.Helper()
	var h Hash
	b := mustHex(t, s)
	if len(b) != 32 {
		t.Fatalf("hash %q: %d bytes", s, len(b))
	}
	copy(h[:], b)
	return h
}

func readJSON(t testing.TB, v any, elem ...string) {
	t.Helper()
	if err := json.Unmarshal(testenv.ReadShared(t, elem...), v); err != nil {
		t.Fatal(err)
	}
}

func kusamaGenesis(t testing.TB) []KV {
	t.Helper()
	var spec struct {
		Genesis struct {
			Raw struct {
				Top map[string]string `json:"top"`
			} `json:"raw"`
		} `json:"genesis"`
	}
	readJSON(t, &spec, "chainspec", "kusama-genesis-raw.json")
	var kvs []KV
	for k, v := range spec.Genesis.Raw.Top {
		kvs = append(kvs, KV{mustHex(t, k), mustHex(t, v)})
	}
	return kvs
}

func TestKusamaGenesisRoot(t *testing.T) {
	kvs := kusamaGenesis(t)
	if len(kvs) != 3419 {
		t.Fatalf("%d genesis entries, want 3419", len(kvs))
	}
	want := mustHash(t, "0xb0006203c3a6e6bd2c6a17b1d4ae8ca49a31da0f4579da950b127774b44aef6b")
	if got := Root(V0, kvs); got != want {
		t.Fatalf("V0 root %x, want %x", got, want)
	}
	if got := Root(V1, kvs); got == want {
		t.Fatal("V1 root equals V0 root although values >= 33 bytes exist")
	}
	// A proof generated from the genesis trie verifies against the real root.
	var keys [][]byte
	for i := 0; i < len(kvs); i += 97 {
		keys = append(keys, kvs[i].Key)
	}
	root, nodes := Prove(V0, kvs, keys)
	if root != want {
		t.Fatalf("Prove root %x", root)
	}
	p, err := NewProof(want, nodes)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string][]byte{}
	for _, kv := range kvs {
		byKey[string(kv.Key)] = kv.Value
	}
	for _, k := range keys {
		v, ok, err := p.Get(k)
		if err != nil || !ok || !bytes.Equal(v, byKey[string(k)]) {
			t.Fatalf("key %x: ok=%v err=%v", k, ok, err)
		}
	}
}

func TestClaimsGenesisProof(t *testing.T) {
	var f struct {
		StateRoot  string   `json:"stateRoot"`
		Proof      []string `json:"proof"`
		ProofScale string   `json:"proofScale"`
		Queries    []struct {
			Key   string  `json:"key"`
			Value *string `json:"value"`
			Error string  `json:"error"`
		} `json:"queries"`
	}
	readJSON(t, &f, "proofs", "polkadot-genesis-claims-preclaims-proof.json")
	root := mustHash(t, f.StateRoot)
	fromJSON, err := ParseProof(testenv.ReadShared(t, "proofs", "polkadot-genesis-claims-preclaims-proof.json"))
	if err != nil {
		t.Fatal(err)
	}
	fromScale, err := ParseProof([]byte(f.ProofScale))
	if err != nil {
		t.Fatal(err)
	}
	if len(fromJSON) != 6 || len(fromScale) != 6 {
		t.Fatalf("entries: json %d scale %d", len(fromJSON), len(fromScale))
	}
	if !bytes.Equal(EncodeProofSCALE(fromJSON), mustHex(t, f.ProofScale)) {
		t.Fatal("SCALE re-encoding differs from proofScale")
	}
	for _, nodes := range [][][]byte{fromJSON, fromScale} {
		p, err := NewProof(root, nodes)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, q := range f.Queries {
			v, ok, err := p.Get(mustHex(t, q.Key))
			switch {
			case q.Error != "":
				if !errors.Is(err, ErrIncompleteProof) {
					t.Errorf("key %s: err %v, want incomplete", q.Key, err)
				}
				seen++
			case q.Value == nil:
				if err != nil || ok {
					t.Errorf("key %s: ok=%v err=%v, want absent", q.Key, ok, err)
				}
				seen++
			default:
				if err != nil || !ok || !bytes.Equal(v, mustHex(t, *q.Value)) {
					t.Errorf("key %s: %x ok=%v err=%v", q.Key, v, ok, err)
				}
				seen++
			}
		}
		if seen != 3 {
			t.Fatalf("%d queries", seen)
		}
	}
}

func TestSystemAccountReadProofV1(t *testing.T) {
	var f struct {
		StateRoot   string `json:"stateRoot"`
		RPCResponse struct {
			Proof []string `json:"proof"`
		} `json:"rpcResponse"`
		Queries []struct {
			Key, Value string
		} `json:"queries"`
	}
	readJSON(t, &f, "proofs", "polkadot-system-account-readproof.json")
	nodes, err := ParseProof(mustJSON(t, f.RPCResponse))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewProof(mustHash(t, f.StateRoot), nodes)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range f.Queries {
		v, ok, err := p.Get(mustHex(t, q.Key))
		if err != nil || !ok || !bytes.Equal(v, mustHex(t, q.Value)) {
			t.Fatalf("%s: %x %v %v", q.Key, v, ok, err)
		}
		if len(v) < valueHashThreshold {
			t.Fatalf("value of %d bytes: the V1 hashed-value path is not exercised", len(v))
		}
		// nonce 866 is the first u32 of AccountInfo.
		if d := scale.NewDecoder(v); true {
			nonce, _ := d.U32()
			if nonce != 866 {
				t.Fatalf("nonce %d", nonce)
			}
		}
	}
	// The same key one byte shorter is absent (the node is a leaf further down) or incomplete, never a value.
	k := mustHex(t, f.Queries[0].Key)
	if _, ok, err := p.Get(k[:len(k)-1]); ok {
		t.Fatalf("truncated key found (err %v)", err)
	}
	// The real node's proof without its value node still proves the
	// value's hash (ValueHash), as a proof of an absent key just below it
	// would; the value itself is then out of reach.
	v, _, _ := p.Get(k)
	var rest [][]byte
	for _, n := range nodes {
		if !bytes.Equal(n, v) {
			rest = append(rest, n)
		}
	}
	if len(rest) != len(nodes)-1 {
		t.Fatalf("the value node is not one of the %d proof nodes", len(nodes))
	}
	q, err := NewProof(mustHash(t, f.StateRoot), rest)
	if err != nil {
		t.Fatal(err)
	}
	if h, found, err := q.ValueHash(k); err != nil || !found || h != Hash(hash.Blake2b256(v)) {
		t.Fatalf("ValueHash without the value node: %x %v %v", h, found, err)
	}
	if _, _, err := q.Get(k); !errors.Is(err, ErrIncompleteProof) {
		t.Fatalf("Get without the value node: %v", err)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// prefixScan is smoldot's test vector of a Staking.Validators prefix scan:
// the proofs of each step and the keys the scan finds.
type prefixScan struct {
	Prefix   string   `json:"prefix"`
	Root     string   `json:"trie_root_hash"`
	Proofs   []string `json:"proofs"`
	Expected []string `json:"expected_entries"`
}

// readPrefixScan reads the prefix scan vector, with its root and prefix
// decoded.
func readPrefixScan(t testing.TB) (f prefixScan, root Hash, prefix []byte) {
	t.Helper()
	readJSON(t, &f, "proofs", "staking-validators-prefix-scan-proofs.json")
	return f, mustHash(t, f.Root), mustHex(t, f.Prefix)
}

func TestStakingValidatorsPrefixScan(t *testing.T) {
	f, root, prefix := readPrefixScan(t)
	var union [][]byte
	var firstErr error
	for i, ps := range f.Proofs {
		nodes, err := ParseProof([]byte(ps))
		if err != nil {
			t.Fatalf("proof %d: %v", i, err)
		}
		// Every step's proof is a valid strict proof on its own.
		p, err := NewProof(root, nodes)
		if err != nil {
			t.Fatalf("proof %d: %v", i, err)
		}
		if i == 0 {
			kvs, err := p.Prefix(prefix)
			var inc *IncompleteError
			if !errors.As(err, &inc) || len(inc.Missing) == 0 {
				t.Fatalf("first proof alone: err %v, want incomplete", err)
			}
			firstErr = err
			t.Logf("first proof alone: %d entries, %d gaps", len(kvs), len(inc.Missing))
		}
		union = append(union, nodes...)
	}
	if firstErr == nil {
		t.Fatal("no incompleteness seen")
	}
	p, err := NewProof(root, union)
	if err != nil {
		t.Fatal(err)
	}
	kvs, err := p.Prefix(prefix)
	if err != nil {
		t.Fatalf("union: %v", err)
	}
	var got, want []string
	for _, kv := range kvs {
		got = append(got, "0x"+hexs(kv.Key))
	}
	want = append(want, f.Expected...)
	sort.Strings(want)
	if len(got) != 922 || len(want) != 922 {
		t.Fatalf("%d entries, want 922 (%d expected)", len(got), len(want))
	}
	if !sort.StringsAreSorted(got) {
		t.Fatal("prefix scan not in key order")
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("entry %d: %s, want %s", i, got[i], want[i])
		}
	}
	// Every key answers Get with the same value.
	for _, kv := range kvs[:50] {
		v, ok, err := p.Get(kv.Key)
		if err != nil || !ok || !bytes.Equal(v, kv.Value) {
			t.Fatalf("Get %x: %v %v", kv.Key, ok, err)
		}
	}
	// A key just past the prefix range is absent or incomplete, never found.
	other := append(append([]byte(nil), prefix[:len(prefix)-1]...), prefix[len(prefix)-1]+1)
	if more, err := p.Prefix(other); len(more) != 0 && err == nil {
		t.Fatalf("unrelated prefix gave %d entries", len(more))
	}
}

func hexs(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// headerRoots reads parent hash and extrinsics root from a SCALE header.
func headerRoots(t testing.TB, h []byte) (parent, extrinsicsRoot Hash) {
	t.Helper()
	d := scale.NewDecoder(h)
	if err := d.Fixed(parent[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := d.CompactU32(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Take(32); err != nil {
		t.Fatal(err)
	}
	if err := d.Fixed(extrinsicsRoot[:]); err != nil {
		t.Fatal(err)
	}
	return
}

func TestWestendBlocksExtrinsicsRoots(t *testing.T) {
	var f struct {
		GenesisHash string `json:"genesisHash"`
		Blocks      []struct {
			Hash        string   `json:"hash"`
			HeaderScale string   `json:"headerScale"`
			Extrinsics  []string `json:"extrinsics"`
		} `json:"blocks"`
	}
	readJSON(t, &f, "grandpa", "westend-blocks-1-10.json")
	if len(f.Blocks) != 10 {
		t.Fatalf("%d blocks", len(f.Blocks))
	}
	prev := mustHash(t, f.GenesisHash)
	for i, b := range f.Blocks {
		h := mustHex(t, b.HeaderScale)
		parent, xroot := headerRoots(t, h)
		if parent != prev {
			t.Fatalf("block %d: parent %x, want %x", i+1, parent, prev)
		}
		var exts [][]byte
		for _, e := range b.Extrinsics {
			exts = append(exts, mustHex(t, e))
		}
		if got := OrderedRoot(V0, exts); got != xroot {
			t.Fatalf("block %d: extrinsics root %x, header says %x", i+1, got, xroot)
		}
		prev = hash.Blake2b256(h)
		if prev != mustHash(t, b.Hash) {
			t.Fatalf("block %d: hash %x", i+1, prev)
		}
	}
}

func TestBlockExtrinsicsRoots(t *testing.T) {
	for _, file := range []string{"kusama-block-22939322.json", "polkadot-block-18468942.json"} {
		blk := testenv.ReadBlock(t, file)
		exts := blk.Extrinsics
		want := mustHash(t, blk.ExtrinsicsRoot)
		if got := OrderedRoot(V0, exts); got != want {
			t.Errorf("%s: extrinsics root %x, want %x (%d extrinsics)", file, got, want, len(exts))
		}
		h := blk.Header
		if _, xr := headerRoots(t, h); xr != want {
			t.Errorf("%s: header extrinsics root %x", file, xr)
		}
		if hash.Blake2b256(h) != mustHash(t, blk.BlockHash) {
			t.Errorf("%s: block hash", file)
		}
	}
}

// Every node of the real proofs re-encodes byte for byte with this package's
// encoder: the V0 and V1 (hashed value) node layouts match Substrate's.
func TestRealNodesReencode(t *testing.T) {
	var sources [][]byte
	for _, f := range []string{"polkadot-genesis-claims-preclaims-proof.json", "polkadot-system-account-readproof.json"} {
		b := testenv.ReadShared(t, "proofs", f)
		var obj struct {
			Proof       []string `json:"proof"`
			RPCResponse struct {
				Proof []string `json:"proof"`
			} `json:"rpcResponse"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			t.Fatal(err)
		}
		for _, s := range append(obj.Proof, obj.RPCResponse.Proof...) {
			sources = append(sources, mustHex(t, s))
		}
	}
	var scan struct{ Proofs []string }
	readJSON(t, &scan, "proofs", "staking-validators-prefix-scan-proofs.json")
	for _, p := range scan.Proofs {
		nodes, err := ParseProof([]byte(p))
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, nodes...)
	}
	kinds := map[string]int{}
	for _, src := range sources {
		n, err := decodeNode(src)
		if err != nil {
			kinds["value node"]++ // V1 value preimages are not nodes
			continue
		}
		var enc []byte
		switch {
		case n.kind == kindLeaf:
			enc = encodeLeaf(n.partial, n.value, n.hashedValue)
			kinds[fmt.Sprintf("leaf hashed=%v", n.hashedValue)]++
		case n.kind == kindBranch:
			enc = encodeBranch(n.partial, n.hasValue, n.value, n.hashedValue, &n.children)
			kinds[fmt.Sprintf("branch value=%v hashed=%v", n.hasValue, n.hashedValue)]++
			for _, c := range n.children {
				if c != nil && len(c) < 32 {
					kinds["inline child"]++
				}
			}
		default:
			enc = []byte{0}
		}
		if !bytes.Equal(enc, src) {
			t.Fatalf("node %x re-encodes to %x", src, enc)
		}
	}
	t.Logf("%d real nodes: %v", len(sources), kinds)
	if kinds["leaf hashed=true"] == 0 || kinds["branch value=false hashed=false"] == 0 || kinds["leaf hashed=false"] == 0 {
		t.Fatalf("node kinds not all covered: %v", kinds)
	}
}
