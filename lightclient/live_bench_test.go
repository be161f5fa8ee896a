package lightclient

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// BenchmarkFollowCommits measures following finality from GRANDPA commits
// on the in-memory network: per block, the nodes gossip the commit, the
// client verifies its signatures, fetches the headers over /sync/2, checks
// them and finalizes. Three full nodes, sets of 10 or 100 voters (two
// thirds and one signing), set changes every 100 blocks. Run with
// -benchtime=600x to follow 600 blocks; rss-MiB is the process's resident
// memory at the end.
func BenchmarkFollowCommits(b *testing.B) {
	for _, voters := range []int{10, 100} {
		b.Run(strconv.Itoa(voters)+"-voters", func(b *testing.B) { benchFollow(b, voters) })
	}
}

func benchFollow(b *testing.B, voters int) {
	const start = 50
	c, err := testchain.Generate(testchain.Config{Seed: "bench-follow", Blocks: start + b.N, SetLength: 100, Voters: voters, Signers: voters*2/3 + 1, JustifyEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	ln := newLiveNet(b, c, start, 3, "mock")
	ln.waitNeighbor(b)
	ctx := context.Background()
	// The voters sign outside the timer.
	commits := make([]*grandpa.CompactCommit, b.N)
	for i := range commits {
		if commits[i], err = c.CompactCommit(uint32(start+1+i), testchain.JustifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		want := uint32(start + 1 + i)
		blk, cc := c.Blocks[want], commits[i]
		ln.l.SetVisible(want)
		ln.prod.Gossip(ctx, blk, cc)
		deadline := time.Now().Add(10 * time.Second)
		again := time.Now().Add(100 * time.Millisecond)
		for ln.finalized() < want {
			now := time.Now()
			if now.After(deadline) {
				var banned []bool
				for _, n := range ln.nodes {
					banned = append(banned, ln.host.Banned(n.ID()))
				}
				st := ln.cl.Status()
				b.Fatalf("block %d not followed (at %d): err %v, peers %d, banned %v, stats %+v", want, ln.finalized(), ln.cl.Err(), st.Peers, banned, ln.host.Stats())
			}
			if now.After(again) {
				// The first commit of a new set can precede the client's
				// neighbor packet for that set: the nodes send it again.
				ln.prod.Gossip(ctx, blk, cc)
				again = now.Add(100 * time.Millisecond)
			}
			time.Sleep(50 * time.Microsecond)
		}
	}
	b.StopTimer()
	if got := ln.cl.m.FollowedByCommits(); got < uint64(b.N) {
		b.Fatalf("%d blocks followed from commits, want %d", got, b.N)
	}
	b.ReportMetric(rssMiB(), "rss-MiB")
}

// rssMiB reads VmRSS from /proc/self/status (0 when unavailable).
func rssMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0
			}
			return kb / 1024
		}
	}
	return 0
}
