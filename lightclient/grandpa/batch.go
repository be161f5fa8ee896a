package grandpa

import (
	"crypto/rand"
	"crypto/sha512"
	"encoding/binary"
	"sync"

	"filippo.io/edwards25519"
	"github.com/hdevalence/ed25519consensus"
)

// PippengerChecker returns a SignatureChecker with ZIP-215 rules that
// batch-verifies signatures with a bucket (Pippenger) multi-scalar
// multiplication, split over up to parallelism goroutines (GOMAXPROCS when
// parallelism ≤ 0). A failed batch is re-checked one signature at a time
// with ed25519consensus to find the first invalid one.
//
// The batch equation, with random 128-bit z_i, is
// [8]([−Σ z_i·s_i]B + Σ[z_i]R_i + Σ[z_i·k_i]A_i) = 0, which holds for
// valid signatures under ZIP-215's cofactored verification and fails for an
// invalid one except with probability 2^−128.
func PippengerChecker(parallelism int) SignatureChecker {
	return CachedPippengerChecker(parallelism, nil)
}

// CachedPippengerChecker is PippengerChecker that takes decompressed public
// keys from cache (and adds those it decompresses). A nil cache is allowed.
func CachedPippengerChecker(parallelism int, cache *KeyCache) SignatureChecker {
	return splitChecker(parallelism, func(share []SigItem, offset int) int {
		return pippengerShare(share, offset, cache)
	})
}

// KeyCache holds decompressed ed25519 public keys so that a key used by
// several batches (one authority set's many justifications, or consecutive
// sets of a warp proof, which share most voters) is decompressed once. It is
// safe for concurrent use and forgets everything when it reaches its size.
type KeyCache struct {
	mu  sync.RWMutex
	max int
	m   map[[32]byte]*cachedPoint
}

// NewKeyCache returns a cache of up to size keys (4096 when size ≤ 0).
func NewKeyCache(size int) *KeyCache {
	if size <= 0 {
		size = 4096
	}
	return &KeyCache{max: size, m: make(map[[32]byte]*cachedPoint)}
}

func (c *KeyCache) get(k *[32]byte) *cachedPoint {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	p := c.m[*k]
	c.mu.RUnlock()
	return p
}

func (c *KeyCache) put(k *[32]byte, p *cachedPoint) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[*k] = p
	c.mu.Unlock()
}

// decompress returns the cached form of the point encoded by b (ZIP-215:
// non-canonical encodings accepted), or false when b is not a point.
func decompress(b []byte, dst *cachedPoint) bool {
	var p edwards25519.Point
	if _, err := p.SetBytes(b); err != nil {
		return false
	}
	var e extPoint
	e.fromPoint(&p)
	dst.fromExt(&e)
	return true
}

func pippengerShare(items []SigItem, offset int, cache *KeyCache) int {
	if len(items) == 0 {
		return -1
	}
	if !batchVerify(items, cache) {
		for i := range items {
			if !ed25519consensus.Verify(items[i].Key[:], items[i].Msg, items[i].Sig[:]) {
				return offset + i
			}
		}
		return offset // unreachable under ZIP-215; refuse rather than accept
	}
	return -1
}

// batchVerify reports whether all items are valid ZIP-215 signatures (false
// means at least one is invalid, or malformed).
func batchVerify(items []SigItem, cache *KeyCache) bool {
	n := len(items)
	points := make([]cachedPoint, 2*n)
	scalars := make([][32]byte, 2*n)
	var zbuf [16 * 64]byte
	bcoeff := edwards25519.NewScalar()
	var z, s, k, zk edwards25519.Scalar
	var zbytes [32]byte
	for i := range items {
		it := &items[i]
		if i%64 == 0 {
			if _, err := rand.Read(zbuf[:]); err != nil {
				return false
			}
		}
		copy(zbytes[:16], zbuf[(i%64)*16:])
		if _, err := z.SetCanonicalBytes(zbytes[:]); err != nil {
			return false
		}
		if _, err := s.SetCanonicalBytes(it.Sig[32:]); err != nil {
			return false // ZIP-215: s must be canonical
		}
		if !decompress(it.Sig[:32], &points[i]) {
			return false
		}
		if a := cache.get(&it.Key); a != nil {
			points[n+i] = *a
		} else {
			if !decompress(it.Key[:], &points[n+i]) {
				return false
			}
			a := points[n+i]
			cache.put(&it.Key, &a)
		}
		h := sha512.New()
		h.Write(it.Sig[:32])
		h.Write(it.Key[:])
		h.Write(it.Msg)
		var digest [64]byte
		if _, err := k.SetUniformBytes(h.Sum(digest[:0])); err != nil {
			return false
		}
		bcoeff.MultiplyAdd(&z, &s, bcoeff)
		zk.Multiply(&z, &k)
		copy(scalars[i][:], z.Bytes())
		copy(scalars[n+i][:], zk.Bytes())
	}
	bcoeff.Negate(bcoeff)
	acc := pippenger(scalars, points)
	var bTerm edwards25519.Point
	bTerm.ScalarBaseMult(bcoeff)
	acc.Add(acc, &bTerm)
	acc.MultByCofactor(acc)
	return acc.Equal(edwards25519.NewIdentityPoint()) == 1
}

// windowFor picks the Pippenger window width for n points, half of which
// (the R terms) have 128-bit scalars: it minimises the number of point
// additions, (⌈128/c⌉ + ⌈253/c⌉)·n/2 into buckets plus 2^c per window to sum
// the buckets.
func windowFor(n int) uint {
	best, bestCost := uint(4), -1
	for c := 4; c <= 12; c++ {
		w := (253 + c - 1) / c
		cost := ((128+c-1)/c+w)*n/2 + w*(1<<c)
		if bestCost < 0 || cost < bestCost {
			best, bestCost = uint(c), cost
		}
	}
	return best
}

// pippenger returns Σ[scalars[i]]pos[i] (variable time) with signed
// base-2^c digits and 2^(c−1) buckets per window. Scalars are 32-byte
// little-endian values below 2^255; points must have Z = 1, as decompress
// makes them.
func pippenger(scalars [][32]byte, pos []cachedPoint) *edwards25519.Point {
	return pippengerWindow(scalars, pos, windowFor(len(pos)))
}

func pippengerWindow(scalars [][32]byte, pos []cachedPoint, c uint) *edwards25519.Point {
	windows := (256 + int(c) - 1) / int(c)
	half := 1 << (c - 1)
	// Signed digits, window-major so each window reads one row.
	digits := make([]int16, windows*len(pos))
	top := make([]int, len(pos)) // highest non-zero window + 1 per point
	for i := range scalars {
		carry := 0
		for w := 0; w < windows; w++ {
			d := int(bitsAt(&scalars[i], uint(w)*c, c)) + carry
			carry = 0
			if d >= half {
				d -= 1 << c
				carry = 1
			}
			digits[w*len(pos)+i] = int16(d)
			if d != 0 {
				top[i] = w + 1
			}
		}
	}
	neg := make([]cachedPoint, len(pos))
	for i := range pos {
		neg[i].negate(&pos[i])
	}
	buckets := make([]extPoint, half+1)
	used := make([]bool, half+1)
	acc := edwards25519.NewIdentityPoint()
	var running, sum extPoint
	var runningCached cachedPoint
	for w := windows - 1; w >= 0; w-- {
		for j := uint(0); j < c; j++ {
			acc.Double(acc)
		}
		for b := range used {
			used[b] = false
		}
		row := digits[w*len(pos) : (w+1)*len(pos)]
		for i, d := range row {
			if d == 0 || w >= top[i] {
				continue
			}
			p, b := &pos[i], int(d)
			if d < 0 {
				p, b = &neg[i], -b
			}
			if used[b] {
				buckets[b].addAffine(&buckets[b], p)
			} else {
				buckets[b].setAffine(p)
				used[b] = true
			}
		}
		// Σ b·bucket[b] as a running sum from the top bucket down.
		runningSet, sumSet := false, false
		for b := half; b >= 1; b-- {
			if used[b] {
				if runningSet {
					var bc cachedPoint
					bc.fromExt(&buckets[b])
					running.addCached(&running, &bc)
				} else {
					running = buckets[b]
					runningSet = true
				}
			}
			if runningSet {
				if sumSet {
					runningCached.fromExt(&running)
					sum.addCached(&sum, &runningCached)
				} else {
					sum = running
					sumSet = true
				}
			}
		}
		if sumSet {
			acc.Add(acc, sum.toPoint())
		}
	}
	return acc
}

// bitsAt returns the c bits of s starting at bit position pos (c ≤ 16).
func bitsAt(s *[32]byte, pos, c uint) uint32 {
	byteIdx := pos / 8
	var buf [4]byte
	copy(buf[:], s[min(byteIdx, 32):])
	v := binary.LittleEndian.Uint32(buf[:]) >> (pos % 8)
	return v & (1<<c - 1)
}
