package executor

import (
	"context"
	"encoding/binary"
	"runtime"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/tx/scale"
)

func BenchmarkCompileKusama(b *testing.B) {
	g := loadGenesis(b, "kusama-local.json")
	ctx := context.Background()
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			rt, err := Compile(ctx, g.code, Options{})
			if err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
		}
	})
	b.Run("warm cache", func(b *testing.B) {
		dir := b.TempDir()
		rt, err := Compile(ctx, g.code, Options{CacheDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		rt.Close(ctx)
		b.ResetTimer()
		for b.Loop() {
			rt, err := Compile(ctx, g.code, Options{CacheDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
		}
	})
}

func BenchmarkCallKusama(b *testing.B) {
	g := loadGenesis(b, "kusama-local.json")
	ctx := context.Background()
	var zero [32]byte
	ext, alice := signedTransfer(b, g, runtimeCases[0], zero)
	for _, c := range []struct {
		name, method string
		args         []byte
	}{
		{"Core_version", "Core_version", nil},
		{"metadata_at_version", "Metadata_metadata_at_version", scale.AppendU32(nil, 15)},
		{"account_nonce", "AccountNonceApi_account_nonce", alice[:]},
		{"query_info", "TransactionPaymentApi_query_info", binary.LittleEndian.AppendUint32(append([]byte{}, ext...), uint32(len(ext)))},
		{"validate_transaction", "TaggedTransactionQueue_validate_transaction", append(append([]byte{2}, ext...), zero[:]...)},
	} {
		b.Run(c.name, func(b *testing.B) {
			var peak uint64
			var ms runtime.MemStats
			for b.Loop() {
				_, st, err := g.rt.CallWithStats(ctx, c.method, c.args, g.storage)
				if err != nil {
					b.Fatal(err)
				}
				peak = max(peak, st.HeapPeak)
			}
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(peak)/(1<<20), "heapMiB")
		})
	}
}

// TestConcurrentCalls runs calls from several goroutines on one Runtime:
// every answer equals the sequential one.
func TestConcurrentCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	g := loadGenesis(t, "kusama-local.json")
	ctx := context.Background()
	want, err := g.rt.Call(ctx, "Metadata_metadata_versions", nil, g.storage)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := g.rt.Call(ctx, "Metadata_metadata_versions", nil, g.storage)
			if err == nil && string(got) != string(want) {
				err = errMismatch
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

var errMismatch = errorString("concurrent answer differs")

type errorString string

func (e errorString) Error() string { return string(e) }

func TestCompilationCache(t *testing.T) {
	g := loadGenesis(t, "kusama-local.json")
	ctx := context.Background()
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		rt, err := Compile(ctx, g.code, Options{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		out, err := rt.Call(ctx, "Metadata_metadata_versions", nil, g.storage)
		rt.Close(ctx)
		if err != nil || string(out) != "\x08\x0e\x00\x00\x00\x0f\x00\x00\x00" {
			t.Fatalf("run %d: %x %v", i, out, err)
		}
	}
}
