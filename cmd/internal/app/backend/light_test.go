package backend

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// profile is the embedded network profile of name.
func profile(t *testing.T, name string) *chainspec.Profile {
	t.Helper()
	p, err := chainspec.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenRefusesConfig: flags that do not fit the network are input
// errors, found before anything is dialled.
func TestOpenRefusesConfig(t *testing.T) {
	t.Parallel()
	kusama := profile(t, "kusama")
	ah := profile(t, "kusama-asset-hub")
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"relay-rpc on a relay network", Config{Network: Network{Name: "kusama", Profile: kusama}, RelayRPC: "ws://127.0.0.1:1"}, "--relay-rpc"},
		{"para-rpc on a parachain network", Config{Network: Network{Name: "kusama-asset-hub", Profile: ah}, ParaRPC: "ws://127.0.0.1:1"}, "--para-rpc"},
		{"no embedded network", Config{Network: Network{Name: "dev"}}, "embedded network"},
	} {
		tc.cfg.Home = t.TempDir()
		_, err := Open(context.Background(), tc.cfg)
		var ie *app.InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an input error with %q", tc.name, err, tc.want)
		}
	}
}

// TestOpenClassifiesUnreachable: an endpoint nobody answers is a network
// error (lightclient.ErrUnreachable) with the URL's credentials hidden.
func TestOpenClassifiesUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	kusama := profile(t, "kusama")
	_, err = Open(context.Background(), Config{Network: Network{Name: "kusama", Profile: kusama}, RPC: "ws://user:secret@" + addr + "/?key=k", Home: t.TempDir()})
	if !errors.Is(err, lightclient.ErrUnreachable) || strings.Contains(err.Error(), "secret") {
		t.Fatalf("err %v, want ErrUnreachable without credentials", err)
	}
}

// TestMultiChain: a relay network with an Asset Hub is two chains; a
// parachain network, a chain-spec file of no embedded network and a
// generated relay standing alone (no para seam) are one.
func TestMultiChain(t *testing.T) {
	start := func() (header.Hash, *chainspec.Checkpoint) { return header.Hash{}, nil }
	para := func() header.Hash { return header.Hash{} }
	cases := []struct {
		net   string
		hooks Hooks
		want  bool
	}{
		{"kusama", Hooks{}, true},
		{"polkadot", Hooks{}, true},
		{"kusama-asset-hub", Hooks{}, false},
		{"", Hooks{}, false},
		{"kusama", Hooks{Start: start}, false},
		{"kusama", Hooks{Start: start, Para: para}, true},
	}
	for _, tc := range cases {
		n := Network{Name: "spec-file"}
		if tc.net != "" {
			n = NetworkOf(profile(t, tc.net))
		}
		if got := MultiChain(n, tc.hooks); got != tc.want {
			t.Errorf("%s (start %v, para %v): %v, want %v", n.Name, tc.hooks.Start != nil, tc.hooks.Para != nil, got, tc.want)
		}
	}
}
