package eth

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

type claimsVectors struct {
	Prefix  string `json:"prefix"`
	Vectors []struct {
		AccountIDHex string `json:"accountIdHex"`
		Signature    string `json:"signature"`
		MessageUtf8  string `json:"messageUtf8"`
		Expected     struct {
			EthSignedMessageHex string `json:"ethSignedMessageHex"`
			Keccak256           string `json:"keccak256"`
			RecoveredEthAddress string `json:"recoveredEthAddress"`
			Checksum            string `json:"recoveredEthAddressChecksum"`
		} `json:"expected"`
	} `json:"vectors"`
}

// TestClaimsVector recovers the signer of the Kusama claims vector
// (../shared/testdata/claims): the personal message, its hash and the
// address 0x002309df96687e44280bb72c3818358faeeb699c.
func TestClaimsVector(t *testing.T) {
	t.Parallel()
	var cv claimsVectors
	if err := json.Unmarshal(testenv.ReadShared(t, "claims", "kusama-claims-vectors.json"), &cv); err != nil {
		t.Fatal(err)
	}
	if len(cv.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range cv.Vectors {
		msg := []byte(v.MessageUtf8)
		if got := "0x" + hex.EncodeToString(PersonalMessage(msg)); got != v.Expected.EthSignedMessageHex {
			t.Fatalf("personal message %s, want %s", got, v.Expected.EthSignedMessageHex)
		}
		h := PersonalHash(msg)
		if got := "0x" + hex.EncodeToString(h[:]); got != v.Expected.Keccak256 {
			t.Fatalf("hash %s, want %s", got, v.Expected.Keccak256)
		}
		sig, err := ParseSignature(v.Signature)
		if err != nil {
			t.Fatal(err)
		}
		a, err := RecoverPersonal(msg, sig)
		if err != nil {
			t.Fatal(err)
		}
		if got := "0x" + hex.EncodeToString(a[:]); got != v.Expected.RecoveredEthAddress {
			t.Fatalf("recovered %s, want %s", got, v.Expected.RecoveredEthAddress)
		}
		if ChecksumHex(a) != v.Expected.Checksum {
			t.Fatalf("checksum form %s, want %s", ChecksumHex(a), v.Expected.Checksum)
		}
		// v as 27/28 gives the same; a flipped v gives another address.
		sig27 := sig
		sig27[64] += 27
		if a2, err := RecoverPersonal(msg, sig27); err != nil || a2 != a {
			t.Fatalf("v+27: %x %v", a2, err)
		}
		flip := sig
		flip[64] ^= 1
		if a3, err := RecoverPersonal(msg, flip); err == nil && a3 == a {
			t.Fatal("flipped v recovers the same address")
		}
	}
}

func TestSignRecover(t *testing.T) {
	t.Parallel()
	k, err := ParseRawKey([]byte("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"))
	if err != nil {
		t.Fatal(err)
	}
	// The wiki vector's key has this well-known address.
	if got := ChecksumHex(k.Address()); got != "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b" {
		t.Fatalf("address %s", got)
	}
	for i := 0; i < 20; i++ {
		msg := []byte(fmt.Sprintf("Pay KSMs to the Kusama account:%064x", i))
		sig := k.SignPersonal(msg)
		if sig[64] > 1 {
			t.Fatalf("v = %d", sig[64])
		}
		if sig[32]&0x80 != 0 {
			t.Fatalf("s not in the lower half")
		}
		a, err := RecoverPersonal(msg, sig)
		if err != nil || a != k.Address() {
			t.Fatalf("recover %x %v", a, err)
		}
		if again := k.SignPersonal(msg); again != sig {
			t.Fatal("signatures are not deterministic (RFC 6979)")
		}
	}
}

func TestParseSignatureRefusals(t *testing.T) {
	t.Parallel()
	good := "0x" + fmt.Sprintf("%0128x", 1) + "1b"
	if _, err := ParseSignature(good); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"", "0x00", good[:len(good)-2] + "02", good[:len(good)-2] + "1d", good + "00", "0x" + fmt.Sprintf("%0128x", 1) + "zz"} {
		if _, err := ParseSignature(s); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("%q: %v", s, err)
		}
	}
	// r = s = 0 recovers nothing.
	var zero [65]byte
	if _, err := Recover([32]byte{1}, zero); !errors.Is(err, ErrRecover) {
		t.Fatalf("zero signature: %v", err)
	}
}

func FuzzParseSignature(f *testing.F) {
	f.Add("0x55bd020bdbbdc02de34e915effc9b18a99002f4c29f64e22e8dcbb69e722ea6c28e1bb53b9484063fbbfd205e49dcc1f620929f520c9c4c3695150f05a28f52a01", []byte("msg"))
	f.Add("0x"+fmt.Sprintf("%0130x", 27), []byte{})
	f.Fuzz(func(t *testing.T, s string, msg []byte) {
		sig, err := ParseSignature(s)
		if err != nil {
			return
		}
		if sig[64] > 1 {
			t.Fatalf("v = %d after parsing", sig[64])
		}
		pk, err := RecoverPublicKey(PersonalHash(msg), sig)
		if err == nil && pk == nil {
			t.Fatal("nil key without error")
		}
	})
}

func ExampleKey_SignPersonal() {
	k, _ := ParseRawKey([]byte("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"))
	defer k.Wipe()
	msg := []byte("Pay KSMs to the Kusama account:00")
	sig := k.SignPersonal(msg)
	a, _ := RecoverPersonal(msg, sig)
	fmt.Println(ChecksumHex(a))
	// Output: 0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b
}
