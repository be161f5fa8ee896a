package app

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
)

// nextMany calls Next n times on each of the stores at once and returns
// every nonce handed out.
func nextMany(t *testing.T, stores []*NonceStore, n int) []uint64 {
	t.Helper()
	g, a := chainclient.Hash{1}, [32]byte{2}
	var mu sync.Mutex
	var got []uint64
	var wg sync.WaitGroup
	for _, st := range stores {
		for range 2 { // two goroutines per store
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range n {
					v, err := st.Next(g, a, 5, 100)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					got = append(got, v)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	return got
}

func distinct(t *testing.T, got []uint64, want int) {
	t.Helper()
	seen := map[uint64]bool{}
	for _, v := range got {
		if seen[v] {
			t.Fatalf("nonce %d handed out twice: %v", v, got)
		}
		seen[v] = true
	}
	if len(got) != want {
		t.Fatalf("%d nonces, want %d", len(got), want)
	}
}

// TestNonceReservedAcrossStores: goroutines on one store and on two stores
// over the same file (the file lock excludes open files, as it does
// processes) never get the same nonce.
func TestNonceReservedAcrossStores(t *testing.T) {
	home := t.TempDir()
	got := nextMany(t, []*NonceStore{NewNonceStore(home), NewNonceStore(home)}, 10)
	distinct(t, got, 40)
	// In memory, one store.
	distinct(t, nextMany(t, []*NonceStore{NewNonceStore("")}, 10), 20)
}

// TestNonceReservedAcrossProcesses: two processes (this test binary run
// again) asking Next at once get distinct nonces.
func TestNonceReservedAcrossProcesses(t *testing.T) {
	if home := os.Getenv("KSM_TEST_NONCE_HOME"); home != "" {
		n, _ := strconv.Atoi(os.Getenv("KSM_TEST_NONCE_COUNT"))
		st := NewNonceStore(home)
		for range n {
			v, err := st.Next(chainclient.Hash{1}, [32]byte{2}, 5, 100)
			if err != nil {
				t.Fatal(err)
			}
			os.Stdout.WriteString("nonce " + strconv.FormatUint(v, 10) + "\n")
		}
		return
	}
	home := t.TempDir()
	const each = 15
	var outs [2]bytes.Buffer
	var cmds [2]*exec.Cmd
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestNonceReservedAcrossProcesses$", "-test.count=1")
		cmds[i].Env = append(os.Environ(), "KSM_TEST_NONCE_HOME="+home, "KSM_TEST_NONCE_COUNT="+strconv.Itoa(each))
		cmds[i].Stdout = &outs[i]
		cmds[i].Stderr = os.Stderr
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	var got []uint64
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, outs[i].String())
		}
		sc := bufio.NewScanner(&outs[i])
		for sc.Scan() {
			var v uint64
			if _, err := fmt.Sscanf(sc.Text(), "nonce %d", &v); err == nil {
				got = append(got, v)
			}
		}
	}
	distinct(t, got, 2*each)
}

// TestNonceReservationReleased: a reservation abandoned without a
// submission is released by its store (Release) or when it expires; another
// store cannot release it; a submission (Add) takes its place for good.
func TestNonceReservationReleased(t *testing.T) {
	home := t.TempDir()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	a, b := NewNonceStore(home), NewNonceStore(home)
	a.Now, b.Now = clock, clock
	g, acc := chainclient.Hash{1}, [32]byte{2}
	next := func(st *NonceStore) uint64 {
		t.Helper()
		v, err := st.Next(g, acc, 5, 100)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := next(a); v != 5 {
		t.Fatalf("first %d", v)
	}
	// b cannot release a's reservation.
	if err := b.Release(g, acc, 5); err != nil {
		t.Fatal(err)
	}
	if v := next(b); v != 6 {
		t.Fatalf("while 5 is reserved: %d, want 6", v)
	}
	// a releases it (its command was cancelled): 5 is free again.
	if err := a.Release(g, acc, 5); err != nil {
		t.Fatal(err)
	}
	if v := next(b); v != 5 {
		t.Fatalf("after release: %d, want 5", v)
	}
	// Reservations are not pending transactions.
	if p, _ := a.Pending(g, acc); len(p) != 0 {
		t.Fatalf("pending %+v", p)
	}
	// A submission replaces b's reservation of 6; releasing it then is a no-op.
	if err := b.Add(g, acc, PendingTx{Nonce: 6, Hash: "0x06", Death: 164}); err != nil {
		t.Fatal(err)
	}
	if err := b.Release(g, acc, 6); err != nil {
		t.Fatal(err)
	}
	// The reservation of 5 expires (its holder crashed): free again, while 6
	// stays pending.
	now = now.Add(DefaultReserveFor + time.Second)
	if v := next(a); v != 5 {
		t.Fatalf("after expiry: %d, want 5", v)
	}
	if p, _ := a.Pending(g, acc); len(p) != 1 || p[0].Nonce != 6 || p[0].Reserved {
		t.Fatalf("pending %+v", p)
	}
	if files, _ := filepath.Glob(filepath.Join(home, "pending", "*.json")); len(files) != 1 {
		t.Fatalf("pending files %v", files)
	}
}

// TestLockExclusive: the O_EXCL fallback lock admits one holder at a time
// and takes over a crashed holder's stale file.
func TestLockExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	var mu sync.Mutex
	holders, most := 0, 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				unlock, err := lockExclusive(path)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				holders++
				mu.Unlock()
				runtime.Gosched() // let another goroutine try to get in
				mu.Lock()
				most = max(most, holders)
				holders--
				mu.Unlock()
				unlock()
			}
		}()
	}
	wg.Wait()
	if most != 1 {
		t.Fatalf("%d holders at once", most)
	}
	// A stale lock file (a crashed process) is taken over.
	if err := os.WriteFile(path+".excl", []byte("1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * exclusiveLockStale)
	if err := os.Chtimes(path+".excl", old, old); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockExclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	if _, err := os.Stat(path + ".excl"); !os.IsNotExist(err) {
		t.Fatalf("lock file left: %v", err)
	}
}
