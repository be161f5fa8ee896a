package grandpa

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"testing"

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
