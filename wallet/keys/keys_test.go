package keys

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

var unhex = testenv.Unhex

func hx(b []byte) string { return "0x" + hex.EncodeToString(b) }

func TestSubstrateBIP39Vectors(t *testing.T) {
	t.Parallel()
	var f struct {
		Vectors []struct {
			Mnemonic, Entropy, SeedWithPasswordSubstrate, MiniSecret, Sr25519SecretKey string
		}
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "keys", "substrate-bip39-vectors.json"), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) != 16 {
		t.Fatalf("%d vectors, want 16", len(f.Vectors))
	}
	for i, v := range f.Vectors {
		entropy, err := MnemonicEntropy(v.Mnemonic)
		if err != nil || hx(entropy) != v.Entropy {
			t.Errorf("%d: entropy %x %v", i, entropy, err)
			continue
		}
		seed, err := SeedFromEntropy(entropy, "Substrate")
		if err != nil || hx(seed[:]) != v.SeedWithPasswordSubstrate {
			t.Errorf("%d: seed %x %v", i, seed, err)
		}
		mini, err := MiniSecretFromMnemonic(v.Mnemonic, "Substrate")
		if err != nil || hx(mini[:]) != v.MiniSecret {
			t.Errorf("%d: mini secret %x %v", i, mini, err)
		}
		// The same through a secret URI with a password.
		p, err := FromURI(v.Mnemonic+"///Substrate", Sr25519)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		sk, _ := p.PolkadotJSSecret()
		if hx(sk) != v.Sr25519SecretKey {
			t.Errorf("%d: sr25519 secret %x, want %s", i, sk, v.Sr25519SecretKey)
		}
		if s, ok := p.Seed(); !ok || hx(s) != v.MiniSecret {
			t.Errorf("%d: pair seed %x %v", i, s, ok)
		}
		// Back from the polkadot-js form to the same public key.
		q, err := FromPolkadotJS(Sr25519, sk, p.PublicKey())
		if err != nil {
			t.Errorf("%d: FromPolkadotJS: %v", i, err)
		} else if again, _ := q.PolkadotJSSecret(); !bytes.Equal(again, sk) {
			t.Errorf("%d: polkadot-js secret does not round-trip", i)
		}
	}
}

type derivationVector struct {
	SURI, Seed, Type, PublicKey, Address, SignEmptyMessage string
	SS58Format                                             *int
	SS58                                                   map[string]string
}

func loadDerivationVectors(t *testing.T) (documented, generated []derivationVector) {
	for _, f := range []struct {
		name string
		out  *[]derivationVector
	}{{"derivation-vectors-documented.json", &documented}, {"derivation-vectors-generated-polkadotjs.json", &generated}} {
		var doc struct{ Vectors []derivationVector }
		if err := json.Unmarshal(testenv.ReadShared(t, "keys", f.name), &doc); err != nil {
			t.Fatal(err)
		}
		*f.out = doc.Vectors
	}
	return
}

func TestDerivationVectors(t *testing.T) {
	t.Parallel()
	documented, generated := loadDerivationVectors(t)
	if len(documented) != 13 || len(generated) != 48 {
		t.Fatalf("%d documented, %d generated vectors", len(documented), len(generated))
	}
	n := 0
	for i, v := range append(documented, generated...) {
		scheme, err := ParseScheme(v.Type)
		if err != nil {
			t.Fatal(err)
		}
		var p *Pair
		if v.SURI != "" {
			p, err = FromURI(v.SURI, scheme)
		} else {
			p, err = FromSeed(scheme, unhex(t, v.Seed))
		}
		if err != nil {
			t.Errorf("vector %d (%s): %v", i, v.Type, err)
			continue
		}
		if got := hx(p.PublicKey()); got != v.PublicKey {
			t.Errorf("vector %d (%s %q): public %s, want %s", i, v.Type, v.SURI, got, v.PublicKey)
			continue
		}
		id := p.AccountID()
		if v.Address != "" {
			if got := ss58.MustEncode(id, uint16(*v.SS58Format)); got != v.Address {
				t.Errorf("vector %d: address %s, want %s", i, got, v.Address)
			}
		}
		for prefix, addr := range v.SS58 {
			pn, _ := strconv.Atoi(prefix)
			if got := ss58.MustEncode(id, uint16(pn)); got != addr {
				t.Errorf("vector %d: prefix %d address %s, want %s", i, pn, got, addr)
			}
		}
		if v.SignEmptyMessage != "" {
			sig, err := p.Sign(nil)
			if err != nil || hx(sig) != v.SignEmptyMessage {
				t.Errorf("vector %d: ed25519 signature %x %v", i, sig, err)
			}
		}
		// A signature of each key verifies and a changed message does not.
		msg := []byte("ksm known-answer " + v.SURI)
		sig, err := p.Sign(msg)
		if err != nil || !Verify(scheme, p.PublicKey(), msg, sig) || Verify(scheme, p.PublicKey(), append(msg, 0), sig) {
			t.Errorf("vector %d: sign/verify failed: %v", i, err)
		}
		n++
	}
	t.Logf("%d derivation vectors checked", n)
}

// TestDeriveFromStoredSecret checks that deriving from the polkadot-js
// form of a key (what a keystore holds) equals deriving from the URI.
func TestDeriveFromStoredSecret(t *testing.T) {
	t.Parallel()
	_, generated := loadDerivationVectors(t)
	for _, scheme := range []Scheme{Sr25519, Ed25519, Ecdsa} {
		root, err := FromURI(DevPhrase, scheme)
		if err != nil {
			t.Fatal(err)
		}
		sk, _ := root.PolkadotJSSecret()
		stored, err := FromPolkadotJS(scheme, sk, root.PublicKey())
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range generated {
			i := strings.Index(v.SURI, "/")
			if !strings.HasPrefix(v.SURI, DevPhrase) || i < 0 || strings.Contains(v.SURI, "///") {
				continue
			}
			path, err := ParsePath(v.SURI[i:])
			if err != nil {
				t.Fatal(err)
			}
			want, err1 := FromURI(v.SURI, scheme)
			got, err2 := stored.Derive(path)
			if (err1 == nil) != (err2 == nil) {
				t.Fatalf("%s %s: %v vs %v", scheme, v.SURI, err1, err2)
			}
			if err1 == nil && !bytes.Equal(want.PublicKey(), got.PublicKey()) {
				t.Errorf("%s %s: derived from stored secret differs", scheme, v.SURI)
			}
		}
	}
}

func TestDeprecatedSignaturesRejected(t *testing.T) {
	t.Parallel()
	var f struct {
		Vectors []struct {
			Type, PublicKey, Signature, MessageUtf8 string
			Expected                                struct{ Verify bool }
		}
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "keys", "sr25519-deprecated-signatures.json"), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range f.Vectors {
		sig := unhex(t, v.Signature)
		pub := unhex(t, v.PublicKey)
		if got := Verify(Sr25519, pub, []byte(v.MessageUtf8), sig); got != v.Expected.Verify {
			t.Errorf("deprecated signature verify = %v, want %v", got, v.Expected.Verify)
		}
		// With the marker bit forced the deprecated signature is still
		// not a valid modern signature (a different transcript).
		sig[63] |= 0x80
		if Verify(Sr25519, pub, []byte(v.MessageUtf8), sig) {
			t.Error("marked deprecated signature verified")
		}
	}
}

func TestURIParsing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		suri     string
		phrase   string
		path     string // "h:x s:y" as text
		password string
		hasPw    bool
		err      error
	}{
		{"//Alice", DevPhrase, "h", "", false, nil},
		{"///pw", DevPhrase, "", "pw", true, nil},
		{DevPhrase + "//a/b///p/w", DevPhrase, "h s", "p/w", true, nil},
		{"  bottom  drive obey lake curtain smoke basket hold race lonely fit walk  ", DevPhrase, "", "", false, nil},
		{"0x" + strings.Repeat("ab", 32) + "//1", "0x" + strings.Repeat("ab", 32), "h", "", false, nil},
		{"", "", "", "", false, ErrInvalidURI},
		{"//", "", "", "", false, ErrInvalidURI},
		{"//a//", "", "", "", false, ErrInvalidURI},
		{"bad-phrase", "", "", "", false, ErrInvalidURI},
	}
	for _, tt := range tests {
		u, err := ParseURI(tt.suri)
		if !errors.Is(err, tt.err) {
			t.Errorf("ParseURI(%q) error %v, want %v", tt.suri, err, tt.err)
			continue
		}
		if err != nil {
			if strings.Contains(err.Error(), tt.suri) && tt.suri != "" {
				t.Errorf("error %q quotes the secret URI", err)
			}
			continue
		}
		var kinds []string
		for _, j := range u.Path {
			if j.Hard {
				kinds = append(kinds, "h")
			} else {
				kinds = append(kinds, "s")
			}
		}
		if u.Phrase != tt.phrase || strings.Join(kinds, " ") != tt.path || u.Password != tt.password || u.HasPassword != tt.hasPw {
			t.Errorf("ParseURI(%q) = %+v", tt.suri, u)
		}
	}
}

func TestJunctions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		code string
	}{
		{"0", "0000000000000000"},
		{"1", "0100000000000000"},
		{"18446744073709551615", "ffffffffffffffff"},
		{"18446744073709551616", "50" + hex.EncodeToString([]byte("18446744073709551616"))}, // too big: a string
		{"Alice", "14" + hex.EncodeToString([]byte("Alice"))},
		{"-1", "08" + hex.EncodeToString([]byte("-1"))},
	}
	for _, tt := range tests {
		j := NewJunction(tt.text, true)
		want := make([]byte, 32)
		copy(want, unhex(t, tt.code))
		if !bytes.Equal(j.Code[:], want) {
			t.Errorf("junction %q = %x, want %x", tt.text, j.Code, want)
		}
	}
	long := NewJunction("PathNameLongerThan32BytesWhichShouldBeHashed", false)
	if long.Code == ([32]byte{}) || long.Code[31] == 0 && long.Code[30] == 0 {
		t.Errorf("long junction not hashed: %x", long.Code)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		suri   string
		scheme Scheme
		err    error
	}{
		{"//Alice/soft", Ed25519, ErrSoftDerivation},
		{"//Alice/soft", Ecdsa, ErrSoftDerivation},
		{"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon", Sr25519, ErrInvalidMnemonic},
		{"abandon abandon abandon", Sr25519, ErrInvalidMnemonic},
		{"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon zzzz", Sr25519, ErrInvalidMnemonic},
		{"0x1234", Sr25519, ErrInvalidSeed},
		{"0x" + strings.Repeat("zz", 32), Sr25519, ErrInvalidSeed},
		{"0x" + strings.Repeat("00", 32), Ecdsa, ErrInvalidSeed},
		{"0x" + strings.Repeat("ff", 32), Ecdsa, ErrInvalidSeed},
		{"//Alice", Scheme("rsa"), ErrUnknownScheme},
	}
	for _, tt := range tests {
		_, err := FromURI(tt.suri, tt.scheme)
		if !errors.Is(err, tt.err) {
			t.Errorf("FromURI(%q, %s) = %v, want %v", tt.suri, tt.scheme, err, tt.err)
		}
	}
	if _, err := ParseScheme("rsa"); !errors.Is(err, ErrUnknownScheme) {
		t.Error(err)
	}
}

func TestMnemonicLengths(t *testing.T) {
	t.Parallel()
	for _, n := range []int{12, 15, 18, 21, 24} {
		m, err := NewMnemonic(n)
		if err != nil || len(strings.Fields(m)) != n {
			t.Fatalf("%d words: %q %v", n, m, err)
		}
		if _, err := FromURI(m+"//x/y///pw", Sr25519); err != nil {
			t.Fatalf("%d words: %v", n, err)
		}
	}
	if _, err := NewMnemonic(13); !errors.Is(err, ErrInvalidMnemonic) {
		t.Fatal(err)
	}
}

func TestEcdsaKnownPair(t *testing.T) {
	t.Parallel()
	// polkadot-js keyring index.spec.ts: ecdsa of the dev phrase //Alice.
	p, err := FromURI("//Alice", Ecdsa)
	if err != nil {
		t.Fatal(err)
	}
	if got := hx(p.PublicKey()); got != "0x020a1091341fe5664bfa1782d5e04779689068c916b04cb365ec3153755684d9a1" {
		t.Fatalf("ecdsa //Alice = %s", got)
	}
	msg := []byte("hello")
	sig, _ := p.Sign(msg)
	if len(sig) != 65 || sig[64] > 1 || !Verify(Ecdsa, p.PublicKey(), msg, sig) {
		t.Fatalf("ecdsa signature %x", sig)
	}
	// The high-s twin (n - s, flipped recovery id) recovers the same key:
	// accepted, as Substrate's libsecp256k1 recovery accepts it.
	n, _ := new(big.Int).SetString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
	high := bytes.Clone(sig)
	new(big.Int).Sub(n, new(big.Int).SetBytes(sig[32:64])).FillBytes(high[32:64])
	high[64] ^= 1
	if !Verify(Ecdsa, p.PublicKey(), msg, high) {
		t.Fatal("high-s signature refused")
	}
	eth := bytes.Clone(sig)
	eth[64] += 27
	if Verify(Ecdsa, p.PublicKey(), msg, eth) {
		t.Fatal("recovery id 27/28 accepted (Substrate refuses it)")
	}
	if pub, err := RecoverSecp256k1(hash.Blake2b256(msg), eth); err != nil || !bytes.Equal(pub, p.PublicKey()) {
		t.Fatalf("RecoverSecp256k1 with v=27: %v", err)
	}
	sig[64] ^= 1
	if Verify(Ecdsa, p.PublicKey(), msg, sig) {
		t.Fatal("wrong recovery id verified")
	}
}

func TestPolkadotJSSecretErrors(t *testing.T) {
	t.Parallel()
	p, _ := FromURI("//Alice", Sr25519)
	sk, _ := p.PolkadotJSSecret()
	other, _ := FromURI("//Bob", Sr25519)
	if _, err := FromPolkadotJS(Sr25519, sk, other.PublicKey()); !errors.Is(err, ErrPublicMismatch) {
		t.Errorf("mismatched public: %v", err)
	}
	if _, err := FromPolkadotJS(Sr25519, sk[:63], nil); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("short secret: %v", err)
	}
	e, _ := FromURI("//Alice", Ed25519)
	esk, _ := e.PolkadotJSSecret()
	esk[40] ^= 1
	if _, err := FromPolkadotJS(Ed25519, esk, nil); !errors.Is(err, ErrPublicMismatch) {
		t.Errorf("ed25519 with bad embedded public: %v", err)
	}
}

// signer is tx/extrinsic's Signer, restated: *Pair must satisfy it.
type signer interface {
	AccountID() [32]byte
	SignatureScheme() string
	Sign(payload []byte) ([]byte, error)
}

var _ signer = (*Pair)(nil)

func ExampleFromURI() {
	p, err := FromURI("//Alice", Sr25519)
	if err != nil {
		panic(err)
	}
	defer p.Wipe()
	fmt.Println(ss58.MustEncode(p.AccountID(), 2))
	// Output: HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F
}

func FuzzParseURI(f *testing.F) {
	for _, seed := range []string{"//Alice", DevPhrase + "//kusama//0/soft///pw", "0x" + strings.Repeat("ab", 32) + "//1", "///", "a/b//c///d"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURI(s)
		if err != nil {
			return
		}
		// Only cheap schemes: key making may fail but must not panic.
		if p, err := u.Pair(Ed25519); err == nil {
			p.Wipe()
		}
	})
}

func FuzzFromPolkadotJS(f *testing.F) {
	alice, _ := FromURI("//Alice", Sr25519)
	sk, _ := alice.PolkadotJSSecret()
	f.Add(uint8(0), sk, alice.PublicKey())
	ed, _ := FromURI("//Alice", Ed25519)
	esk, _ := ed.PolkadotJSSecret()
	f.Add(uint8(1), esk, ed.PublicKey())
	f.Add(uint8(2), bytes.Repeat([]byte{0xff}, 32), []byte(nil))
	schemes := []Scheme{Sr25519, Ed25519, Ecdsa, Ethereum}
	f.Fuzz(func(t *testing.T, s uint8, secret, public []byte) {
		p, err := FromPolkadotJS(schemes[int(s)%len(schemes)], secret, public)
		if err != nil {
			return
		}
		// Whatever parses signs and round-trips.
		sig, err := p.Sign([]byte("m"))
		if err != nil {
			return
		}
		if !Verify(p.Scheme(), p.PublicKey(), []byte("m"), sig) {
			t.Fatalf("%s key from %x signs unverifiably", p.Scheme(), secret)
		}
		again, err := p.PolkadotJSSecret()
		if err != nil {
			t.Fatal(err)
		}
		if q, err := FromPolkadotJS(p.Scheme(), again, p.PublicKey()); err != nil || !bytes.Equal(q.PublicKey(), p.PublicKey()) {
			t.Fatalf("secret does not round-trip: %v", err)
		}
	})
}
