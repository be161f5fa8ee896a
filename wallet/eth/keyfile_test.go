package eth

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

type gethVector struct {
	JSON     json.RawMessage `json:"json"`
	Password string          `json:"password"`
	Priv     string          `json:"priv"`
}

func gethVectors(t testing.TB) map[string]gethVector {
	t.Helper()
	b, err := os.ReadFile("testdata/geth_v3_test_vector.json")
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]gethVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDecryptGethVectors decrypts go-ethereum's public keystore vectors
// (scrypt and pbkdf2 KDFs, a key with a leading zero byte).
func TestDecryptGethVectors(t *testing.T) {
	t.Parallel()
	vs := gethVectors(t)
	if len(vs) != 3 {
		t.Fatalf("%d vectors", len(vs))
	}
	for name, v := range vs {
		t.Run(name, func(t *testing.T) {
			k, err := DecryptKeystore(v.JSON, []byte(v.Password))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Repeat("0", 64-len(v.Priv)) + v.Priv
			if got := hex.EncodeToString(k.Bytes()); got != want {
				t.Fatalf("key %s, want %s", got, want)
			}
			if _, err := DecryptKeystore(v.JSON, []byte(v.Password+"x")); !errors.Is(err, ErrWrongPassword) {
				t.Fatalf("wrong password: %v", err)
			}
		})
	}
}

func TestEncryptRoundTrip(t *testing.T) {
	t.Parallel()
	k, err := ParseRawKey([]byte("0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d\n"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := EncryptKeystore(k, []byte("pw"), ScryptParams{N: 1 << 10, R: 8, P: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil || m["version"].(float64) != 3 {
		t.Fatalf("%v %s", err, js)
	}
	k2, err := LoadKey(js, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k2.Bytes(), k.Bytes()) {
		t.Fatal("round trip changed the key")
	}
	if _, err := LoadKey(js, []byte("nope")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	// A file whose address is not its key's is refused.
	ka := k.Address()
	bad := bytes.Replace(js, []byte(hex.EncodeToString(ka[:])), []byte(strings.Repeat("ab", 20)), 1)
	if _, err := LoadKey(bad, []byte("pw")); !errors.Is(err, ErrKeyFile) {
		t.Fatalf("address mismatch: %v", err)
	}
}

func TestKeyFileRefusals(t *testing.T) {
	t.Parallel()
	v := gethVectors(t)["31_byte_key"]
	cases := map[string]func(m map[string]any){
		"version 1":   func(m map[string]any) { m["version"] = 1 },
		"cipher":      func(m map[string]any) { m["crypto"].(map[string]any)["cipher"] = "aes-128-cbc" },
		"kdf":         func(m map[string]any) { m["crypto"].(map[string]any)["kdf"] = "argon2" },
		"huge n":      func(m map[string]any) { m["crypto"].(map[string]any)["kdfparams"].(map[string]any)["n"] = 1 << 30 },
		"n not pow 2": func(m map[string]any) { m["crypto"].(map[string]any)["kdfparams"].(map[string]any)["n"] = 3 },
		"short dklen": func(m map[string]any) { m["crypto"].(map[string]any)["kdfparams"].(map[string]any)["dklen"] = 16 },
		"iv":          func(m map[string]any) { m["crypto"].(map[string]any)["cipherparams"].(map[string]any)["iv"] = "00" },
		"mac":         func(m map[string]any) { m["crypto"].(map[string]any)["mac"] = "zz" },
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			_ = json.Unmarshal(v.JSON, &m)
			mut(m)
			b, _ := json.Marshal(m)
			if _, err := DecryptKeystore(b, []byte(v.Password)); !errors.Is(err, ErrKeyFile) {
				t.Fatalf("got %v, want ErrKeyFile", err)
			}
		})
	}
	for _, raw := range []string{"", "0x12", strings.Repeat("zz", 32), strings.Repeat("00", 32), strings.Repeat("ff", 32)} {
		if _, err := ParseRawKey([]byte(raw)); err == nil {
			t.Fatalf("raw key %q accepted", raw)
		}
	}
	// MyEtherWallet's capitalised "Crypto" is read.
	caps := bytes.Replace(v.JSON, []byte(`"crypto"`), []byte(`"Crypto"`), 1)
	if _, err := DecryptKeystore(caps, []byte(v.Password)); err != nil {
		t.Fatal(err)
	}
}

func FuzzParseKeystore(f *testing.F) {
	for _, v := range gethVectors(f) {
		f.Add([]byte(v.JSON), []byte(v.Password))
	}
	f.Add([]byte(`{"version":3,"crypto":{}}`), []byte(""))
	f.Fuzz(func(t *testing.T, data, pw []byte) {
		ks, p, err := ParseKeystore(data)
		if err != nil {
			return
		}
		// Keep the fuzzer's KDF work small.
		if (ks.Crypto.KDF == "scrypt" && p.N*p.R*p.P > 1<<12) || (ks.Crypto.KDF == "pbkdf2" && p.C > 1<<12) {
			return
		}
		k, err := DecryptKeystore(data, pw)
		if err == nil && k == nil {
			t.Fatal("nil key without error")
		}
	})
}

func ExampleDecryptKeystore() {
	js, _ := os.ReadFile("testdata/geth_v3_test_vector.json")
	var vs map[string]gethVector
	_ = json.Unmarshal(js, &vs)
	k, err := DecryptKeystore(vs["31_byte_key"].JSON, []byte("foo"))
	if err != nil {
		panic(err)
	}
	defer k.Wipe()
	_ = ChecksumHex(k.Address())
	// Output:
}
