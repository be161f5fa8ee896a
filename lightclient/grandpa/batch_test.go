package grandpa

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"testing"

	"filippo.io/edwards25519"
	"github.com/hdevalence/ed25519consensus"
)

func testItems(t testing.TB, n int) []SigItem {
	items := make([]SigItem, n)
	for i := range items {
		seed := make([]byte, 32)
		seed[0], seed[1] = byte(i), byte(i>>8)
		k := ed25519.NewKeyFromSeed(seed)
		copy(items[i].Key[:], k.Public().(ed25519.PublicKey))
		items[i].Msg = []byte(fmt.Sprintf("message %d", i))
		copy(items[i].Sig[:], ed25519.Sign(k, items[i].Msg))
	}
	return items
}

// Encodings of small-order points, canonical and not (ZIP-215 accepts all).
var smallOrder = []string{
	"0100000000000000000000000000000000000000000000000000000000000000", // identity
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
	"0000000000000000000000000000000000000000000000000000000000000000", // order 4
	"0000000000000000000000000000000000000000000000000000000000000080", // order 4, sign bit
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p+1: identity, non-canonical
	"0100000000000000000000000000000000000000000000000000000000000080", // identity with sign bit (x = -0)
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p: order 4, non-canonical
}

func TestCheckersAgreeZIP215(t *testing.T) {
	valid := testItems(t, 40)
	checkers := map[string]SignatureChecker{
		"pippenger":   PippengerChecker(1),
		"pippenger-2": PippengerChecker(2),
		"cached":      CachedPippengerChecker(2, NewKeyCache(8)), // small: clears often
		"consensus":   ZIP215Checker(1),
		"sequential":  SequentialChecker,
	}
	for name, check := range checkers {
		if bad := check(valid); bad != -1 {
			t.Fatalf("%s: valid batch reports %d", name, bad)
		}
		for _, idx := range []int{0, 17, 39} {
			items := append([]SigItem(nil), valid...)
			items[idx].Sig[idx%64] ^= 1
			if bad := check(items); bad != idx {
				t.Errorf("%s: corrupted %d, reports %d", name, idx, bad)
			}
			items = append([]SigItem(nil), valid...)
			items[idx].Msg = []byte("other")
			if bad := check(items); bad != idx {
				t.Errorf("%s: wrong message %d, reports %d", name, idx, bad)
			}
		}
	}
	// Small-order keys and R with s = 0 are valid under ZIP-215 for any
	// message; the batch checkers must agree with the single check.
	agreeCount := 0
	for _, a := range smallOrder {
		for _, r := range smallOrder {
			var it SigItem
			ab, _ := hex.DecodeString(a)
			rb, _ := hex.DecodeString(r)
			copy(it.Key[:], ab)
			copy(it.Sig[:32], rb)
			it.Msg = []byte("zip215")
			single := ed25519consensus.Verify(it.Key[:], it.Msg, it.Sig[:])
			items := append(append([]SigItem(nil), valid[:20]...), it)
			for name, check := range checkers {
				got := check(items) == -1
				if got != single {
					t.Errorf("%s: A=%.8s R=%.8s batch %v single %v", name, a, r, got, single)
				}
			}
			if single {
				agreeCount++
			}
		}
	}
	if agreeCount == 0 {
		t.Error("no small-order signature accepted: ZIP-215 rules not in force")
	}
	// Non-canonical s (s = L) is refused by all.
	it := valid[3]
	l, _ := hex.DecodeString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
	copy(it.Sig[32:], l)
	for name, check := range checkers {
		if check([]SigItem{valid[0], it, valid[1]}) != 1 {
			t.Errorf("%s accepts s = L", name)
		}
	}
	// Stdlib (RFC 8032, cofactorless) is stricter: it refuses them.
	if StdlibChecker([]SigItem{{Key: [32]byte{1}, Msg: []byte("x")}}) != 0 {
		t.Error("stdlib accepts a small-order signature")
	}
}

func TestPippengerMatchesNaive(t *testing.T) {
	for _, n := range []int{1, 2, 17, 40, 200, 700} {
		items := testItems(t, n)
		if bad := PippengerChecker(1)(items); bad != -1 {
			t.Fatalf("n=%d: %d", n, bad)
		}
		items[n-1].Sig[0] ^= 0x40
		if bad := PippengerChecker(0)(items); bad != n-1 {
			t.Fatalf("n=%d corrupted last: %d", n, bad)
		}
	}
}

func TestWindowFor(t *testing.T) {
	prev := uint(0)
	for _, n := range []int{1, 10, 100, 667, 1334, 10000, 100000} {
		c := windowFor(n)
		if c < 4 || c > 12 || c < prev {
			t.Errorf("windowFor(%d) = %d", n, c)
		}
		prev = c
	}
}

// TestPippengerWindows compares the bucket MSM with a naive sum of scalar
// multiplications for every window width, with full-size scalars.
func TestPippengerWindows(t *testing.T) {
	const n = 24
	scalars := make([][32]byte, n)
	pos := make([]cachedPoint, n)
	want := edwards25519.NewIdentityPoint()
	for i := 0; i < n; i++ {
		var wide [64]byte
		wide[0], wide[1], wide[40] = byte(i+1), byte(i*7), byte(i*13)
		for k := range wide {
			wide[k] ^= byte(k * (i + 3))
		}
		s, _ := edwards25519.NewScalar().SetUniformBytes(wide[:])
		if i == 3 {
			s = edwards25519.NewScalar() // a zero scalar
		}
		copy(scalars[i][:], s.Bytes())
		p := new(edwards25519.Point).ScalarBaseMult(edwards25519.NewScalar().Add(s, s))
		if i%5 == 0 {
			p.Negate(p)
		}
		if !decompress(p.Bytes(), &pos[i]) { // affine, as pippenger needs
			t.Fatal("not a point")
		}
		want.Add(want, new(edwards25519.Point).ScalarMult(s, p))
	}
	for c := uint(4); c <= 12; c++ {
		if got := pippengerWindow(scalars, pos, c); got.Equal(want) != 1 {
			t.Errorf("window %d: wrong sum", c)
		}
	}
}

// BenchmarkDecompress is one point decompression (two per signature, one
// saved by a KeyCache hit).
func BenchmarkDecompress(b *testing.B) {
	items := testItems(b, 1)
	var p cachedPoint
	for i := 0; i < b.N; i++ {
		if !decompress(items[0].Key[:], &p) {
			b.Fatal("not a point")
		}
	}
}

// BenchmarkPippenger1334 is the multi-scalar multiplication of a 667-signature batch.
func BenchmarkPippenger1334(b *testing.B) {
	items := testItems(b, 667)
	pos := make([]cachedPoint, 2*len(items))
	scalars := make([][32]byte, 2*len(items))
	for i, it := range items {
		decompress(it.Sig[:32], &pos[i])
		decompress(it.Key[:], &pos[len(items)+i])
		scalars[i][0], scalars[i][15] = byte(i), 0xff
		for k := 0; k < 31; k++ {
			scalars[len(items)+i][k] = byte(i*31 + k*7)
		}
		scalars[len(items)+i][31] = 0x0f
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pippenger(scalars, pos)
	}
}
