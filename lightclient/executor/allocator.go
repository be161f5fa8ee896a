package executor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// The freeing-bump allocator of sc-allocator, which every Substrate host
// uses for ext_allocator_malloc/free and for the buffers it returns to the
// runtime: sizes are rounded up to a power of two between 8 bytes and
// 32 MiB (23 orders), each allocation is preceded by an 8-byte header, freed
// blocks go to a per-order free list, and new blocks are bumped from the end
// of the runtime's data (__heap_base, aligned to 8).
const (
	allocAlignment  = 8
	allocHeaderSize = 8
	allocNumOrders  = 23
	allocMinSize    = 8
	allocMaxSize    = 1 << 25 // 32 MiB

	// allocOccupied is bit 32 of a header: set when the block is in use
	// (the low bits then hold its order), clear when free (the low 32 bits
	// then link to the next free block, allocNil for none).
	allocOccupied = uint64(1) << 32
	allocNil      = uint32(0xffffffff)
)

var (
	errAllocTooBig   = errors.New("allocation larger than 32 MiB")
	errAllocOOM      = errors.New("out of heap memory")
	errAllocBadFree  = errors.New("free of a pointer that is not an allocation")
	errAllocPoisoned = errors.New("allocator unusable after an earlier error")
)

// heapMemory is the view of linear memory the allocator needs.
type heapMemory interface {
	Size() uint32
	Grow(deltaPages uint32) (previousPages uint32, ok bool)
	Read(offset, byteCount uint32) ([]byte, bool)
}

type allocator struct {
	bumper   uint32
	heapBase uint32
	heads    [allocNumOrders]uint32
	poisoned bool
	// stats
	allocated uint64 // bytes currently allocated (with headers)
	peak      uint64
}

func newAllocator(heapBase uint32) *allocator {
	base := (uint64(heapBase) + allocAlignment - 1) &^ (allocAlignment - 1)
	a := &allocator{bumper: uint32(min(base, 0xffffffff&^7)), heapBase: uint32(min(base, 0xffffffff&^7))}
	for i := range a.heads {
		a.heads[i] = allocNil
	}
	return a
}

func allocOrder(size uint32) (uint32, error) {
	if size > allocMaxSize {
		return 0, errAllocTooBig
	}
	if size < allocMinSize {
		size = allocMinSize
	}
	// ceil(log2(size)) - log2(8)
	order := uint32(bits.Len32(size-1)) - 3
	return order, nil
}

func (a *allocator) header(mem heapMemory, ptr uint32) (uint64, error) {
	b, ok := mem.Read(ptr, allocHeaderSize)
	if !ok {
		return 0, fmt.Errorf("allocator header at %#x out of bounds", ptr)
	}
	return binary.LittleEndian.Uint64(b), nil
}

func (a *allocator) setHeader(mem heapMemory, ptr uint32, v uint64) error {
	b, ok := mem.Read(ptr, allocHeaderSize)
	if !ok {
		return fmt.Errorf("allocator header at %#x out of bounds", ptr)
	}
	binary.LittleEndian.PutUint64(b, v)
	return nil
}

// malloc returns the address of a new block of at least size bytes.
func (a *allocator) malloc(mem heapMemory, size uint32) (ptr uint32, err error) {
	if a.poisoned {
		return 0, errAllocPoisoned
	}
	defer func() {
		if err != nil {
			a.poisoned = true
		}
	}()
	order, err := allocOrder(size)
	if err != nil {
		return 0, err
	}
	blockSize := uint32(allocMinSize) << order
	var hdr uint32
	if head := a.heads[order]; head != allocNil {
		next, err := a.header(mem, head)
		if err != nil {
			return 0, err
		}
		if next&allocOccupied != 0 {
			return 0, fmt.Errorf("free list of order %d points to a used block at %#x", order, head)
		}
		link := uint32(next)
		if link != allocNil && (link < a.heapBase || link >= a.bumper) {
			return 0, fmt.Errorf("free list link %#x outside the heap", link)
		}
		a.heads[order] = link
		hdr = head
	} else {
		end := uint64(a.bumper) + allocHeaderSize + uint64(blockSize)
		if end > uint64(mem.Size()) {
			// Grow as sc-allocator does; with a fixed maximum this fails
			// once the heap pages are used up.
			need := (end - uint64(mem.Size()) + 65535) / 65536
			if need > 0xffffffff {
				return 0, errAllocOOM
			}
			if _, ok := mem.Grow(uint32(need)); !ok || end > uint64(mem.Size()) {
				return 0, errAllocOOM
			}
		}
		hdr = a.bumper
		a.bumper = uint32(end)
	}
	if err := a.setHeader(mem, hdr, allocOccupied|uint64(order)); err != nil {
		return 0, err
	}
	a.allocated += uint64(blockSize) + allocHeaderSize
	a.peak = max(a.peak, a.allocated)
	return hdr + allocHeaderSize, nil
}

// free returns a block to its order's free list.
func (a *allocator) free(mem heapMemory, ptr uint32) (err error) {
	if a.poisoned {
		return errAllocPoisoned
	}
	defer func() {
		if err != nil {
			a.poisoned = true
		}
	}()
	if ptr < a.heapBase+allocHeaderSize || ptr >= a.bumper {
		return fmt.Errorf("%w: %#x", errAllocBadFree, ptr)
	}
	hdr := ptr - allocHeaderSize
	v, err := a.header(mem, hdr)
	if err != nil {
		return err
	}
	if v&allocOccupied == 0 || uint32(v) >= allocNumOrders || v>>33 != 0 {
		return fmt.Errorf("%w: %#x", errAllocBadFree, ptr)
	}
	order := uint32(v)
	if err := a.setHeader(mem, hdr, uint64(a.heads[order])); err != nil {
		return err
	}
	a.heads[order] = hdr
	a.allocated -= uint64(allocMinSize)<<order + allocHeaderSize
	return nil
}
