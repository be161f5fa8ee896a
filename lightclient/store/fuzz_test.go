package store

import (
	"os"
	"testing"
)

// FuzzLoad feeds arbitrary file contents to Load: it must fail cleanly or
// return a state that saves and loads back identically.
func FuzzLoad(f *testing.F) {
	p, c := embedded(f, "westend")
	seedHome := f.TempDir()
	if err := Save(seedHome, &State{GenesisHash: p.GenesisHash, Header: c.Header, Set: c.Grandpa.Set}); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(Path(seedHome, p.GenesisHash))
	f.Add(seed)
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		home := t.TempDir()
		if err := WriteFileAtomic(Path(home, p.GenesisHash), b); err != nil {
			t.Fatal(err)
		}
		s, err := Load(home, p.GenesisHash)
		if err != nil {
			return
		}
		if err := Save(home, s); err != nil {
			t.Fatalf("loaded state does not save: %v", err)
		}
		s2, err := Load(home, p.GenesisHash)
		if err != nil || s2.Hash() != s.Hash() || s2.Set.SetID != s.Set.SetID {
			t.Fatalf("round trip: %v", err)
		}
	})
}
