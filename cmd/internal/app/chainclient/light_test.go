package chainclient

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// fakeClient serves the generated chain's state as if proven: the Light
// adapter's own logic (caching, batching, block checks, error mapping) is
// what these tests look at; the proofs are the light client's tests.
type fakeClient struct {
	c         *lighttest.Chain
	mu        sync.Mutex
	reads     int      // ReadStorageAt calls
	readKeys  [][]byte // every key asked
	nextCalls int
	err       error // returned by every read when set
	// prove makes ReadStorageAt return the minimal proof of the keys
	// (StorageResult.Proof), as the light client does.
	prove bool
}

func (f *fakeClient) WaitSynced(ctx context.Context) error { return f.err }
func (f *fakeClient) Finalized() (*header.Header, header.Hash, uint64) {
	h := f.c.Head()
	return h.Header, h.Hash, 0
}
func (f *fakeClient) number(h header.Hash) (uint32, bool) {
	for n, b := range f.c.Blocks {
		if b.Hash == h {
			return uint32(n), true
		}
	}
	return 0, false
}
func (f *fakeClient) Header(h header.Hash) (*header.Header, bool) {
	n, ok := f.number(h)
	if !ok {
		return nil, false
	}
	return f.c.Blocks[n].Header, true
}
func (f *fakeClient) state(n uint32) []trie.KV {
	kvs := f.c.State(n)
	sort.Slice(kvs, func(i, j int) bool { return bytes.Compare(kvs[i].Key, kvs[j].Key) < 0 })
	return kvs
}
func (f *fakeClient) ReadStorageAt(ctx context.Context, block header.Hash, keys [][]byte) (*lightclient.StorageResult, error) {
	f.mu.Lock()
	f.reads++
	f.readKeys = append(f.readKeys, keys...)
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	n, ok := f.number(block)
	if !ok {
		return nil, fmt.Errorf("%w: %s", chainsync.ErrUnknownBlock, block)
	}
	res := &lightclient.StorageResult{Block: block, Number: n}
	kvs := f.state(n)
	for _, k := range keys {
		l := trie.Lookup{Key: k}
		for _, kv := range kvs {
			if bytes.Equal(kv.Key, k) {
				l.Value, l.Found = kv.Value, true
			}
		}
		res.Values = append(res.Values, l)
	}
	if f.prove {
		_, res.Proof = trie.Prove(f.c.Layout, kvs, keys)
	}
	return res, nil
}
func (f *fakeClient) StorageKeys(ctx context.Context, block header.Hash, prefix []byte, count int, start []byte) ([][]byte, error) {
	n, _ := f.number(block)
	var out [][]byte
	for _, kv := range f.state(n) {
		if bytes.HasPrefix(kv.Key, prefix) && bytes.Compare(kv.Key, start) > 0 && len(out) < count {
			out = append(out, kv.Key)
		}
	}
	return out, nil
}
func (f *fakeClient) NextKey(ctx context.Context, block header.Hash, key []byte) ([]byte, bool, error) {
	f.mu.Lock()
	f.nextCalls++
	f.mu.Unlock()
	n, _ := f.number(block)
	for _, kv := range f.state(n) {
		if bytes.Compare(kv.Key, key) > 0 {
			return kv.Key, true, nil
		}
	}
	return nil, false, nil
}
func (f *fakeClient) BlockBody(ctx context.Context, block header.Hash) ([][]byte, error) {
	n, ok := f.number(block)
	if !ok {
		return nil, fmt.Errorf("%w: %s", chainsync.ErrUnknownBlock, block)
	}
	return f.c.Blocks[n].Extrinsics, nil
}

// fakeProgram answers a few methods from the state it is given, so that
// the test sees what the adapter hands the executor.
type fakeProgram struct {
	code   []byte
	calls  *int
	closed *int
}

func (p *fakeProgram) Call(ctx context.Context, method string, args []byte, st StateReader) ([]byte, error) {
	*p.calls++
	switch method {
	case "Metadata_metadata_versions":
		b := scale.AppendCompact(nil, 4)
		for _, v := range []uint32{14, 15, 16, 17} {
			b = scale.AppendU32(b, v)
		}
		return b, nil
	case "Metadata_metadata_at_version":
		return append([]byte{1}, args...), nil
	case "Read":
		v, found, err := st.Get(args)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, nil
		}
		return v, nil
	case "Next":
		k, found, err := st.NextKey(args)
		if err != nil || !found {
			return nil, err
		}
		return k, nil
	case "AccountNonceApi_account_nonce":
		return binary.LittleEndian.AppendUint32(nil, uint32(len(args))), nil
	}
	return nil, fmt.Errorf("no method %s", method)
}
func (p *fakeProgram) Close(context.Context) error { *p.closed++; return nil }

func newTestLight(t *testing.T) (*Light, *fakeClient, *int, *int, *int) {
	c := lighttest.Shared(t, lighttest.Options{})
	fc := &fakeClient{c: c}
	var compiles, calls, closed int
	l := NewLight(fc, LightOptions{Genesis: Hash(c.Genesis()), Properties: Properties{SS58Prefix: 2, HasSS58: true},
		Compile: func(ctx context.Context, code []byte, hp uint64) (Program, error) {
			compiles++
			return &fakeProgram{code: code, calls: &calls, closed: &closed}, nil
		}})
	return l, fc, &compiles, &calls, &closed
}

func TestLightHeads(t *testing.T) {
	l, fc, _, _, _ := newTestLight(t)
	ctx := context.Background()
	if !l.Verified() {
		t.Fatal("not verified")
	}
	best, err := l.BestHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fin, err := l.FinalizedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	head := fc.c.Head()
	if *best != *fin || fin.Hash != Hash(head.Hash) || fin.Number != uint64(head.Header.Number) || fin.StateRoot != Hash(head.Header.StateRoot) {
		t.Fatalf("best %+v finalized %+v", best, fin)
	}
	// Pinned, the head stays while the client's finality moves on.
	pin, err := l.Pin(ctx)
	if err != nil || *pin != *fin {
		t.Fatalf("pin %+v %v", pin, err)
	}
	realHead := fc.c.Blocks
	fc.c.Blocks = realHead[:2]
	if moved, _ := l.latest(ctx); moved.Number != 1 {
		t.Fatalf("fake finality did not move: %+v", moved)
	}
	if got, _ := l.FinalizedHead(ctx); *got != *pin {
		t.Fatalf("pinned head moved to %+v", got)
	}
	l.Unpin()
	if got, _ := l.BestHead(ctx); got.Number != 1 {
		t.Fatalf("unpinned head %+v", got)
	}
	fc.c.Blocks = realHead
	h, err := l.Header(ctx, Hash(fc.c.Blocks[1].Hash))
	if err != nil || h.Number != 1 || h.ParentHash != Hash(fc.c.Blocks[0].Hash) {
		t.Fatalf("header 1: %+v %v", h, err)
	}
	unknown := Hash{1}
	if _, err := l.Header(ctx, unknown); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown header: %v", err)
	}
	if _, _, err := l.Storage(ctx, []byte("x"), unknown); !errors.Is(err, ErrNotFound) {
		t.Fatalf("storage at unknown block: %v", err)
	}
	if _, err := l.RuntimeCall(ctx, "Read", nil, unknown); !errors.Is(err, ErrNotFound) {
		t.Fatalf("call at unknown block: %v", err)
	}
	body, err := l.BlockBody(ctx, Hash(head.Hash))
	if err != nil || len(body) != 1 {
		t.Fatalf("body %v %v", body, err)
	}
	g, _ := l.GenesisHash(ctx)
	p, _ := l.Properties(ctx)
	if g != Hash(fc.c.Genesis()) || p.SS58Prefix != 2 {
		t.Fatal("genesis or properties")
	}
	if _, err := l.DryRun(ctx, nil, fin.Hash); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("dry run: %v", err)
	}
	_, err = l.Submit(ctx, []byte{1})
	var se *SubmitError
	if !errors.As(err, &se) || se.MaybeSent || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("submit without a submitter: %v", err)
	}
}

func TestLightStorageCache(t *testing.T) {
	l, fc, _, _, _ := newTestLight(t)
	ctx := context.Background()
	at1, at2 := Hash(fc.c.Blocks[1].Hash), Hash(fc.c.Blocks[2].Hash)
	for range 3 {
		v, found, err := l.Storage(ctx, lightclientKeyNumber(), at1)
		if err != nil || !found || binary.LittleEndian.Uint32(v) != 1 {
			t.Fatalf("System.Number at 1: %x %v %v", v, found, err)
		}
	}
	if fc.reads != 1 {
		t.Fatalf("%d reads for one key at one block", fc.reads)
	}
	v, _, _ := l.Storage(ctx, lightclientKeyNumber(), at2)
	if binary.LittleEndian.Uint32(v) != 2 || fc.reads != 2 {
		t.Fatalf("System.Number at 2: %x after %d reads", v, fc.reads)
	}
	if _, found, err := l.Storage(ctx, []byte("absent"), at1); found || err != nil {
		t.Fatalf("absent key: %v %v", found, err)
	}
	keys, err := l.StorageKeys(ctx, []byte(":"), 10, nil, at1)
	if err != nil || len(keys) == 0 || string(keys[0]) != ":code" {
		t.Fatalf("keys %q %v", keys, err)
	}
	fc.err = fmt.Errorf("%w: all peers gone", lightclient.ErrUnreachable)
	if _, _, err := l.Storage(ctx, []byte("other"), at1); !errors.Is(err, ErrDisconnected) || !errors.Is(err, lightclient.ErrUnreachable) {
		t.Fatalf("unreachable: %v", err)
	}
	fc.err = fmt.Errorf("%w: bad proof", lightclient.ErrVerification)
	if _, _, err := l.Storage(ctx, []byte("other"), at1); errors.Is(err, ErrDisconnected) || !errors.Is(err, lightclient.ErrVerification) {
		t.Fatalf("verification: %v", err)
	}
}

func lightclientKeyNumber() []byte { return testchain.KeySystemNumber }

func TestLightRuntimeCall(t *testing.T) {
	l, fc, compiles, calls, closed := newTestLight(t)
	ctx := context.Background()
	alice, _ := hex.DecodeString("26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
	want, ok := fc.c.Value(alice)
	if !ok {
		t.Fatal("alice not endowed")
	}
	for _, b := range fc.c.Blocks {
		out, err := l.RuntimeCall(ctx, "Read", alice, Hash(b.Hash))
		if err != nil || !bytes.Equal(out, want) {
			t.Fatalf("block %d: %x %v", b.Header.Number, out, err)
		}
	}
	if *compiles != 1 || *calls != len(fc.c.Blocks) {
		t.Fatalf("%d compiles and %d calls for %d blocks with one code", *compiles, *calls, len(fc.c.Blocks))
	}
	// :code and :heappages are read in one request per block, before the
	// call's own reads.
	if fc.reads != 2*len(fc.c.Blocks) {
		t.Fatalf("%d reads", fc.reads)
	}
	if string(fc.readKeys[0]) != ":code" || string(fc.readKeys[1]) != ":heappages" {
		t.Fatalf("first read %q", fc.readKeys[:2])
	}
	head := Hash(fc.c.Head().Hash)
	k, err := l.RuntimeCall(ctx, "Next", []byte(":code"), head)
	if err != nil || bytes.Compare(k, []byte(":code")) <= 0 {
		t.Fatalf("next key %q %v", k, err)
	}
	l.RuntimeCall(ctx, "Next", []byte(":code"), head)
	if fc.nextCalls != 1 {
		t.Fatalf("next key asked %d times", fc.nextCalls)
	}
	md, err := l.Metadata(ctx, head)
	if err != nil || !bytes.Equal(md, []byte{1, 16, 0, 0, 0}) {
		t.Fatalf("metadata: %x %v (want version 16 asked)", md, err)
	}
	n, err := l.NextNonce(ctx, [32]byte{})
	if err != nil || n != 32 {
		t.Fatalf("nonce %d %v", n, err)
	}
	if _, err := l.RuntimeCall(ctx, "Nope", nil, head); err == nil {
		t.Fatal("unknown method")
	}
	if err := l.Close(); err != nil || *closed != 1 {
		t.Fatalf("close: %v, %d programs closed", err, *closed)
	}
	if _, err := l.RuntimeCall(ctx, "Read", alice, head); !errors.Is(err, ErrDisconnected) {
		t.Fatalf("after close: %v", err)
	}
}

func TestLightRuntimeVersion(t *testing.T) {
	l, fc, compiles, _, _ := newTestLight(t)
	v, err := l.RuntimeVersion(context.Background(), Hash(fc.c.Head().Hash))
	if err != nil {
		t.Fatal(err)
	}
	// kusama-local.json: Kusama runtime spec 1_000_000, transaction version 24.
	if v.SpecName != "kusama" || v.SpecVersion != 1_000_000 || v.TransactionVersion != 24 {
		t.Fatalf("%+v", v)
	}
	if *compiles != 0 {
		t.Fatal("the version section needs no compilation")
	}
}

func TestDecodeRuntimeVersion(t *testing.T) {
	b := scale.AppendString(nil, "kusama")
	b = scale.AppendString(b, "parity-kusama")
	b = scale.AppendU32(b, 2)
	b = scale.AppendU32(b, 1_000_000)
	b = scale.AppendU32(b, 0)
	b = scale.AppendCompact(b, 1)
	b = append(b, make([]byte, 12)...)
	withTx := scale.AppendU32(append([]byte(nil), b...), 24)
	withTx = append(withTx, 1) // state_version
	v, err := DecodeRuntimeVersion(withTx)
	if err != nil || v.SpecName != "kusama" || v.ImplName != "parity-kusama" || v.SpecVersion != 1_000_000 || v.TransactionVersion != 24 {
		t.Fatalf("%+v %v", v, err)
	}
	if v, err := DecodeRuntimeVersion(b); err != nil || v.TransactionVersion != 0 {
		t.Fatalf("old version: %+v %v", v, err)
	}
	for i := 0; i < len(b)-1; i++ {
		if _, err := DecodeRuntimeVersion(b[:i]); err == nil && i < len(b) {
			t.Fatalf("truncated at %d decoded", i)
		}
	}
}

func FuzzDecodeRuntimeVersion(f *testing.F) {
	b := scale.AppendString(nil, "kusama")
	b = scale.AppendString(b, "parity-kusama")
	b = append(b, make([]byte, 12)...)
	b = scale.AppendCompact(b, 2)
	b = append(b, make([]byte, 24+5)...)
	f.Add(b)
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := DecodeRuntimeVersion(b)
		if err == nil && v == nil {
			t.Fatal("nil version without error")
		}
	})
}

func TestLightSubmitMapping(t *testing.T) {
	h := header.Hash{7}
	for _, tc := range []struct {
		in   lightclient.SubmitStatus
		want Status
	}{
		{lightclient.SubmitStatus{Kind: lightclient.StatusBroadcast, Detail: "sent to 2 peers"}, Status{Kind: StatusBroadcast, Detail: "sent to 2 peers"}},
		{lightclient.SubmitStatus{Kind: lightclient.StatusFinalized, Block: h, Number: 5, Index: 1}, Status{Kind: StatusFinalized, Block: Hash(h)}},
		{lightclient.SubmitStatus{Kind: lightclient.StatusInvalid, Detail: "bad"}, Status{Kind: StatusInvalid, Detail: "bad"}},
		{lightclient.SubmitStatus{Kind: lightclient.StatusDropped, Detail: "gone"}, Status{Kind: StatusDropped, Detail: "gone"}},
	} {
		if got := lightStatus(tc.in); got != tc.want {
			t.Errorf("%+v: %+v, want %+v", tc.in, got, tc.want)
		}
	}
	var re *RejectedError
	err := submitErr(fmt.Errorf("rpc: %w: 1010: Invalid Transaction: BadProof", lightclient.ErrRejected))
	if !errors.As(err, &re) || re.Message != "1010: Invalid Transaction: BadProof" {
		t.Fatalf("rejected: %#v", err)
	}
	var se *SubmitError
	err = submitErr(fmt.Errorf("%w: every peer gone", lightclient.ErrUnreachable))
	if !errors.As(err, &se) || !se.MaybeSent || !errors.Is(err, ErrDisconnected) {
		t.Fatalf("unreachable: %#v", err)
	}
	err = submitErr(lightclient.ErrClosed)
	if !errors.As(err, &se) || se.MaybeSent {
		t.Fatalf("closed: %#v", err)
	}
}
