package app

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/atomicfile"
)

// metadataCache keeps runtime metadata on disk, one file per chain and spec
// version, so that each command need not download it again. Metadata read
// from an unverified backend is kept apart ("unverified") and never used by
// a verified session.
type metadataCache struct {
	dir string // "" disables the cache
	// verified says the backend proves its answers: only then are
	// decisions drawn from them kept (metadataHashBuiltIn).
	verified bool
}

func newMetadataCache(home string, verified bool) metadataCache {
	if home == "" {
		return metadataCache{}
	}
	kind := "metadata-unverified"
	if verified {
		kind = "metadata"
	}
	return metadataCache{dir: filepath.Join(home, "cache", kind), verified: verified}
}

// Whether a runtime accepts CheckMetadataHash mode 1, as kept on disk.
const (
	mhBuiltIn = "built-in"
	mhAbsent  = "absent"
)

// metadataHashSupport returns the kept answer for runtime v ("" when none).
// Only a verified backend's answer is kept and read back: an endpoint
// trusted on the user's word must not switch CheckMetadataHash off for
// later sessions.
func (c metadataCache) metadataHashSupport(genesis chainclient.Hash, v *chainclient.RuntimeVersion) string {
	if !c.verified {
		return ""
	}
	return string(c.load(genesis, v, "mh"))
}

// storeMetadataHashSupport keeps the answer found for runtime v, when the
// backend is verified.
func (c metadataCache) storeMetadataHashSupport(genesis chainclient.Hash, v *chainclient.RuntimeVersion, support string) {
	if c.verified {
		c.store(genesis, v, "mh", []byte(support))
	}
}

func (c metadataCache) path(genesis chainclient.Hash, v *chainclient.RuntimeVersion, ext string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, v.SpecName)
	return filepath.Join(c.dir, fmt.Sprintf("%s-%s-%d-%d.%s", hex.EncodeToString(genesis[:8]), name, v.SpecVersion, v.TransactionVersion, ext))
}

func (c metadataCache) load(genesis chainclient.Hash, v *chainclient.RuntimeVersion, ext string) []byte {
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
func (c metadataCache) store(genesis chainclient.Hash, v *chainclient.RuntimeVersion, ext string, b []byte) {
	if c.dir == "" {
		return
	}
	_ = atomicfile.Write(c.path(genesis, v, ext), b, atomicfile.Options{MakeDirs: true})
}
