package chainclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// readProgram's method "ReadAll" reads the keys its args list (a SCALE
// Vec<Vec<u8>>) one after the other, as a runtime call reads storage, and
// "NextAll" asks the key after each.
type readProgram struct{}

func (readProgram) Call(ctx context.Context, method string, args []byte, st StateReader) ([]byte, error) {
	d := scale.NewDecoder(args)
	n, err := d.Len(1)
	if err != nil {
		return nil, err
	}
	var out []byte
	for i := 0; i < n; i++ {
		k, err := d.Bytes()
		if err != nil {
			return nil, err
		}
		var v []byte
		if method == "NextAll" {
			v, _, err = st.NextKey(k)
		} else {
			v, _, err = st.Get(k)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v...)
	}
	return out, nil
}
func (readProgram) Close(context.Context) error { return nil }

// prefetchClient is a fakeClient that serves call proofs: it records the
// prefetches asked.
type prefetchClient struct {
	*fakeClient
	prefetches []string
}

func (p *prefetchClient) PrefetchCall(ctx context.Context, block header.Hash, method string, args []byte) (int, error) {
	n, _ := p.number(block)
	p.prefetches = append(p.prefetches, method+"@"+string(rune('0'+n)))
	return 0, nil
}

func encodeKeys(keys [][]byte) []byte {
	b := scale.AppendCompact(nil, uint64(len(keys)))
	for _, k := range keys {
		b = scale.AppendBytes(b, k)
	}
	return b
}

// genesisKeys are n keys of c's genesis state longer than 40 bytes (map
// entries).
func genesisKeys(c *lighttest.Chain, n int) [][]byte {
	var keys [][]byte
	for _, kv := range c.Spec.Raw.Top {
		if len(keys) < n && len(kv.Key) > 40 {
			keys = append(keys, kv.Key)
		}
	}
	return keys
}

// TestLightPrefetchReadSet: a call's read set is remembered per (runtime,
// method); at the next block it is proven in one request before the call
// runs, so the call itself makes none; the same call at the same block
// makes no request at all; call proofs are asked first when the client
// serves them; NoPrefetch reads key by key.
func TestLightPrefetchReadSet(t *testing.T) {
	c := lighttest.Shared(t, lighttest.Options{})
	keys := genesisKeys(c, 12)
	keys = append(keys, []byte("absent key"))
	args := encodeKeys(keys)
	compile := func(context.Context, []byte, uint64) (Program, error) { return readProgram{}, nil }
	ctx := context.Background()
	b1, b2 := Hash(c.Blocks[1].Hash), Hash(c.Blocks[2].Hash)

	for _, withProofs := range []bool{false, true} {
		fc := &fakeClient{c: c}
		pc := &prefetchClient{fakeClient: fc}
		var lc LightClient = fc
		if withProofs {
			lc = pc
		}
		l := NewLight(lc, LightOptions{Compile: compile})
		want, err := l.RuntimeCall(ctx, "ReadAll", args, b1)
		if err != nil {
			t.Fatal(err)
		}
		// Block 1: the code, then one request per key (nothing remembered).
		if fc.reads != 1+len(keys) {
			t.Fatalf("first call: %d requests", fc.reads)
		}
		fc.reads = 0
		got, err := l.RuntimeCall(ctx, "ReadAll", args, b2)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("block 2: %x %v", got, err)
		}
		// Block 2: the code and the remembered keys, one request each.
		if fc.reads != 2 || len(fc.readKeys) != 2+len(keys)+2+len(keys) {
			t.Fatalf("second call: %d requests for %d keys", fc.reads, len(fc.readKeys))
		}
		fc.reads = 0
		if _, err := l.RuntimeCall(ctx, "ReadAll", args, b2); err != nil || fc.reads != 0 {
			t.Fatalf("same call again: %d requests, %v", fc.reads, err)
		}
		if withProofs {
			// Asked before the first call at each block, not for the repeat.
			if len(pc.prefetches) != 2 || pc.prefetches[0] != "ReadAll@1" || pc.prefetches[1] != "ReadAll@2" {
				t.Fatalf("call proofs asked: %q", pc.prefetches)
			}
		}
		// Next-key reads are remembered too: the repeat at block 2 asks
		// nothing once the first run proved them.
		if _, err := l.RuntimeCall(ctx, "NextAll", args, b1); err != nil {
			t.Fatal(err)
		}
		nexts := fc.nextCalls
		fc.reads = 0
		if _, err := l.RuntimeCall(ctx, "NextAll", args, b2); err != nil {
			t.Fatal(err)
		}
		if fc.reads != 1 || fc.nextCalls != 2*nexts {
			t.Fatalf("next keys at block 2: %d storage requests, %d next-key queries (block 1: %d)", fc.reads, fc.nextCalls-nexts, nexts)
		}
		l.Close()
	}

	// Without prefetching every key is a request at every block.
	fc := &fakeClient{c: c}
	l := NewLight(&prefetchClient{fakeClient: fc}, LightOptions{Compile: compile, NoPrefetch: true})
	defer l.Close()
	for _, b := range []Hash{b1, b2} {
		fc.reads = 0
		if _, err := l.RuntimeCall(ctx, "ReadAll", args, b); err != nil || fc.reads != 1+len(keys) {
			t.Fatalf("no prefetch: %d requests, %v", fc.reads, err)
		}
	}
}

// TestLightReadSetFiles: with LightOptions.ReadSets the read sets outlive
// the Light (the next command's first call proves them in one request); a
// damaged file is ignored and rewritten.
func TestLightReadSetFiles(t *testing.T) {
	c := lighttest.Shared(t, lighttest.Options{})
	keys := genesisKeys(c, 8)
	args := encodeKeys(keys)
	compile := func(context.Context, []byte, uint64) (Program, error) { return readProgram{}, nil }
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "readsets")
	run := func(block int) int {
		fc := &fakeClient{c: c, prove: true}
		l := NewLight(fc, LightOptions{Compile: compile, ReadSets: dir})
		defer l.Close()
		if _, err := l.RuntimeCall(ctx, "ReadAll", args, Hash(c.Blocks[block].Hash)); err != nil {
			t.Fatal(err)
		}
		return fc.reads
	}
	if n := run(1); n != 1+len(keys) {
		t.Fatalf("first command: %d requests", n)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*-ReadAll.keys"))
	if len(files) != 1 {
		t.Fatalf("read-set files %v", files)
	}
	for _, p := range []string{dir, files[0]} {
		fi, err := os.Stat(p)
		want := os.FileMode(0o600)
		if p == dir {
			want = 0o700 | os.ModeDir
		}
		if err != nil || fi.Mode() != want {
			t.Fatalf("%s: mode %v %v", p, fi.Mode(), err)
		}
	}
	if n := run(2); n != 2 {
		t.Fatalf("next command: %d requests, want the code's hash (the code is kept) and one batch", n)
	}
	if err := os.WriteFile(files[0], []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n := run(2); n != 1+len(keys) {
		t.Fatalf("damaged file: %d requests", n)
	}
	b, _ := os.ReadFile(files[0])
	if got, err := DecodeReadSet(b); err != nil || len(got) != len(keys) {
		t.Fatalf("rewritten file: %d keys, %v", len(got), err)
	}
	if (callKey{method: "a/b"}).file(dir) != "" || (callKey{method: "Core_version"}).file("") != "" {
		t.Fatal("a file for a method name that is not an identifier, or without a directory")
	}
}

func TestReadSetEncoding(t *testing.T) {
	for _, keys := range [][][]byte{{}, {{}}, {[]byte(":code"), bytes.Repeat([]byte{7}, 300)}} {
		got, err := DecodeReadSet(EncodeReadSet(keys))
		if err != nil || len(got) != len(keys) {
			t.Fatalf("%q: %q %v", keys, got, err)
		}
		for i := range keys {
			if !bytes.Equal(got[i], keys[i]) {
				t.Fatalf("key %d", i)
			}
		}
	}
	too := make([][]byte, maxRememberKeys+1)
	for _, bad := range [][]byte{nil, []byte("ksm-readset-1\n"), append(EncodeReadSet([][]byte{{1}}), 0),
		append([]byte("ksm-readset-1\n"), 0xff, 0xff, 0xff, 0xff), EncodeReadSet(too), []byte("other\n\x00")} {
		if _, err := DecodeReadSet(bad); !errors.Is(err, ErrReadSet) {
			t.Fatalf("%x: %v", bad, err)
		}
	}
}

func FuzzDecodeReadSet(f *testing.F) {
	f.Add(EncodeReadSet([][]byte{[]byte(":code"), {1, 2, 3}}))
	f.Add(EncodeReadSet(nil))
	f.Add([]byte("ksm-readset-1\n\x04\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		keys, err := DecodeReadSet(b)
		if err != nil {
			return
		}
		if !bytes.Equal(EncodeReadSet(keys), b) {
			t.Fatalf("round trip of %x", b)
		}
	})
}

// TestLightVersionFiles: with LightOptions.ReadSets the runtime version
// read from the proven code is kept by the code's hash, and the next Light
// takes it from there (a version planted in the file shows it was read, not
// the code scanned again); a damaged file is ignored and rewritten.
func TestLightVersionFiles(t *testing.T) {
	c := lighttest.Shared(t, lighttest.Options{})
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "readsets")
	at := Hash(c.Blocks[1].Hash)
	version := func() *RuntimeVersion {
		l := NewLight(&fakeClient{c: c}, LightOptions{ReadSets: dir})
		defer l.Close()
		v, err := l.RuntimeVersion(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	first := version()
	files, _ := filepath.Glob(filepath.Join(dir, "*.version"))
	if len(files) != 1 || first.SpecName == "" {
		t.Fatalf("version files %v, version %+v", files, first)
	}
	planted := *first
	planted.SpecVersion++
	b, _ := json.Marshal(planted)
	if err := os.WriteFile(files[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := version(); *got != planted {
		t.Fatalf("second Light: %+v, want the kept %+v", got, planted)
	}
	for _, bad := range []string{"damaged", `{"SpecName":""}`} {
		if err := os.WriteFile(files[0], []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := version(); *got != *first {
			t.Fatalf("%q: %+v, want %+v read from the code", bad, got, first)
		}
		if b, _ := os.ReadFile(files[0]); !strings.Contains(string(b), first.SpecName) {
			t.Fatalf("%q not rewritten: %s", bad, b)
		}
	}
}

// TestLightVersionFromCodeHash: a runtime version learned once is found
// again from the hash of ":code" alone, proven by a proof of the absent key
// just below it (trie layout V1 references the code by hash): a new Light
// (the next ksm command) never reads the code, a megabyte and more. A
// source whose proofs do not carry that node costs the code, not the answer.
func TestLightVersionFromCodeHash(t *testing.T) {
	c := lighttest.Shared(t, lighttest.Options{})
	if c.Layout != trie.V1 {
		t.Fatalf("kusama-local's state layout is %v: this test needs V1", c.Layout)
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "readsets")
	at := Hash(c.Blocks[1].Hash)
	version := func(prove bool) (*RuntimeVersion, [][]byte) {
		f := &fakeClient{c: c, prove: prove}
		l := NewLight(f, LightOptions{ReadSets: dir})
		defer l.Close()
		v, err := l.RuntimeVersion(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return v, f.readKeys
	}
	read := func(keys [][]byte, k []byte) bool {
		for _, x := range keys {
			if bytes.Equal(x, k) {
				return true
			}
		}
		return false
	}
	first, keys := version(true)
	if !read(keys, keyCode) {
		t.Fatalf("first Light did not read :code (keys %q)", keys)
	}
	second, keys := version(true)
	if *second != *first {
		t.Fatalf("second Light: %+v, want %+v", second, first)
	}
	if read(keys, keyCode) || !read(keys, keyBelowCode) {
		t.Fatalf("second Light read %q: want %q only, not the code", keys, keyBelowCode)
	}
	// Without proofs the hash is not proven: the code is read.
	third, keys := version(false)
	if *third != *first || !read(keys, keyCode) {
		t.Fatalf("no proofs: %+v, keys %q", third, keys)
	}
	// A proof for another state root proves nothing here: the code is read.
	other := lighttest.Shared(t, lighttest.Options{Spec: "asset-hub-kusama-local.json"})
	f := &fakeClient{c: c, prove: true}
	l := NewLight(&swappedProof{fakeClient: f, other: other}, LightOptions{ReadSets: dir})
	defer l.Close()
	if v, err := l.RuntimeVersion(ctx, at); err != nil || *v != *first || !read(f.readKeys, keyCode) {
		t.Fatalf("foreign proof: %+v %v, keys %q", v, err, f.readKeys)
	}
}

// swappedProof answers with the proof of another chain's state.
type swappedProof struct {
	*fakeClient
	other *lighttest.Chain
}

func (s *swappedProof) ReadStorageAt(ctx context.Context, block header.Hash, keys [][]byte) (*lightclient.StorageResult, error) {
	res, err := s.fakeClient.ReadStorageAt(ctx, block, keys)
	if err == nil {
		_, res.Proof = trie.Prove(s.other.Layout, s.other.State(0), keys)
	}
	return res, err
}

// TestLightCodeKept: runtime code proven once is kept by its hash; the next
// Light (the next command) proves only the hash and runs the kept code,
// never reading :code. A kept file that does not hash right is proven again
// and rewritten; a directory keeps at most keptCodes codes.
func TestLightCodeKept(t *testing.T) {
	c := lighttest.Shared(t, lighttest.Options{})
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "readsets")
	at := Hash(c.Blocks[1].Hash)
	want, _ := c.Value(keyCode)
	call := func() (compiled []byte, readCode bool) {
		f := &fakeClient{c: c, prove: true}
		l := NewLight(f, LightOptions{ReadSets: dir, Compile: func(ctx context.Context, code []byte, _ uint64) (Program, error) {
			compiled = code
			return readProgram{}, nil
		}})
		defer l.Close()
		if _, err := l.RuntimeCall(ctx, "ReadAll", encodeKeys(nil), at); err != nil {
			t.Fatal(err)
		}
		for _, k := range f.readKeys {
			readCode = readCode || bytes.Equal(k, keyCode)
		}
		return compiled, readCode
	}
	if code, read := call(); !read || !bytes.Equal(code, want) {
		t.Fatalf("first call: read :code %v, compiled %d bytes (want %d)", read, len(code), len(want))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.code"))
	if len(files) != 1 {
		t.Fatalf("kept codes %v", files)
	}
	if code, read := call(); read || !bytes.Equal(code, want) {
		t.Fatalf("second call: read :code %v, compiled %d bytes", read, len(code))
	}
	// Damaged: proven again, rewritten.
	b, _ := os.ReadFile(files[0])
	b[len(b)/2] ^= 1
	if err := os.WriteFile(files[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, read := call(); !read || !bytes.Equal(code, want) {
		t.Fatalf("damaged file: read :code %v, compiled the right code %v", read, bytes.Equal(code, want))
	}
	if b, _ := os.ReadFile(files[0]); !bytes.Equal(b, want) {
		t.Fatal("damaged file not rewritten")
	}
	// At most keptCodes, the newest among them.
	for i := range keptCodes + 2 {
		code := []byte{byte(i), 1, 2, 3}
		storeCode(dir, Hash(hash.Blake2b256(code)), code)
	}
	files, _ = filepath.Glob(filepath.Join(dir, "*.code"))
	if len(files) != keptCodes || loadCode(dir, Hash(hash.Blake2b256([]byte{keptCodes + 1, 1, 2, 3}))) == nil {
		t.Fatalf("%d codes kept (want %d, the last one among them)", len(files), keptCodes)
	}
}
