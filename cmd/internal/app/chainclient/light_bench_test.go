package chainclient

import (
	"context"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
)

// BenchmarkLightCompile measures compiling the Kusama runtime proven at the
// head: cold (no cache) and warm (wazero's compilation cache on disk, as a
// second ksm command finds it).
func BenchmarkLightCompile(b *testing.B) {
	n := lighttest.Serve(b, lighttest.Shared(b, lighttest.Options{}))
	cl := n.Client(b, "")
	ctx := context.Background()
	head := Hash(n.Head().Hash)
	for _, warm := range []bool{false, true} {
		name := "cold"
		if warm {
			name = "warm"
		}
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			if warm {
				l := NewLight(cl, LightOptions{Compile: ExecutorCompiler(dir)})
				if _, err := l.RuntimeCall(ctx, "Core_version", nil, head); err != nil {
					b.Fatal(err)
				}
				l.Close()
			}
			for b.Loop() {
				d := dir
				if !warm {
					d = b.TempDir()
				}
				l := NewLight(cl, LightOptions{Compile: ExecutorCompiler(d)})
				if _, err := l.RuntimeCall(ctx, "Core_version", nil, head); err != nil {
					b.Fatal(err)
				}
				l.Close()
			}
		})
	}
}

// BenchmarkLightCall measures runtime calls on a compiled runtime whose
// storage reads are cached for the block (the proofs were fetched once).
func BenchmarkLightCall(b *testing.B) {
	n := lighttest.Serve(b, lighttest.Shared(b, lighttest.Options{}))
	cl := n.Client(b, "")
	l := NewLight(cl, LightOptions{Compile: ExecutorCompiler(b.TempDir())})
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	head := Hash(n.Head().Hash)
	alice := aliceAccountKey[len(aliceAccountKey)-32:]
	for _, c := range []struct {
		name, method string
		args         []byte
	}{
		{"Core_version", "Core_version", nil},
		{"AccountNonceApi", "AccountNonceApi_account_nonce", alice},
		{"Metadata_v15", "Metadata_metadata_at_version", []byte{15, 0, 0, 0}},
	} {
		b.Run(c.name, func(b *testing.B) {
			if _, err := l.RuntimeCall(ctx, c.method, c.args, head); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := l.RuntimeCall(ctx, c.method, c.args, head); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
