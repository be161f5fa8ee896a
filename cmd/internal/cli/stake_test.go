package cli

import (
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

func TestPerbillPercent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ppb  uint64
		want string
	}{
		{0, "0%"}, {100_000_000, "10%"}, {1_000_000_000, "100%"}, {25_000_000, "2.5%"}, {1, "0.0000001%"}, {123_456_789, "12.3456789%"},
	} {
		if got := app.PerbillPercent(tc.ppb); got != tc.want {
			t.Errorf("perbillPercent(%d) = %q, want %q", tc.ppb, got, tc.want)
		}
	}
}

func TestHumanDuration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "less than a minute"}, {5 * time.Minute, "5m"}, {6 * time.Hour, "6h 0m"},
		{7*24*time.Hour - time.Minute, "6d 23h"}, {28 * 6 * time.Hour, "7d 0h"},
	} {
		if got := app.HumanDuration(tc.d); got != tc.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestStakeUsageErrors(t *testing.T) {
	t.Parallel()
	checkExits(t, []exitCase{
		{[]string{"stake", "payout", "--from", "a"}, 2, "--all"},
		{[]string{"stake", "payout", "x", "1", "--all", "--from", "a"}, 2, "--all"},
		{[]string{"stake", "nominate", "--from", "a"}, 2, "at least one VALIDATOR"},
		{[]string{"stake", "bond", "--from", "a"}, 2, ""},
		{[]string{"pool", "join", "5", "--from", "a"}, 2, ""},
		// Unknown keys fail before the network is touched.
		{[]string{"stake", "status", "alice"}, 2, "neither a key name nor an address"},
		{[]string{"pool", "status", "alice"}, 2, "neither a key name nor an address"},
		{[]string{"stake", "bond", "1", "--from", "alice"}, 2, "no such key"},
		// Chain access is needed (no --rpc: the light client cannot reach the network yet).
		{[]string{"stake", "status", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"}, 5, "light client"},
		{[]string{"pool", "status", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"}, 5, "light client"},
		// A key that does not exist fails before the network is touched.
		{[]string{"stake", "bond", "1", "--from", "alice"}, 2, "no such key"},
	})
}
