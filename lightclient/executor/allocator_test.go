package executor

import (
	"encoding/binary"
	"errors"
	"testing"
)

// sliceMemory is a heapMemory over a byte slice with a page limit.
type sliceMemory struct {
	b        []byte
	maxPages uint32
}

func (m *sliceMemory) Size() uint32 { return uint32(len(m.b)) }

func (m *sliceMemory) Grow(delta uint32) (uint32, bool) {
	prev := uint32(len(m.b) / 65536)
	if uint64(prev)+uint64(delta) > uint64(m.maxPages) {
		return prev, false
	}
	m.b = append(m.b, make([]byte, int(delta)*65536)...)
	return prev, true
}

func (m *sliceMemory) Read(off, n uint32) ([]byte, bool) {
	if uint64(off)+uint64(n) > uint64(len(m.b)) {
		return nil, false
	}
	return m.b[off : off+n], true
}

func TestAllocOrder(t *testing.T) {
	for _, c := range []struct{ size, order uint32 }{
		{0, 0}, {1, 0}, {8, 0}, {9, 1}, {16, 1}, {17, 2}, {1000, 7}, {1024, 7}, {1025, 8},
		{1 << 25, 22},
	} {
		got, err := allocOrder(c.size)
		if err != nil || got != c.order {
			t.Errorf("order(%d) = %d, %v; want %d", c.size, got, err, c.order)
		}
	}
	if _, err := allocOrder(1<<25 + 1); !errors.Is(err, errAllocTooBig) {
		t.Errorf("order(32 MiB + 1): %v", err)
	}
}

func TestAllocatorLayout(t *testing.T) {
	mem := &sliceMemory{b: make([]byte, 65536), maxPages: 1}
	a := newAllocator(1001) // aligned up to 1008
	p1, err := a.malloc(mem, 1)
	if err != nil || p1 != 1016 {
		t.Fatalf("first allocation at %d, %v; want 1008 + 8-byte header", p1, err)
	}
	hdr := binary.LittleEndian.Uint64(mem.b[1008:])
	if hdr != 1<<32|0 {
		t.Fatalf("occupied header %#x, want order 0 with bit 32", hdr)
	}
	p2, _ := a.malloc(mem, 20) // order 2: 32 bytes
	if p2 != 1016+8+8 {
		t.Fatalf("second allocation at %d", p2)
	}
	p3, _ := a.malloc(mem, 20)
	if p3 != p2+32+8 {
		t.Fatalf("third allocation at %d", p3)
	}
	// Freeing links the block into its order's list: the header then
	// holds the previous head (none: 0xffffffff), without bit 32.
	if err := a.free(mem, p2); err != nil {
		t.Fatal(err)
	}
	if hdr := binary.LittleEndian.Uint64(mem.b[p2-8:]); hdr != uint64(allocNil) {
		t.Fatalf("free header %#x", hdr)
	}
	if err := a.free(mem, p3); err != nil {
		t.Fatal(err)
	}
	if hdr := binary.LittleEndian.Uint64(mem.b[p3-8:]); hdr != uint64(p2-8) {
		t.Fatalf("free header %#x, want link to %#x", hdr, p2-8)
	}
	// LIFO reuse within an order.
	if q, _ := a.malloc(mem, 32); q != p3 {
		t.Fatalf("reuse %d, want %d", q, p3)
	}
	if q, _ := a.malloc(mem, 17); q != p2 {
		t.Fatalf("reuse %d, want %d", q, p2)
	}
	if a.peak != 16+40+40 {
		t.Fatalf("peak %d", a.peak)
	}
	// Double free is refused and poisons the allocator.
	if err := a.free(mem, p1); err != nil {
		t.Fatal(err)
	}
	if err := a.free(mem, p1); !errors.Is(err, errAllocBadFree) {
		t.Fatalf("double free: %v", err)
	}
	if _, err := a.malloc(mem, 8); !errors.Is(err, errAllocPoisoned) {
		t.Fatalf("after error: %v", err)
	}
}

func TestAllocatorGrowth(t *testing.T) {
	mem := &sliceMemory{b: make([]byte, 65536), maxPages: 3}
	a := newAllocator(1024)
	// 64 KiB blocks: the first fits after growing to 2 pages, the second
	// to 3, the third exceeds the maximum.
	for i := 0; i < 2; i++ {
		if _, err := a.malloc(mem, 65536); err != nil {
			t.Fatalf("allocation %d: %v", i, err)
		}
	}
	if mem.Size() != 3*65536 {
		t.Fatalf("memory %d", mem.Size())
	}
	if _, err := a.malloc(mem, 65536); !errors.Is(err, errAllocOOM) {
		t.Fatalf("third: %v", err)
	}
}

func TestAllocatorCorruptFreeList(t *testing.T) {
	mem := &sliceMemory{b: make([]byte, 65536), maxPages: 1}
	a := newAllocator(0)
	p, _ := a.malloc(mem, 8)
	_, _ = a.malloc(mem, 8)
	if err := a.free(mem, p); err != nil {
		t.Fatal(err)
	}
	// The runtime scribbles over the free block's header.
	binary.LittleEndian.PutUint64(mem.b[p-8:], 60000)
	if _, err := a.malloc(mem, 8); err == nil {
		t.Fatal("followed a corrupt free-list link")
	}
}
