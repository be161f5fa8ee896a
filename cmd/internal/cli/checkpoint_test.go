package cli

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
)

// afterMaxAge is a day past the maximum age (365 days) of the embedded
// Kusama checkpoint of 2026-01-05.
var afterMaxAge = time.Date(2027, 1, 6, 12, 0, 0, 0, time.UTC)

// TestOldCheckpointFirstStart: past the maximum age a first start stops with
// exit 2 and a message naming the ways on (also in the --json error line),
// before anything is dialled or created; with --accept-old-checkpoint the
// checkpoint's number and hash are printed and the start goes on (to the
// network: here an unreachable bootnode, exit 5), and the warning is in
// the warnings of the JSON output of a command that reports.
func TestOldCheckpointFirstStart(t *testing.T) {
	hooksOf(t).Now = func() time.Time { return afterMaxAge }
	home := filepath.Join(t.TempDir(), "home")
	code, stdout, stderr := runCLI(t, "", "--home", home, "--json", "balance", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F")
	if code != ExitUsage || stdout != "" {
		t.Fatalf("exit %d stdout %q, want 2 and nothing", code, stdout)
	}
	for _, w := range []string{"--checkpoint FILE", "--accept-old-checkpoint", "newer ksm", "#31697400", "0x33dcadca96cba14973d91a8a5c09f7165b754d00ef2682a30c865aec75a2dabe", "sync_state_genSyncSpec"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	last := stderr[strings.LastIndex(strings.TrimSpace(stderr), "\n")+1:]
	var je struct {
		Error struct {
			Message  string
			ExitCode int
		}
	}
	if err := json.Unmarshal([]byte(last), &je); err != nil || je.Error.ExitCode != 2 || !strings.Contains(je.Error.Message, "--accept-old-checkpoint") {
		t.Errorf("JSON error line %q: %v", last, err)
	}
	if _, err := os.Stat(home); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused start created %s", home)
	}

	t.Run("accepted", func(t *testing.T) {
		h := hooksOf(t)
		h.P2P = func(cfg *p2p.Config) []string {
			cfg.AllowAddr, cfg.Resolver = p2ptest.Loopback, p2ptest.NoDNS()
			return []string{"/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"}
		}
		code, _, stderr := runCLI(t, "", "--home", t.TempDir(), "--accept-old-checkpoint", "chain", "status", "--wait", "0")
		if code == ExitUsage || !strings.Contains(stderr, "#31697400 0x33dcadca96cba14973d91a8a5c09f7165b754d00ef2682a30c865aec75a2dabe") ||
			!strings.Contains(stderr, "block explorer") {
			t.Fatalf("exit %d, stderr:\n%s", code, stderr)
		}
	})
}

// TestJSONWarnings: the warnings of a command are the "warnings" array of
// its JSON object (last member), never added to an array or to an object
// with its own "warnings".
func TestJSONWarnings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		v    any
		ws   []string
		want string
	}{
		{"none", map[string]int{"a": 1}, nil, `{"a":1}`},
		{"object", struct {
			A int    `json:"a"`
			B string `json:"b"`
		}{1, "<x>"}, []string{"old <checkpoint>"}, `{"a":1,"b":"<x>","warnings":["old <checkpoint>"]}`},
		{"empty object", struct{}{}, []string{"w"}, `{"warnings":["w"]}`},
		{"array", []int{1}, []string{"w"}, `[1]`},
		{"own warnings", map[string][]string{"warnings": {"mine"}}, []string{"w"}, `{"warnings":["mine"]}`},
	} {
		io, _, out, errOut := iostreams.Test()
		f := NewFactory(io)
		for _, w := range tc.ws {
			f.Warnf("%s", w)
		}
		if err := f.PrintJSON(tc.v); err != nil {
			t.Fatal(err)
		}
		var got any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("%s: %q: %v", tc.name, out, err)
		}
		if g, _ := json.Marshal(got); string(g) != mustCompact(tc.want) {
			t.Errorf("%s: got %s, want %s", tc.name, out, tc.want)
		}
		if !strings.HasPrefix(out.String(), "{\n  ") && !strings.HasPrefix(out.String(), "[") && tc.name != "none" {
			t.Errorf("%s: not indented: %q", tc.name, out)
		}
		if len(tc.ws) > 0 && !strings.Contains(errOut.String(), "ksm: warning: "+tc.ws[0]) {
			t.Errorf("%s: stderr %q", tc.name, errOut)
		}
		if tc.name == "object" && !strings.HasSuffix(strings.TrimSpace(out.String()), "]\n}") {
			t.Errorf("warnings not last: %s", out)
		}
	}
}

func mustCompact(s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
