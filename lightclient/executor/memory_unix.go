//go:build unix

package executor

import (
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// callMemory backs a call's linear memory with an anonymous private
// mapping: pages cost nothing until the runtime touches them and go back to
// the system when the call ends, instead of a zeroed Go allocation of the
// whole memory (130 MiB with 2048 heap pages) per call.
//
// wazero's Free is a no-op: the mappings are unmapped by release, which
// Call runs once the module is closed and no Wasm code of the call can run
// any more (Runtime.Close from another goroutine frees modules while they
// may still execute).
type callMemory struct {
	mems []*mmapMemory
}

type mmapMemory struct {
	buf []byte
}

func (m *mmapMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil
	}
	return m.buf[:size]
}

func (m *mmapMemory) Free() {}

// goMemory is the fallback when mmap fails.
type goMemory struct {
	buf []byte
	max uint64
}

func (m *goMemory) Reallocate(size uint64) []byte {
	if size > m.max {
		return nil
	}
	if size > uint64(cap(m.buf)) {
		nb := make([]byte, size)
		copy(nb, m.buf)
		m.buf = nb
	}
	m.buf = m.buf[:size]
	return m.buf
}

func (m *goMemory) Free() {}

func (c *callMemory) allocator() experimental.MemoryAllocator { return c }

// Allocate implements experimental.MemoryAllocator.
func (c *callMemory) Allocate(_, max uint64) experimental.LinearMemory {
	if max > 0 && max <= 1<<32 {
		buf, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE|mmapExtraFlags)
		if err == nil {
			m := &mmapMemory{buf: buf}
			c.mems = append(c.mems, m)
			return m
		}
	}
	return &goMemory{max: max}
}

func (c *callMemory) release() {
	for _, m := range c.mems {
		_ = syscall.Munmap(m.buf)
		m.buf = nil
	}
	c.mems = nil
}
