package grandpa

import (
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"testing"

	"filippo.io/edwards25519"
)

// edgeBatch is a batch of signatures made with known secret scalars, so that
// the fuzz target can re-sign after moving a point by a torsion component or
// re-encoding it: valid ZIP-215 signatures that a cofactorless verifier
// refuses, next to invalid ones.
type edgeBatch struct {
	items []SigItem
	a, r  []*edwards25519.Scalar // secret key and nonce of each item
}

func scalarOf(topic string, i int) *edwards25519.Scalar {
	h := sha512.Sum512(binary.LittleEndian.AppendUint32([]byte(topic), uint32(i)))
	s, _ := edwards25519.NewScalar().SetUniformBytes(h[:])
	return s
}

var (
	edgeBaseOnce sync.Once
	edgeBase     *edgeBatch
)

// newEdgeBatch returns a fresh copy of the first n (≤ 40) items of one
// batch made once.
func newEdgeBatch(n int) *edgeBatch {
	edgeBaseOnce.Do(func() { edgeBase = makeEdgeBatch(40) })
	b := &edgeBatch{items: append([]SigItem(nil), edgeBase.items[:n]...), a: edgeBase.a[:n], r: edgeBase.r[:n]}
	for i := range b.items {
		b.items[i].Msg = append([]byte(nil), b.items[i].Msg...)
	}
	return b
}

func makeEdgeBatch(n int) *edgeBatch {
	b := &edgeBatch{items: make([]SigItem, n), a: make([]*edwards25519.Scalar, n), r: make([]*edwards25519.Scalar, n)}
	for i := range b.items {
		b.a[i], b.r[i] = scalarOf("key", i), scalarOf("nonce", i)
		it := &b.items[i]
		copy(it.Key[:], new(edwards25519.Point).ScalarBaseMult(b.a[i]).Bytes())
		copy(it.Sig[:32], new(edwards25519.Point).ScalarBaseMult(b.r[i]).Bytes())
		it.Msg = binary.LittleEndian.AppendUint32([]byte("edge batch "), uint32(i))
		b.sign(i, b.r[i])
	}
	return b
}

// challenge is k = SHA-512(R ‖ A ‖ M) mod ℓ over the bytes as encoded.
func challenge(it *SigItem) *edwards25519.Scalar {
	h := sha512.New()
	h.Write(it.Sig[:32])
	h.Write(it.Key[:])
	h.Write(it.Msg)
	k, _ := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))
	return k
}

// sign sets s = r + k·a for item i (r nil: s = k·a, for an R of order 8).
func (b *edgeBatch) sign(i int, r *edwards25519.Scalar) {
	it := &b.items[i]
	s := edwards25519.NewScalar().Multiply(challenge(it), b.a[i])
	if r != nil {
		s.Add(s, r)
	}
	copy(it.Sig[32:], s.Bytes())
}

// torsion returns the small-order point with encoding smallOrder[i].
func torsion(i int) (*edwards25519.Point, []byte) {
	enc, _ := hex.DecodeString(smallOrder[i%len(smallOrder)])
	p, err := new(edwards25519.Point).SetBytes(enc)
	if err != nil {
		panic("small-order table: " + err.Error())
	}
	return p, enc
}

// ell is the group order ℓ, little-endian.
var ell, _ = hex.DecodeString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")

// mutate applies one edit to item i; param picks a bit or a table entry.
func (b *edgeBatch) mutate(i int, op, param byte) {
	it := &b.items[i]
	switch op % 9 {
	case 0: // flip a bit of the signature (R or s)
		it.Sig[param%64] ^= 1 << (param / 64 % 8)
		it.Sig[(int(param)*7)%64] ^= 1 << (param % 8)
	case 1: // flip a bit of the key
		it.Key[param%32] ^= 1 << (param % 8)
	case 2: // flip a bit of the message
		it.Msg[int(param)%len(it.Msg)] ^= 1 << (param % 8)
	case 3: // R + T, re-signed: valid under ZIP-215, not under RFC 8032
		t, _ := torsion(int(param))
		r := new(edwards25519.Point).ScalarBaseMult(b.r[i])
		copy(it.Sig[:32], r.Add(r, t).Bytes())
		b.sign(i, b.r[i])
	case 4: // A + T, re-signed: valid under ZIP-215
		t, _ := torsion(int(param))
		a := new(edwards25519.Point).ScalarBaseMult(b.a[i])
		copy(it.Key[:], a.Add(a, t).Bytes())
		b.sign(i, b.r[i])
	case 5: // R a small-order point as encoded (canonical or not), s = k·a: valid
		_, enc := torsion(int(param))
		copy(it.Sig[:32], enc)
		b.sign(i, nil)
	case 6: // A a small-order point as encoded, s = r: valid for any message
		_, enc := torsion(int(param))
		copy(it.Key[:], enc)
		copy(it.Sig[32:], b.r[i].Bytes())
	case 7: // s + ℓ: the same signature with a non-canonical s, refused
		var sum [33]byte
		carry := 0
		for k := 0; k < 32; k++ {
			v := int(it.Sig[32+k]) + int(ell[k]) + carry
			sum[k], carry = byte(v), v>>8
		}
		copy(it.Sig[32:], sum[:32])
	case 8: // another item's signature
		other := &b.items[int(param)%len(b.items)]
		it.Sig = other.Sig
	}
}

// FuzzPippengerMatchesConsensus is the differential test of the hand-written
// batch verifier: for batches with torsion components in R and A,
// non-canonical encodings of R, A and s, and bit flips, PippengerChecker
// (one and two shares, with and without a KeyCache) must name the same
// first invalid signature as ed25519consensus.Verify one by one, and so
// must ZIP215Checker.
func FuzzPippengerMatchesConsensus(f *testing.F) {
	f.Add([]byte{20})
	for op := byte(0); op < 9; op++ {
		f.Add([]byte{33, 3, op, 5, 17, op, 200})
		f.Add([]byte{5, 0, op, 3, 0, 3, 8, 4, 4, 9, 1, 6, 2})
	}
	f.Add([]byte{40, 0, 3, 1, 1, 4, 2, 2, 5, 9, 3, 6, 10, 4, 7, 0, 5, 3, 7, 39, 0, 99})
	cache := NewKeyCache(16)
	checkers := map[string]SignatureChecker{
		"pippenger":        PippengerChecker(1),
		"pippenger-2":      PippengerChecker(2),
		"pippenger-cached": CachedPippengerChecker(2, cache),
		"consensus":        ZIP215Checker(2),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || len(data) > 3*64+1 {
			return
		}
		b := newEdgeBatch(1 + int(data[0])%40)
		for ops := data[1:]; len(ops) >= 3; ops = ops[3:] {
			b.mutate(int(ops[0])%len(b.items), ops[1], ops[2])
		}
		want := SequentialChecker(b.items)
		for name, check := range checkers {
			if got := check(b.items); got != want {
				t.Fatalf("%s names signature %d invalid, ed25519consensus.Verify %d", name, got, want)
			}
		}
	})
}

// TestEdgeBatchMutations checks that the fuzz target's edits do what it
// says: torsion and small-order edits give signatures valid under ZIP-215
// (and not under RFC 8032), the others invalid ones.
func TestEdgeBatchMutations(t *testing.T) {
	const order8 = 4 // smallOrder[4] has order 8
	for op := byte(0); op < 9; op++ {
		b := newEdgeBatch(20)
		b.mutate(7, op, order8)
		got := SequentialChecker(b.items)
		switch op {
		case 3, 4, 5, 6:
			if got != -1 {
				t.Errorf("op %d: ZIP-215 refuses signature %d", op, got)
			}
			if op != 6 && StdlibChecker(b.items) != 7 {
				t.Errorf("op %d: RFC 8032 accepts a signature with a torsion component", op)
			}
		default:
			if got != 7 {
				t.Errorf("op %d: edited signature 7, first invalid %d", op, got)
			}
		}
	}
}
