package app

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
	"github.com/ksm-wallet/ksm/internal/atomicfile"
)

// metadataCache keeps runtime metadata on disk, one file per chain and spec
// version, so that each command need not download it again. Metadata read
// from an unverified backend is kept apart ("unverified") and never used by
// a verified session.
type metadataCache struct {
	dir string // "" disables the cache
}

func newMetadataCache(home string, verified bool) metadataCache {
	if home == "" {
		return metadataCache{}
	}
	kind := "metadata-unverified"
	if verified {
		kind = "metadata"
	}
	return metadataCache{dir: filepath.Join(home, "cache", kind)}
}

func (c metadataCache) path(genesis chain.Hash, v *chain.RuntimeVersion, ext string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, v.SpecName)
	return filepath.Join(c.dir, fmt.Sprintf("%s-%s-%d-%d.%s", hex.EncodeToString(genesis[:8]), name, v.SpecVersion, v.TransactionVersion, ext))
}

func (c metadataCache) load(genesis chain.Hash, v *chain.RuntimeVersion, ext string) []byte {
	if c.dir == "" {
		return nil
	}
	b, err := os.ReadFile(c.path(genesis, v, ext))
	if err != nil {
		return nil
	}
	return b
}

// store writes atomically; failures only lose the cache.
func (c metadataCache) store(genesis chain.Hash, v *chain.RuntimeVersion, ext string, b []byte) {
	if c.dir == "" {
		return
	}
	_ = atomicfile.Write(c.path(genesis, v, ext), b, atomicfile.Options{MakeDirs: true})
}
