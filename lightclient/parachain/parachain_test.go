package parachain

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// The key layout for Asset Hub (1000): known prefix cd710b30bd2eab0352ddcc26417aa194 (twox128 Paras) +
// 1b3c252fcb29d88eff4f3de5de4476c3 (twox128 Heads) + twox64(e8030000) + e8030000.
func TestHeadsKey(t *testing.T) {
	k := HeadsKey(1000)
	want := "cd710b30bd2eab0352ddcc26417aa1941b3c252fcb29d88eff4f3de5de4476c3"
	if hex.EncodeToString(k[:32]) != want {
		t.Fatalf("prefix %x", k[:32])
	}
	tw := hash.Twox64([]byte{0xe8, 0x03, 0, 0})
	if !bytes.Equal(k[32:40], tw[:]) || !bytes.Equal(k[40:], []byte{0xe8, 0x03, 0, 0}) || len(k) != 44 {
		t.Fatalf("key %x", k)
	}
}

type world struct {
	paraEntries  []trie.KV
	paraHeader   *header.Header
	relayEntries []trie.KV
	relayRoot    header.Hash
}

// build generates a parachain state trie (V1), its header, and a relay state
// trie (V1) holding that header as Paras::Heads(1000) among other entries.
func build(t *testing.T) world {
	var w world
	for i := 0; i < 200; i++ {
		k := hash.Blake2b256([]byte{byte(i), 1})
		v := bytes.Repeat([]byte{byte(i)}, 10+i%60)
		w.paraEntries = append(w.paraEntries, trie.KV{Key: k[:], Value: v})
	}
	w.paraHeader = &header.Header{
		ParentHash: header.Hash{1, 2, 3}, Number: 9_000_000,
		StateRoot:      header.Hash(trie.Root(trie.V1, w.paraEntries)),
		ExtrinsicsRoot: header.Hash(trie.OrderedRoot(trie.V0, [][]byte{{4, 1}})),
	}
	w.relayEntries = []trie.KV{
		{Key: HeadsKey(1000), Value: EncodeHeadData(w.paraHeader)},
		{Key: HeadsKey(1004), Value: EncodeHeadData(&header.Header{Number: 5})},
		{Key: []byte(":code"), Value: bytes.Repeat([]byte{0xaa}, 500)},
	}
	for i := 0; i < 300; i++ {
		k := hash.Blake2b256([]byte{byte(i), 2})
		w.relayEntries = append(w.relayEntries, trie.KV{Key: k[:], Value: k[:i%32+1]})
	}
	w.relayRoot = header.Hash(trie.Root(trie.V1, w.relayEntries))
	return w
}

func TestReadThroughRelay(t *testing.T) {
	w := build(t)
	_, relayProof := trie.Prove(trie.V1, w.relayEntries, [][]byte{HeadsKey(1000)})
	target := w.paraEntries[17]
	absent := hash.Blake2b256([]byte("absent"))
	_, paraProof := trie.Prove(trie.V1, w.paraEntries, [][]byte{target.Key, absent[:]})

	v, found, head, err := Read(w.relayRoot, relayProof, 1000, paraProof, target.Key)
	if err != nil || !found || !bytes.Equal(v, target.Value) {
		t.Fatalf("read: %v %v", found, err)
	}
	if head.Hash != w.paraHeader.Hash() || head.Header.Number != 9_000_000 {
		t.Fatalf("head %+v", head)
	}
	p, _ := head.StorageProof(paraProof)
	if _, found, err := p.Get(absent[:]); found || err != nil {
		t.Fatalf("absent: %v %v", found, err)
	}

	// Adversarial cases.
	_, otherProof := trie.Prove(trie.V1, w.relayEntries, [][]byte{HeadsKey(2000)})
	fake := *w.paraHeader
	fake.StateRoot = header.Hash{0xee}
	fakeEntries := append([]trie.KV(nil), w.relayEntries...)
	fakeEntries[0].Value = EncodeHeadData(&fake)
	_, fakeRelayProof := trie.Prove(trie.V1, fakeEntries, [][]byte{HeadsKey(1000)})
	badHead := append([]trie.KV(nil), w.relayEntries...)
	badHead[0].Value = append(EncodeHeadData(w.paraHeader), 0)
	badRoot, badHeadProof := trie.Prove(trie.V1, badHead, [][]byte{HeadsKey(1000)})
	// A relay proof whose leaf holding the head was altered (a swapped head).
	tampered := make([][]byte, len(relayProof))
	copy(tampered, relayProof)
	enc := EncodeHeadData(w.paraHeader)
	for i, n := range relayProof {
		if j := bytes.Index(n, enc[40:72]); j >= 0 {
			m := append([]byte(nil), n...)
			m[j] ^= 1
			tampered[i] = m
		}
	}
	tests := []struct {
		name      string
		relayRoot header.Hash
		relay     [][]byte
		para      uint32
		paraProof [][]byte
		want      error
	}{
		{"no head", w.relayRoot, otherProof, 2000, paraProof, ErrNoHead},
		{"relay proof of another state", w.relayRoot, fakeRelayProof, 1000, paraProof, trie.ErrRootMismatch},
		{"relay proof without the head", w.relayRoot, otherProof, 1000, paraProof, trie.ErrIncompleteProof},
		{"para proof for another root", w.relayRoot, relayProof, 1000, relayProof, trie.ErrRootMismatch},
		{"head data with trailing byte", header.Hash(badRoot), badHeadProof, 1000, paraProof, ErrBadHeadData},
		{"wrong relay root", header.Hash{7}, relayProof, 1000, paraProof, trie.ErrRootMismatch},
		{"swapped head in relay proof", w.relayRoot, tampered, 1000, paraProof, trie.ErrHashMismatch},
	}
	for _, tt := range tests {
		_, _, _, err := Read(tt.relayRoot, tt.relay, tt.para, tt.paraProof, target.Key)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestDecodeHeadData(t *testing.T) {
	h := &header.Header{Number: 42, StateRoot: header.Hash{1}}
	got, err := DecodeHeadData(EncodeHeadData(h))
	if err != nil || got.Hash() != h.Hash() {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{nil, {0x04, 0x00}, h.Encode(), append(EncodeHeadData(h), 1)} {
		if _, err := DecodeHeadData(bad); !errors.Is(err, ErrBadHeadData) {
			t.Errorf("%x: %v", bad, err)
		}
	}
}

func FuzzDecodeHeadData(f *testing.F) {
	f.Add(EncodeHeadData(&header.Header{Number: 42}))
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, DecodeHeadData, EncodeHeadData)
	})
}
