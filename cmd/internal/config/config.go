// Package config reads and writes ksm's configuration file,
// <home>/config.json: what a user would otherwise type every time.
//
// # Keys
//
//   - network: the default network (an embedded network's name or alias, or
//     the absolute path of a chain-spec file);
//   - rpc.<chain>: the JSON-RPC endpoint of a chain (an embedded profile
//     name: rpc.kusama for the relay chain, rpc.kusama-asset-hub for its
//     Asset Hub, ...), a ws, wss, http or https URL.
//
// The file is JSON, {"network": "...", "rpc": {"<chain>": "<url>"}}, written
// atomically with mode 0600 (tx/atomicfile). Unknown keys and bad values are
// refused when set and when read (ErrInvalid), so a typo never goes unseen.
// Command-line flags and KSM_* variables override what the file says; the
// command line resolves that precedence (flag > environment > file >
// default). Reading never creates anything.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/tx/atomicfile"
)

// FileName is the configuration file's name under the home directory.
const FileName = "config.json"

// maxSize bounds the file read.
const maxSize = 1 << 20

// ErrInvalid is wrapped by every error about an unknown key or a bad value,
// in the file or given to Set.
var ErrInvalid = errors.New("config: invalid")

// File is the content of the configuration file.
type File struct {
	Network string            `json:"network,omitempty"`
	RPC     map[string]string `json:"rpc,omitempty"`
}

// Path is the configuration file of home.
func Path(home string) string { return filepath.Join(home, FileName) }

// Load reads the configuration of home; a missing file is an empty
// configuration. Every key and value is checked (ErrInvalid).
func Load(home string) (*File, error) {
	path := Path(home)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		// No file, or no home directory (a file in its place: the
		// commands that need the home say so).
		return &File{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(b, path)
}

// Parse decodes and checks a configuration file's content (path names it
// in errors).
func Parse(b []byte, path string) (*File, error) {
	if len(b) > maxSize {
		return nil, fmt.Errorf("%w: %s: larger than %d bytes", ErrInvalid, path, maxSize)
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %s: %v (known keys: %s; edit or remove the file)", ErrInvalid, path, err, knownKeys())
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: %s: data after the JSON object", ErrInvalid, path)
	}
	for _, kv := range f.List() {
		k, err := CanonicalKey(kv.Key)
		if err != nil {
			return nil, fmt.Errorf("%s: %w (edit or remove the file)", path, err)
		}
		if k != kv.Key {
			return nil, fmt.Errorf("%w: %s: key %q: write it %q", ErrInvalid, path, kv.Key, k)
		}
		if _, err := check(kv.Key, kv.Value); err != nil {
			return nil, fmt.Errorf("%s: %w (edit or remove the file)", path, err)
		}
	}
	return &f, nil
}

// Save writes f to home atomically (mode 0600; home is created 0700).
func (f *File) Save(home string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(Path(home), append(b, '\n'), atomicfile.Options{MakeDirs: true})
}

// KV is one key and its value.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// List returns the keys that are set, sorted.
func (f *File) List() []KV {
	var out []KV
	if f.Network != "" {
		out = append(out, KV{"network", f.Network})
	}
	for c, u := range f.RPC {
		out = append(out, KV{"rpc." + c, u})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Get returns the value of key (ok false when it is not set); an unknown
// key is ErrInvalid.
func (f *File) Get(key string) (value string, ok bool, err error) {
	k, err := CanonicalKey(key)
	if err != nil {
		return "", false, err
	}
	if k == "network" {
		return f.Network, f.Network != "", nil
	}
	v, ok := f.RPC[strings.TrimPrefix(k, "rpc.")]
	return v, ok, nil
}

// Set checks value and sets key to it (the value as stored: a network's
// canonical name, a chain-spec file's absolute path). An empty value is
// refused: Unset removes a key.
func (f *File) Set(key, value string) (string, error) {
	k, err := CanonicalKey(key)
	if err != nil {
		return "", err
	}
	v, err := check(k, value)
	if err != nil {
		return "", err
	}
	if k == "network" {
		f.Network = v
		return v, nil
	}
	if f.RPC == nil {
		f.RPC = map[string]string{}
	}
	f.RPC[strings.TrimPrefix(k, "rpc.")] = v
	return v, nil
}

// Unset removes key (no error when it was not set).
func (f *File) Unset(key string) error {
	k, err := CanonicalKey(key)
	if err != nil {
		return err
	}
	if k == "network" {
		f.Network = ""
		return nil
	}
	delete(f.RPC, strings.TrimPrefix(k, "rpc."))
	if len(f.RPC) == 0 {
		f.RPC = nil
	}
	return nil
}

// Endpoint is the endpoint the file names for chain (a profile name), "" if none.
func (f *File) Endpoint(chain string) string { return f.RPC[chain] }

// CanonicalKey checks key and returns it with the chain's profile name
// (rpc.ksm → rpc.kusama).
func CanonicalKey(key string) (string, error) {
	k := strings.ToLower(strings.TrimSpace(key))
	if k == "network" {
		return k, nil
	}
	if c, ok := strings.CutPrefix(k, "rpc."); ok {
		p, err := chainspec.Lookup(c)
		if err == nil {
			return "rpc." + p.Name, nil
		}
		return "", fmt.Errorf("%w: key %q: %q is no embedded chain (%s)", ErrInvalid, key, c, chains())
	}
	return "", fmt.Errorf("%w: unknown key %q (known keys: %s)", ErrInvalid, key, knownKeys())
}

func chains() string {
	var names []string
	for _, p := range chainspec.Profiles() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

func knownKeys() string { return "network, rpc.<chain> with <chain> one of " + chains() }

// check validates value for the canonical key k and returns the value to store.
func check(k, value string) (string, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", fmt.Errorf("%w: %s: empty value (ksm config unset %s removes it)", ErrInvalid, k, k)
	}
	if k == "network" {
		if p, err := chainspec.Lookup(v); err == nil {
			return p.Name, nil
		}
		b, err := os.ReadFile(v)
		if err != nil {
			return "", fmt.Errorf("%w: network %q is neither an embedded network (%s) nor a readable chain-spec file: %v", ErrInvalid, value, chains(), err)
		}
		if _, err := chainspec.Parse(b); err != nil {
			return "", fmt.Errorf("%w: network %q: %v", ErrInvalid, value, err)
		}
		abs, err := filepath.Abs(v)
		if err != nil {
			return "", fmt.Errorf("%w: network %q: %v", ErrInvalid, value, err)
		}
		return abs, nil
	}
	if err := CheckEndpoint(v); err != nil {
		return "", fmt.Errorf("%w: %s %q: %v", ErrInvalid, k, RedactURL(v), err)
	}
	return v, nil
}

// CheckEndpoint checks that u is a JSON-RPC endpoint URL ksm can dial: ws,
// wss, http or https with a host.
func CheckEndpoint(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return errors.New("not a URL")
	}
	switch strings.ToLower(p.Scheme) {
	case "ws", "wss", "http", "https":
	default:
		return fmt.Errorf("unsupported scheme %q (want ws, wss, http or https)", p.Scheme)
	}
	if p.Host == "" {
		return errors.New("no host")
	}
	return nil
}

// RedactURL hides user info and query of an endpoint URL (which may hold
// credentials or API keys) for messages.
func RedactURL(u string) string {
	if i := strings.Index(u, "?"); i >= 0 {
		u = u[:i] + "?…"
	}
	if at := strings.Index(u, "@"); at >= 0 {
		if s := strings.Index(u, "://"); s >= 0 && s < at {
			u = u[:s+3] + "…@" + u[at+1:]
		}
	}
	return u
}
