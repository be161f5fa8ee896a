package keystore

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

type oracleResult struct {
	Type, PublicKey, Address, Error, JSON string
	Locked                                bool
}

func oracle(t *testing.T, reqs []map[string]any) []oracleResult {
	t.Helper()
	in, _ := json.Marshal(reqs)
	raw := testenv.Node(t, in, "keyring-oracle.mjs")
	var out []oracleResult
	if err := json.Unmarshal(raw, &out); err != nil || len(out) != len(reqs) {
		t.Fatalf("oracle: %q %v", raw, err)
	}
	return out
}

// TestInteropKeystores: files ksm writes (real scrypt parameters) open in
// polkadot-js, and files polkadot-js writes import into ksm, for every
// scheme; a wrong password is refused by both.
func TestInteropKeystores(t *testing.T) {
	t.Parallel()
	type item struct {
		pair *keys.Pair
		file []byte
	}
	var items []item
	var reqs []map[string]any
	for _, sc := range []keys.Scheme{keys.Sr25519, keys.Ed25519, keys.Ecdsa} {
		for _, suri := range []string{"//kusama//stash//0"} {
			p, err := keys.FromURI(suri, sc)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Encrypt(p, []byte("ksm-pass"), map[string]any{"name": "x", "whenCreated": 1}, 2)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := f.Marshal()
			items = append(items, item{p, b})
			wrong := "wrong"
			if sc != keys.Sr25519 {
				// one wrong-password check in polkadot-js is enough (each costs a scrypt)
				wrong = "ksm-pass"
			}
			reqs = append(reqs,
				map[string]any{"op": "decrypt", "json": string(b), "password": "ksm-pass"},
				map[string]any{"op": "decrypt", "json": string(b), "password": wrong},
				map[string]any{"op": "encrypt", "suri": suri, "type": string(sc), "password": "pjs-pass", "name": "from-pjs"})
		}
	}
	// An ethereum key (from the shared keystore) written by ksm.
	ethFile := testenv.ReadShared(t, "keys", "keystore-ethereum.json")
	ef, err := ParseFile(ethFile)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := ef.Decrypt([]byte("password"))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := Encrypt(ep, []byte("ksm-pass"), nil, 42)
	eb, _ := f.Marshal()
	reqs = append(reqs, map[string]any{"op": "decrypt", "json": string(eb), "password": "ksm-pass"})

	out := oracle(t, reqs)
	for i, it := range items {
		ok, bad, theirs := out[3*i], out[3*i+1], out[3*i+2]
		pub := "0x" + hex.EncodeToString(it.pair.PublicKey())
		if ok.Error != "" || ok.Type != string(it.pair.Scheme()) || ok.PublicKey != pub || ok.Locked {
			t.Errorf("polkadot-js reading ksm's %s file: %+v", it.pair.Scheme(), ok)
		}
		if it.pair.Scheme() == keys.Sr25519 && bad.Error == "" {
			t.Errorf("polkadot-js opened ksm's %s file with a wrong password", it.pair.Scheme())
		}
		// And polkadot-js's file into ksm.
		s := newStore(t)
		if _, err := s.Import("k", []byte(theirs.JSON), []byte("wrong"), nil); !errors.Is(err, ErrWrongPassword) {
			t.Errorf("ksm imported polkadot-js's %s file with a wrong password: %v", it.pair.Scheme(), err)
		}
		e, err := s.Import("k", []byte(theirs.JSON), []byte("pjs-pass"), nil)
		if err != nil {
			t.Fatalf("ksm importing polkadot-js's %s file: %v", it.pair.Scheme(), err)
		}
		if theirs.PublicKey != pub || !bytes.Equal(e.PublicKey, it.pair.PublicKey()) {
			t.Errorf("%s: polkadot-js %s, ksm %x", it.pair.Scheme(), theirs.PublicKey, e.PublicKey)
		}
		q, err := s.Unlock("k", []byte("pjs-pass"))
		if err != nil {
			t.Fatal(err)
		}
		// Same secret: the same deterministic signature for ed25519/ecdsa,
		// and a verifying one for sr25519.
		msg := []byte("interop")
		s1, _ := q.Sign(msg)
		s2, _ := it.pair.Sign(msg)
		if !keys.Verify(q.Scheme(), it.pair.PublicKey(), msg, s1) || (q.Scheme() != keys.Sr25519 && !bytes.Equal(s1, s2)) {
			t.Errorf("%s: imported key signs differently", q.Scheme())
		}
	}
	last := out[len(out)-1]
	if last.Error != "" || last.Type != "ethereum" || last.PublicKey != "0x"+hex.EncodeToString(ep.PublicKey()) || last.Address != "0x4119b2e6c3Cb618F4f0B93ac77f9BeeC7FF02887" {
		t.Errorf("polkadot-js reading ksm's ethereum file: %+v", last)
	}
}
