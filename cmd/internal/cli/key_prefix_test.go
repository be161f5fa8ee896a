package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// Alice's account in the three formats.
const (
	aliceSubstrate = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	aliceKusama    = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	alicePolkadot  = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"
)

// TestKeyInspectReencodes: key inspect ADDRESS --prefix N|NAME shows the
// address in that format (subkey's most common use), whatever its own.
func TestKeyInspectReencodes(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	for _, tt := range []struct {
		addr, prefix, want, network string
	}{
		{aliceSubstrate, "2", aliceKusama, "kusama"},
		{aliceSubstrate, "kusama", aliceKusama, "kusama"},
		{aliceKusama, "polkadot", alicePolkadot, "polkadot"},
		{alicePolkadot, "0", alicePolkadot, "polkadot"},
		{alicePolkadot, "substrate", aliceSubstrate, "substrate"},
		{aliceKusama, "westend", aliceSubstrate, "substrate"},
		// Paseo's chain spec says ss58Format 0.
		{aliceKusama, "Paseo", alicePolkadot, "polkadot"},
		{aliceKusama, "kusama-asset-hub", aliceKusama, "kusama"},
	} {
		code, stdout, stderr := keyRun(t, home, keyRunOpts{}, "--json", "key", "inspect", tt.addr, "--prefix", tt.prefix)
		var out inspectJSON
		if code != 0 || json.Unmarshal([]byte(stdout), &out) != nil || out.SS58Address != tt.want || out.NetworkID != tt.network {
			t.Errorf("inspect %s --prefix %s: exit %d %s %s; want %s (%s)", tt.addr, tt.prefix, code, stdout, stderr, tt.want, tt.network)
		}
	}
	// Text output too.
	if code, stdout, _ := keyRun(t, home, keyRunOpts{}, "key", "inspect", aliceSubstrate, "--prefix", "kusama"); code != 0 || !strings.Contains(stdout, "SS58 Address:      "+aliceKusama) {
		t.Errorf("text: exit %d %q", code, stdout)
	}
	// A secret URI with a network name as prefix.
	if code, stdout, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "inspect", "//Alice", "--prefix", "polkadot"); code != 0 || !strings.Contains(stdout, alicePolkadot) {
		t.Errorf("//Alice --prefix polkadot: exit %d %q", code, stdout)
	}
}

// TestPrefixErrors: a prefix that is neither a number in range nor a
// network name is a clear usage error, not a strconv message.
func TestPrefixErrors(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	for _, p := range []string{"kusamaa", "16384", "-1", "0x2"} {
		code, _, stderr := keyRun(t, home, keyRunOpts{}, "key", "inspect", aliceKusama, "--prefix="+p)
		if code != ExitUsage || strings.Contains(stderr, "strconv") || !(strings.Contains(stderr, "network name") || strings.Contains(stderr, "not in 0..16383")) {
			t.Errorf("--prefix %s: exit %d %q", p, code, stderr)
		}
	}
}

// TestKeyWatchAnyPrefix: key watch takes an address of any network, as
// transfer does, and keeps it as the active network's address.
func TestKeyWatchAnyPrefix(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	watchKey(t, home, "alice", aliceSubstrate)
	code, stdout, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "show", "alice")
	if code != 0 || !strings.Contains(stdout, aliceKusama) {
		t.Fatalf("show: exit %d %s", code, stdout)
	}
}
