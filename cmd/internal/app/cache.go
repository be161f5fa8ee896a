package app

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
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
func (c metadataCache) metadataHashSupport(genesis chain.Hash, v *chain.RuntimeVersion) string {
	if !c.verified {
		return ""
	}
	return string(c.load(genesis, v, "mh"))
}

// storeMetadataHashSupport keeps the answer found for runtime v, when the
// backend is verified.
func (c metadataCache) storeMetadataHashSupport(genesis chain.Hash, v *chain.RuntimeVersion, support string) {
	if c.verified {
		c.store(genesis, v, "mh", []byte(support))
	}
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
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(c.dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), c.path(genesis, v, ext))
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
	}
}
