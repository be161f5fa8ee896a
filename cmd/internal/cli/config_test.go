package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
)

// closedPort returns a loopback endpoint URL nobody listens on: dialling it
// fails at once, naming the URL.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "ws://" + l.Addr().String()
	l.Close()
	return u
}

// TestConfigPrecedence runs ksm as a process: flag > KSM_* variable >
// config.json > default, for the network (seen in key inspect's networkId)
// and the endpoints (seen in the error of a dial to a closed port: the
// configured endpoint of the active chain, the relay's as --relay-rpc on a
// parachain network).
func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	set := func(k, v string) {
		t.Helper()
		if code, _, stderr, _ := runKSM(t, home, nil, "config", "set", k, v); code != 0 {
			t.Fatalf("config set %s %s: exit %d %s", k, v, code, stderr)
		}
	}
	network := func(env []string, args ...string) string {
		t.Helper()
		code, stdout, stderr, _ := runKSM(t, home, env, append(args, "--json", "key", "inspect", "//Alice")...)
		var v struct{ NetworkID string }
		if code != 0 || json.Unmarshal([]byte(stdout), &v) != nil {
			t.Fatalf("key inspect: exit %d %s %s", code, stdout, stderr)
		}
		return v.NetworkID
	}
	if got := network(nil); got != "kusama" {
		t.Errorf("default: %s", got)
	}
	set("network", "westend")
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"config", nil, nil, "westend"},
		{"env over config", []string{"KSM_NETWORK=polkadot"}, nil, "polkadot"},
		{"flag over env", []string{"KSM_NETWORK=polkadot"}, []string{"--network", "kusama"}, "kusama"},
	} {
		if got := network(tc.env, tc.args...); got != tc.want {
			t.Errorf("%s: network %s, want %s", tc.name, got, tc.want)
		}
	}
	relay, ah, env, flag := closedPort(t), closedPort(t), closedPort(t), closedPort(t)
	set("network", "kusama")
	set("rpc.kusama", relay)
	set("rpc.asset-hub-kusama", ah)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"config", nil, nil, relay},
		{"env over config", []string{"KSM_RPC=" + env}, nil, env},
		{"flag over env", []string{"KSM_RPC=" + env}, []string{"--rpc", flag}, flag},
		{"parachain network: its own endpoint", nil, []string{"--network", "kusama-asset-hub"}, ah},
	} {
		code, _, stderr, _ := runKSM(t, home, tc.env, append(tc.args, "chain", "status", "--wait", "0")...)
		if code != ExitNetwork || !strings.Contains(stderr, strings.TrimPrefix(tc.want, "ws://")) {
			t.Errorf("%s: exit %d, stderr %s; want exit 5 naming %s", tc.name, code, stderr, tc.want)
		}
	}
	// The options as resolved (in process, with a fake environment): the
	// relay's endpoint as --relay-rpc on a parachain network, never on a
	// relay network.
	for _, tc := range []struct {
		name          string
		env           map[string]string
		args          []string
		rpc, relayRPC string
		// ahRPC is --asset-hub-rpc as resolved.
		ahRPC string
	}{
		{"parachain network", nil, []string{"--network", "kusama-asset-hub"}, ah, relay, ""},
		{"KSM_RELAY_RPC over config", map[string]string{"KSM_RELAY_RPC": env}, []string{"--network", "kusama-asset-hub"}, ah, env, ""},
		{"--relay-rpc over KSM_RELAY_RPC", map[string]string{"KSM_RELAY_RPC": env}, []string{"--network", "kusama-asset-hub", "--relay-rpc", flag}, ah, flag, ""},
		{"relay network: no relay-rpc, Asset Hub's as --asset-hub-rpc", map[string]string{"KSM_RELAY_RPC": env}, nil, relay, "", ah},
		{"KSM_ASSET_HUB_RPC over config", map[string]string{"KSM_ASSET_HUB_RPC": env}, nil, relay, "", env},
		{"--asset-hub-rpc over KSM_ASSET_HUB_RPC", map[string]string{"KSM_ASSET_HUB_RPC": env}, []string{"--asset-hub-rpc", flag}, relay, "", flag},
		{"KSM_NETWORK picks the endpoints", map[string]string{"KSM_NETWORK": "kusama-asset-hub"}, nil, ah, relay, ""},
		{"another network: none", nil, []string{"--network", "polkadot"}, "", "", ""},
	} {
		io, _, _, errOut := iostreams.Test()
		f := NewFactory(io)
		f.Getenv = func(k string) string { return tc.env[k] }
		if code := Run(context.Background(), f, append(append([]string{"--home", home}, tc.args...), "key", "inspect", "//Alice")); code != 0 {
			t.Fatalf("%s: exit %d %s", tc.name, code, errOut)
		}
		if f.Opts.RPC != tc.rpc || f.Opts.RelayRPC != tc.relayRPC || f.Opts.AssetHubRPC != tc.ahRPC {
			t.Errorf("%s: rpc %q relay-rpc %q asset-hub-rpc %q, want %q %q %q", tc.name, f.Opts.RPC, f.Opts.RelayRPC, f.Opts.AssetHubRPC, tc.rpc, tc.relayRPC, tc.ahRPC)
		}
	}
	// Another network: the Kusama endpoint is not used (the offline
	// inspect shows it; no dial).
	if got := network(nil, "--network", "polkadot"); got != "polkadot" {
		t.Errorf("polkadot: %s", got)
	}
	if code, _, stderr, _ := runKSM(t, home, []string{"KSM_RPC=ftp://x"}, "key", "inspect", "//Alice"); code != ExitUsage || !strings.Contains(stderr, "KSM_RPC") {
		t.Errorf("bad KSM_RPC: exit %d %s", code, stderr)
	}
}

// TestConfigCommands: set, get, list and unset; unknown keys and bad values
// are exit 2, also in a hand-edited file (for every command); get, list and
// unset create nothing.
func TestConfigCommands(t *testing.T) {
	t.Parallel()
	home := filepath.Join(t.TempDir(), "home")
	for _, args := range [][]string{{"config", "get", "network"}, {"config", "list"}, {"--json", "config", "list"}, {"config", "unset", "rpc.kusama"}} {
		code, stdout, stderr := runCLI(t, "", append([]string{"--home", home}, args...)...)
		if code != 0 {
			t.Errorf("%v: exit %d %s", args, code, stderr)
		}
		if args[0] == "--json" && strings.TrimSpace(stdout) != "[]" {
			t.Errorf("%v: %q", args, stdout)
		}
		if _, err := os.Stat(home); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%v created %s", args, home)
		}
	}
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"config", "set", "network", "ksm"}, 0, ""},
		{[]string{"--json", "config", "set", "rpc.kusama", "wss://user:key@rpc.example/ws?apikey=k"}, 0, `"value": "wss://user:key@rpc.example/ws?apikey=k"`},
		{[]string{"config", "get", "network"}, 0, "kusama\n"},
		{[]string{"--json", "config", "get", "rpc.ksm"}, 0, `"key": "rpc.kusama"`},
		{[]string{"--json", "config", "get", "rpc.polkadot"}, 0, `"value": null`},
		{[]string{"config", "list"}, 0, "network=kusama\nrpc.kusama=wss://…@rpc.example/ws?…\n"},
		{[]string{"config", "set", "colour", "red"}, ExitUsage, ""},
		{[]string{"config", "set", "network", "atlantis"}, ExitUsage, ""},
		{[]string{"config", "set", "rpc.kusama", "ftp://x"}, ExitUsage, ""},
		{[]string{"config", "set", "rpc.moon", "wss://x"}, ExitUsage, ""},
		{[]string{"config", "get", "colour"}, ExitUsage, ""},
		{[]string{"config", "unset", "rpc.kusama"}, 0, ""},
		{[]string{"--json", "config", "list"}, 0, `"network"`},
	} {
		code, stdout, stderr := runCLI(t, "", append([]string{"--home", home}, tc.args...)...)
		if code != tc.code || !strings.Contains(stdout, tc.out) {
			t.Errorf("%v: exit %d stdout %q stderr %q; want %d with %q", tc.args, code, stdout, stderr, tc.code, tc.out)
		}
	}
	if st, err := os.Stat(filepath.Join(home, "config.json")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("config.json: %v %v", st, err)
	}
	if st, err := os.Stat(home); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("home: %v %v", st, err)
	}
	// A hand-edited file with an unknown key: every command says so (exit 2).
	writeTestFile(t, filepath.Join(home, "config.json"), []byte(`{"network":"kusama","endpoint":"wss://x"}`))
	for _, args := range [][]string{{"key", "inspect", "//Alice"}, {"config", "list"}} {
		code, _, stderr := runCLI(t, "", append([]string{"--home", home}, args...)...)
		if code != ExitUsage || !strings.Contains(stderr, "config.json") || !strings.Contains(stderr, "endpoint") {
			t.Errorf("%v with a bad file: exit %d %s", args, code, stderr)
		}
	}
}
