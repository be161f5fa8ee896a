package app

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

// fakeChain is a Chain in memory over real Kusama metadata: storage is a
// map, blocks are built on Submit, and the runtime APIs ksm uses answer
// from the fields.
type fakeChain struct {
	t       testing.TB
	md      *metadata.Metadata
	mdRaw   []byte
	codec   *value.Codec
	genesis chainclient.Hash
	props   chainclient.Properties

	mu        sync.Mutex
	number    uint64
	storage   map[string][]byte
	bodies    map[chainclient.Hash][][]byte
	events    map[chainclient.Hash][]byte // System.Events per block
	nonce     map[[32]byte]uint64         // what NextNonce answers (nil: from System.Account)
	fee       *big.Int
	submitted [][]byte
	// result decides what becomes of a submitted extrinsic: the events of
	// its block (value JSON records) or an error from Submit.
	result func(ext []byte) ([]any, error)
	// dropAfterReady makes the watch end with a lost connection after "ready".
	dropAfterReady bool
	// silent makes the watch report nothing at all.
	silent bool
	// lie, when set, is what a lying endpoint says of a transaction it
	// includes all the same: a *chain.RejectedError from Submit, or a
	// final status ("dropped", "invalid", "usurped") after "ready".
	lie any
	// noFinal ends the watch after "inBlock": the block is never reported
	// final.
	noFinal bool
	// onInclude runs after a transaction was put in a block.
	onInclude func()
	// verified makes Verified report true (runtime calls stand for ksm's
	// own execution over proven state); validity answers
	// TaggedTransactionQueue_validate_transaction (nil: unsupported).
	verified bool
	validity any
}

func loadKusamaMetadata(t testing.TB) ([]byte, *metadata.Metadata) {
	raw := testenv.ReadShared(t, "metadata", "kusama-v15-spec1009002.scale")
	md, err := metadata.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return raw, md
}

func newFakeChain(t testing.TB, genesis chainclient.Hash) *fakeChain {
	raw, md := loadKusamaMetadata(t)
	f := &fakeChain{
		t: t, md: md, mdRaw: raw, codec: value.New(md, 2), genesis: genesis,
		props:   chainclient.Properties{SS58Prefix: 2, HasSS58: true, Decimals: 12, HasDecimals: true, Symbol: "KSM"},
		number:  100,
		storage: map[string][]byte{}, bodies: map[chainclient.Hash][][]byte{}, events: map[chainclient.Hash][]byte{},
		nonce: map[[32]byte]uint64{}, fee: big.NewInt(150_000_000),
	}
	f.result = func([]byte) ([]any, error) { return f.successEvents(), nil }
	return f
}

func (f *fakeChain) head() chainclient.Hash {
	var h chainclient.Hash
	h[0], h[1] = byte(f.number>>8), byte(f.number)
	h[31] = 0xbb
	return h
}

// setAccount writes System.Account for id.
func (f *fakeChain) setAccount(id [32]byte, nonce uint64, free, reserved, frozen *big.Int) {
	f.t.Helper()
	e, err := storage.Lookup(f.codec, "System", "Account")
	if err != nil {
		f.t.Fatal(err)
	}
	key, err := e.Key(f.codec.FormatAccount(id))
	if err != nil {
		f.t.Fatal(err)
	}
	v := value.Object{
		{Name: "nonce", Value: nonce}, {Name: "consumers", Value: 0}, {Name: "providers", Value: 1}, {Name: "sufficients", Value: 0},
		{Name: "data", Value: value.Object{{Name: "free", Value: free}, {Name: "reserved", Value: reserved}, {Name: "frozen", Value: frozen}, {Name: "flags", Value: "170141183460469231731687303715884105728"}}},
	}
	b, err := f.codec.Encode(e.Meta.Value, v)
	if err != nil {
		f.t.Fatal(err)
	}
	f.mu.Lock()
	f.storage[hex.EncodeToString(key)] = b
	f.mu.Unlock()
}

func (f *fakeChain) Verified() bool                                             { return f.verified }
func (f *fakeChain) Close() error                                               { return nil }
func (f *fakeChain) GenesisHash(context.Context) (chainclient.Hash, error)      { return f.genesis, nil }
func (f *fakeChain) Properties(context.Context) (chainclient.Properties, error) { return f.props, nil }

func (f *fakeChain) BestHead(ctx context.Context) (*chainclient.Header, error) {
	f.mu.Lock()
	h := f.head()
	f.mu.Unlock()
	return f.Header(ctx, h)
}

func (f *fakeChain) FinalizedHead(ctx context.Context) (*chainclient.Header, error) {
	return f.BestHead(ctx)
}

func (f *fakeChain) Header(ctx context.Context, at chainclient.Hash) (*chainclient.Header, error) {
	n := uint64(at[0])<<8 | uint64(at[1])
	hd := &chainclient.Header{Hash: at, Number: n}
	if n > 0 {
		hd.ParentHash = chainclient.Hash{byte((n - 1) >> 8), byte(n - 1), 31: 0xbb}
	}
	return hd, nil
}

func (f *fakeChain) BlockBody(ctx context.Context, at chainclient.Hash) ([][]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.bodies[at]
	if !ok {
		return nil, fmt.Errorf("block %s: %w", at, chainclient.ErrNotFound)
	}
	return b, nil
}

var eventsKey = hex.EncodeToString(storage.Prefix("System", "Events"))

func (f *fakeChain) Storage(ctx context.Context, key []byte, at chainclient.Hash) ([]byte, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := hex.EncodeToString(key)
	if k == eventsKey {
		b, ok := f.events[at]
		return b, ok, nil
	}
	v, ok := f.storage[k]
	return v, ok, nil
}

func (f *fakeChain) StorageKeys(ctx context.Context, prefix []byte, count int, start []byte, at chainclient.Hash) ([][]byte, error) {
	return nil, nil
}

func (f *fakeChain) RuntimeCall(ctx context.Context, method string, args []byte, at chainclient.Hash) ([]byte, error) {
	switch method {
	case "TaggedTransactionQueue_validate_transaction":
		if f.validity != nil {
			a, _ := f.md.RuntimeAPI("TaggedTransactionQueue")
			m, _ := a.Method("validate_transaction")
			return f.codec.Encode(m.Output, f.validity)
		}
	case "TransactionPaymentApi_query_info":
		a, _ := f.md.RuntimeAPI("TransactionPaymentApi")
		m, _ := a.Method("query_info")
		return f.codec.Encode(m.Output, value.Object{
			{Name: "weight", Value: value.Object{{Name: "ref_time", Value: 1000}, {Name: "proof_size", Value: 0}}},
			{Name: "class", Value: "Normal"}, {Name: "partial_fee", Value: f.fee},
		})
	}
	return nil, fmt.Errorf("fake: runtime call %s: %w", method, chainclient.ErrUnsupported)
}

func (f *fakeChain) RuntimeVersion(ctx context.Context, at chainclient.Hash) (*chainclient.RuntimeVersion, error) {
	ci, err := f.md.ChainInfo()
	if err != nil {
		return nil, err
	}
	return &chainclient.RuntimeVersion{SpecName: ci.SpecName, SpecVersion: ci.SpecVersion, TransactionVersion: 26}, nil
}

func (f *fakeChain) Metadata(ctx context.Context, at chainclient.Hash) ([]byte, error) {
	return f.mdRaw, nil
}

func (f *fakeChain) NextNonce(ctx context.Context, account [32]byte) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.nonce[account], nil
}

func (f *fakeChain) DryRun(ctx context.Context, ext []byte, at chainclient.Hash) ([]byte, error) {
	return nil, chainclient.ErrUnsupported
}

// successEvents are the records of a successful transfer at index 1,
// with an unrelated record at index 0.
func (f *fakeChain) successEvents() []any {
	return []any{
		record(0, value.Object{{Name: "System", Value: value.Object{{Name: "Remarked", Value: value.Object{{Name: "sender", Value: "0x" + hex.EncodeToString(make([]byte, 32))}, {Name: "hash", Value: "0x" + hex.EncodeToString(make([]byte, 32))}}}}}}),
		record(1, value.Object{{Name: "TransactionPayment", Value: value.Object{{Name: "TransactionFeePaid", Value: value.Object{{Name: "who", Value: "0x" + hex.EncodeToString(make([]byte, 32))}, {Name: "actual_fee", Value: 123456}, {Name: "tip", Value: 0}}}}}}),
		record(1, value.Object{{Name: "System", Value: value.Object{{Name: "ExtrinsicSuccess", Value: value.Object{{Name: "dispatch_info", Value: value.Object{
			{Name: "weight", Value: value.Object{{Name: "ref_time", Value: 1}, {Name: "proof_size", Value: 2}}}, {Name: "class", Value: "Normal"}, {Name: "pays_fee", Value: "Yes"}}}}}}}}),
	}
}

func record(index int, event value.Object) value.Object {
	return value.Object{{Name: "phase", Value: value.Object{{Name: "ApplyExtrinsic", Value: index}}}, {Name: "event", Value: event}, {Name: "topics", Value: []any{}}}
}

func (f *fakeChain) Submit(ctx context.Context, ext []byte) (chainclient.Watch, error) {
	f.mu.Lock()
	f.submitted = append(f.submitted, ext)
	silent := f.silent
	f.mu.Unlock()
	if silent {
		return silentWatch{}, nil
	}
	recs, err := f.result(ext)
	if err != nil {
		return nil, err
	}
	e, err2 := storage.Lookup(f.codec, "System", "Events")
	if err2 != nil {
		f.t.Fatal(err2)
	}
	evb, err2 := f.codec.Encode(e.Meta.Value, recs)
	if err2 != nil {
		f.t.Fatalf("encode events: %v", err2)
	}
	f.mu.Lock()
	f.number++
	h := f.head()
	f.bodies[h] = [][]byte{{0x04, 0x00}, ext}
	f.events[h] = evb
	lie, onInclude := f.lie, f.onInclude
	f.mu.Unlock()
	if onInclude != nil {
		onInclude()
	}
	st := []chainclient.Status{{Kind: chainclient.StatusReady}, {Kind: chainclient.StatusInBlock, Block: h}, {Kind: chainclient.StatusFinalized, Block: h}}
	switch l := lie.(type) {
	case error:
		return nil, l
	case chainclient.StatusKind:
		st = []chainclient.Status{{Kind: chainclient.StatusReady}, {Kind: l, Detail: "lie"}}
	}
	if f.dropAfterReady {
		st = st[:1]
	}
	if f.noFinal {
		st = st[:2]
	}
	return &fakeWatch{st: st, drop: f.dropAfterReady}, nil
}

type fakeWatch struct {
	st   []chainclient.Status
	drop bool
}

func (w *fakeWatch) Next(ctx context.Context) (chainclient.Status, error) {
	if len(w.st) == 0 {
		if w.drop {
			return chainclient.Status{}, fmt.Errorf("fake: %w", chainclient.ErrDisconnected)
		}
		return chainclient.Status{}, fmt.Errorf("fake: no more statuses")
	}
	s := w.st[0]
	w.st = w.st[1:]
	return s, nil
}

func (w *fakeWatch) Close() error { return nil }

// devKey returns a dev key pair (//Alice, //Bob, ...).
func devKey(t testing.TB, path string) *keys.Pair {
	t.Helper()
	p, err := keys.FromURI(path, keys.Sr25519)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// devGenesis is a genesis hash no profile has.
var devGenesis = chainclient.Hash{0xde, 0x7e}

func openFake(t *testing.T, f *fakeChain, home string) *Session {
	t.Helper()
	s, err := Open(context.Background(), f, Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ksm(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1_000_000_000_000)) }

// transferToBob is the call Balances.transfer_keep_alive of 1 KSM to
// //Bob in the runtime of s's finalized head.
func transferToBob(t *testing.T, s *Session) []byte {
	t.Helper()
	rt, err := s.Latest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	call, err := rt.Calls.TransferKeepAlive(devKey(t, "//Bob").AccountID(), ksm(1))
	if err != nil {
		t.Fatal(err)
	}
	return call
}

// silentWatch never reports anything.
type silentWatch struct{}

func (silentWatch) Next(ctx context.Context) (chainclient.Status, error) {
	<-ctx.Done()
	return chainclient.Status{}, ctx.Err()
}
func (silentWatch) Close() error { return nil }
