package eth

import (
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// EIP-55's own test vectors.
var eip55 = []string{
	"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
	"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
	"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
	"0x52908400098527886E0F7030069857D2E4169EE7",
	"0xde709f2102306220921060314715629080e2fb77",
}

func TestEIP55(t *testing.T) {
	t.Parallel()
	for _, s := range eip55 {
		a, err := ParseAddress(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if got := ChecksumHex(a); got != s {
			t.Errorf("ChecksumHex = %s, want %s", got, s)
		}
		// lower case is accepted, a wrong mixed case is not
		if _, err := ParseAddress(strings.ToLower(s)); err != nil {
			t.Errorf("lower case %s: %v", s, err)
		}
	}
	bad := "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
	if _, err := ParseAddress(bad); !errors.Is(err, ErrBadAddress) {
		t.Errorf("bad checksum accepted: %v", err)
	}
	for _, s := range []string{"", "0x12", "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00", "0xzzAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"} {
		if _, err := ParseAddress(s); !errors.Is(err, ErrBadAddress) {
			t.Errorf("%q accepted: %v", s, err)
		}
	}
}

func TestAddressFromPublicKey(t *testing.T) {
	t.Parallel()
	// The shared ethereum keystore's key (polkadot-js keyring index.spec.ts).
	pub, _ := hex.DecodeString("03b9dc646dd71118e5f7fda681ad9eca36eb3ee96f344f582fbe7b5bcdebb13077")
	a, err := AddressFromPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	if got := ChecksumHex(a); got != "0x4119b2e6c3Cb618F4f0B93ac77f9BeeC7FF02887" {
		t.Fatalf("address %s", got)
	}
	if _, err := AddressFromPublicKey(pub[:20]); err == nil {
		t.Fatal("short key accepted")
	}
}

func ExampleChecksumHex() {
	a, _ := ParseAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
	fmt.Println(ChecksumHex(a))
	// Output: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
}

// FuzzParseAddress: any string parses or fails; a parsed address prints
// as an EIP-55 address that parses back to the same bytes, and its
// all-lower-case form parses too.
func FuzzParseAddress(f *testing.F) {
	addrRE := regexp.MustCompile(`0x[0-9a-fA-F]{40}`)
	for _, file := range [][]string{{"claims", "kusama-claims-vectors.json"}, {"keys", "keystore-ethereum.json"}} {
		for _, s := range addrRE.FindAllString(string(testenv.SharedSeed(f, file...)), 8) {
			f.Add(s)
		}
	}
	f.Add("0x" + strings.Repeat("0", 40))
	f.Add("0X002309DF96687E44280BB72C3818358FAEEB699C")
	f.Add("0x002309DF96687e44280BB72c3818358FAEeB699")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			return
		}
		sum := ChecksumHex(a)
		if b, err := ParseAddress(sum); err != nil || b != a {
			t.Fatalf("%q -> %s does not parse back: %v", s, sum, err)
		}
		if b, err := ParseAddress(strings.ToLower(sum)); err != nil || b != a {
			t.Fatalf("lower case of %s: %v", sum, err)
		}
		if !strings.EqualFold(sum, s) {
			t.Fatalf("%q parsed to another address %s", s, sum)
		}
	})
}
