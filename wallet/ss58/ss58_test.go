package ss58

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

var unhex = testenv.Unhex

type vector struct {
	PublicKey string
	Prefix    uint16
	Address   string
}

// sharedVectors collects (public key, prefix, address) triples from the
// generated derivation vectors and the keystore manifest (sr25519/ed25519).
func sharedVectors(t *testing.T) []vector {
	var gen struct {
		Vectors []struct {
			PublicKey string
			SS58      map[string]string
		}
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "keys", "derivation-vectors-generated-polkadotjs.json"), &gen); err != nil {
		t.Fatal(err)
	}
	var out []vector
	for _, v := range gen.Vectors {
		for p, a := range v.SS58 {
			n, err := strconv.Atoi(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, vector{v.PublicKey, uint16(n), a})
		}
	}
	var doc struct {
		Vectors []struct {
			PublicKey  string
			SS58Format *int
			Address    string
		}
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "keys", "derivation-vectors-documented.json"), &doc); err != nil {
		t.Fatal(err)
	}
	for _, v := range doc.Vectors {
		if v.PublicKey != "" && v.SS58Format != nil && v.Address != "" {
			out = append(out, vector{v.PublicKey, uint16(*v.SS58Format), v.Address})
		}
	}
	return out
}

func TestSharedVectors(t *testing.T) {
	t.Parallel()
	vs := sharedVectors(t)
	if len(vs) < 100 {
		t.Fatalf("only %d vectors", len(vs))
	}
	for _, v := range vs {
		pk := unhex(t, v.PublicKey)
		got, err := Encode(pk, v.Prefix)
		if err != nil || got != v.Address {
			t.Errorf("Encode(%s, %d) = %q, %v; want %q", v.PublicKey, v.Prefix, got, err, v.Address)
		}
		payload, prefix, err := Decode(v.Address)
		if err != nil || prefix != v.Prefix || !bytes.Equal(payload, pk) {
			t.Errorf("Decode(%q) = %x, %d, %v", v.Address, payload, prefix, err)
		}
	}
	t.Logf("%d address vectors", len(vs))
}

func TestManifestAddresses(t *testing.T) {
	t.Parallel()
	var m struct {
		Cases []struct {
			Type       string
			SS58Format *int
			Expected   struct {
				PublicKey string
				Address   string
				SS58      map[string]any
			}
		}
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "keys", "keystores.manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range m.Cases {
		for p, a := range c.Expected.SS58 {
			prefix, err := strconv.Atoi(p)
			addr, ok := a.(string)
			if err != nil || !ok {
				continue // the "note" entry
			}
			// For ecdsa the manifest's per-prefix table encodes the raw
			// 33-byte public key (polkadot-js encodeAddress accepts it);
			// the account address is checked below.
			pk := unhex(t, c.Expected.PublicKey)
			got, err := Encode(pk, uint16(prefix))
			if err != nil || got != addr {
				t.Errorf("%s prefix %d: %q %v, want %q", c.Type, prefix, got, err, addr)
			}
			n++
		}
	}
	for _, c := range m.Cases {
		if c.Type != "ecdsa" {
			continue
		}
		id := blake(unhex(t, c.Expected.PublicKey))
		if got := MustEncode(id, uint16(*c.SS58Format)); got != c.Expected.Address {
			t.Errorf("ecdsa account address %q, want %q", got, c.Expected.Address)
		}
		n++
	}
	if n < 6 {
		t.Fatalf("only %d manifest addresses", n)
	}
}

func TestPrefixRoundTrip(t *testing.T) {
	t.Parallel()
	var id [32]byte
	for i := range id {
		id[i] = byte(i * 7)
	}
	for _, p := range []uint16{0, 1, 2, 42, 63, 64, 65, 127, 128, 255, 256, 1000, 4095, 4096, 16383} {
		for _, n := range []int{1, 2, 4, 8, 32, 33} {
			payload := bytes.Repeat([]byte{0xab}, n)
			if n == 32 {
				payload = id[:]
			}
			a, err := Encode(payload, p)
			if err != nil {
				t.Fatalf("prefix %d len %d: %v", p, n, err)
			}
			got, gp, err := Decode(a)
			if err != nil || gp != p || !bytes.Equal(got, payload) {
				t.Fatalf("prefix %d len %d: %q -> %x %d %v", p, n, a, got, gp, err)
			}
		}
	}
	if _, err := Encode(id[:], 16384); !errors.Is(err, ErrBadPrefix) {
		t.Fatalf("prefix 16384: %v", err)
	}
	if _, err := Encode(id[:31], 2); !errors.Is(err, ErrBadLength) {
		t.Fatalf("31 bytes: %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	alice := "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F" // Kusama
	flip := []byte(alice)
	if flip[10] == 'a' {
		flip[10] = 'b'
	} else {
		flip[10] = 'a'
	}
	tests := []struct {
		addr string
		err  error
	}{
		{"", ErrBadLength},
		{alice[:len(alice)-1], ErrBadLength},
		{string(flip), ErrBadChecksum},
		{alice[:5] + "0" + alice[6:], ErrBadBase58},
		{alice[:5] + "I" + alice[6:], ErrBadBase58},
		{strings.Repeat("z", 80), ErrBadLength},
	}
	for _, tt := range tests {
		if _, _, err := Decode(tt.addr); !errors.Is(err, tt.err) {
			t.Errorf("Decode(%q) = %v, want %v", tt.addr, err, tt.err)
		}
	}
	if _, err := DecodeFor(alice, 2); err != nil {
		t.Fatal(err)
	}
	_, err := DecodeFor(alice, 0)
	if !errors.Is(err, ErrWrongNetwork) || !strings.Contains(err.Error(), "prefix 2") || !strings.Contains(err.Error(), "uses 0") {
		t.Fatalf("wrong network: %v", err)
	}
}

// TestTwoBytePrefixOracle compares two-byte prefixes with polkadot-js.
func TestTwoBytePrefixOracle(t *testing.T) {
	t.Parallel()
	var id [32]byte
	for i := range id {
		id[i] = byte(255 - i)
	}
	prefixes := []uint16{0, 2, 42, 63, 64, 100, 255, 256, 1284, 4242, 8191, 16383}
	var req []map[string]any
	for _, p := range prefixes {
		req = append(req, map[string]any{"publicKey": "0x" + hex.EncodeToString(id[:]), "prefix": p})
	}
	in, _ := json.Marshal(req)
	var got []string
	if err := json.Unmarshal(testenv.Node(t, in, "keyring-ss58.mjs"), &got); err != nil {
		t.Fatal(err)
	}
	for i, p := range prefixes {
		mine := MustEncode(id, p)
		if mine != got[i] {
			t.Errorf("prefix %d: ksm %s polkadot-js %s", p, mine, got[i])
		}
	}
}

func blake(b []byte) [32]byte { return hash.Blake2b256(b) }

func ExampleEncode() {
	var alice [32]byte
	copy(alice[:], []byte{0xd4, 0x35, 0x93, 0xc7, 0x15, 0xfd, 0xd3, 0x1c, 0x61, 0x14, 0x1a, 0xbd, 0x04, 0xa9, 0x9f, 0xd6, 0x82, 0x2c, 0x85, 0x58, 0x85, 0x4c, 0xcd, 0xe3, 0x9a, 0x56, 0x84, 0xe7, 0xa5, 0x6d, 0xa2, 0x7d})
	addr, _ := Encode(alice[:], 2)
	fmt.Println(addr)
	// Output: HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F
}

func FuzzDecode(f *testing.F) {
	f.Add("HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F")
	f.Add("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")
	f.Add("15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5")
	f.Add("tPNxMC3f8HRdmhhYAznYDt4cXnVdJNnmRB14QNayYCkbKUYS")
	f.Add(MustEncode([32]byte{1}, 16383))
	f.Add("1")
	f.Fuzz(func(t *testing.T, s string) {
		payload, prefix, err := Decode(s)
		if err != nil {
			return
		}
		again, err := Encode(payload, prefix)
		if err != nil {
			t.Fatalf("decoded %q but cannot re-encode: %v", s, err)
		}
		if again != s {
			t.Fatalf("non-canonical address accepted: %q re-encodes to %q", s, again)
		}
	})
}
