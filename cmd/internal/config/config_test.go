package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"ws://127.0.0.1:9944":              "ws://127.0.0.1:9944",
		"wss://u:p@host/path?apikey=x":     "wss://…@host/path?…",
		"https://rpc.example/v1?token=abc": "https://rpc.example/v1?…",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSetGetUnset(t *testing.T) {
	t.Parallel()
	spec := filepath.Join(t.TempDir(), "dev.json")
	if err := os.WriteFile(spec, []byte(`{"id":"dev","genesis":{"stateRootHash":"0x0000000000000000000000000000000000000000000000000000000000000000"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key, value string
		wantKey    string
		wantValue  string
		bad        bool
	}{
		{"network", "polkadot", "network", "polkadot", false},
		{"NETWORK", "ksm", "network", "kusama", false},
		{"network", "statemine", "network", "kusama-asset-hub", false},
		{"network", spec, "network", spec, false},
		{"network", "nowhere", "", "", true},
		{"network", "", "", "", true},
		{"rpc.kusama", "wss://kusama.example", "rpc.kusama", "wss://kusama.example", false},
		{"rpc.asset-hub-kusama", "ws://127.0.0.1:9944", "rpc.kusama-asset-hub", "ws://127.0.0.1:9944", false},
		{"rpc.kusama", "ftp://x", "", "", true},
		{"rpc.kusama", "wss://", "", "", true},
		{"rpc.moon", "wss://x", "", "", true},
		{"endpoint", "wss://x", "", "", true},
		{"rpc", "wss://x", "", "", true},
	} {
		var f File
		v, err := f.Set(tc.key, tc.value)
		if tc.bad {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("set %s %q: %v, want ErrInvalid", tc.key, tc.value, err)
			}
			continue
		}
		if err != nil || v != tc.wantValue {
			t.Errorf("set %s %q: %q %v", tc.key, tc.value, v, err)
			continue
		}
		got, ok, err := f.Get(tc.wantKey)
		if err != nil || !ok || got != tc.wantValue {
			t.Errorf("get %s: %q %v %v", tc.wantKey, got, ok, err)
		}
		if l := f.List(); len(l) != 1 || l[0].Key != tc.wantKey {
			t.Errorf("list %v", l)
		}
		if err := f.Unset(tc.key); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := f.Get(tc.wantKey); ok || len(f.List()) != 0 {
			t.Errorf("unset %s: still set", tc.key)
		}
	}
}

// TestLoadSave: a missing file is an empty configuration and creates
// nothing; what is saved (0600) loads back; a file with an unknown key or a
// bad value is refused with its path.
func TestLoadSave(t *testing.T) {
	t.Parallel()
	home := filepath.Join(t.TempDir(), "home")
	f, err := Load(home)
	if err != nil || len(f.List()) != 0 {
		t.Fatalf("missing file: %v %v", f, err)
	}
	if _, err := os.Stat(home); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("Load created the home")
	}
	f.Set("network", "westend")
	f.Set("rpc.westend", "wss://w.example")
	if err := f.Save(home); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(Path(home)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("saved: %v %v", st, err)
	}
	g, err := Load(home)
	if err != nil || g.Network != "westend" || g.Endpoint("westend") != "wss://w.example" {
		t.Fatalf("loaded %+v %v", g, err)
	}
	for _, bad := range []string{
		`{"network":"kusama","colour":"red"}`,
		`{"network":"atlantis"}`,
		`{"rpc":{"kusama":"ftp://x"}}`,
		`{"rpc":{"moon":"wss://x"}}`,
		`{"rpc":{"ksm":"wss://x"}}`,
		`{"network":1}`,
		`{} {}`,
		`[`,
	} {
		if _, err := Parse([]byte(bad), "/h/config.json"); !errors.Is(err, ErrInvalid) && err == nil {
			t.Errorf("%s: accepted", bad)
		} else if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", bad, err)
		}
	}
}

// FuzzParse: any bytes never panic; what is accepted saves and parses back
// to the same keys.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{}`, `{"network":"kusama","rpc":{"kusama":"wss://x","kusama-asset-hub":"ws://127.0.0.1:1"}}`,
		`{"network":"x"}`, `{"rpc":null}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b, "fuzz")
		if err != nil {
			return
		}
		home := t.TempDir()
		if err := c.Save(home); err != nil {
			t.Fatal(err)
		}
		d, err := Load(home)
		if err != nil {
			t.Fatalf("saved config does not load: %v", err)
		}
		if a, b := c.List(), d.List(); len(a) != len(b) {
			t.Fatalf("%v != %v", a, b)
		}
	})
}
