//go:build !unix

package executor

import "github.com/tetratelabs/wazero/experimental"

// callMemory leaves linear memory to wazero's default (Go-allocated)
// buffers where there is no mmap.
type callMemory struct{}

func (c *callMemory) allocator() experimental.MemoryAllocator { return nil }

func (c *callMemory) release() {}
