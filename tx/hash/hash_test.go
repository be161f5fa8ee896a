package hash

import (
	"encoding/hex"
	"testing"
)

func TestKnownAnswers(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		// twox128("System") and twox128("Account"): the well-known System.Account prefix.
		{"twox128 System", sl16(Twox128([]byte("System"))), "26aa394eea5630e07c48ae0c9558cef7"},
		{"twox128 Account", sl16(Twox128([]byte("Account"))), "b99d880ec681799c0cf30e8886371da9"},
		// twox128(":code") is not used; the GRANDPA ":grandpa_authorities" key is raw.
		{"twox128 Balances", sl16(Twox128([]byte("Balances"))), "c2261276cc9d1f8598ea4b6a74b15c2f"},
		{"blake2b256 empty", sl32(Blake2b256()), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"},
		{"blake2b256 0x00", sl32(Blake2b256([]byte{0})), "03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314"},
		{"keccak256 empty", sl32(Keccak256()), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
	}
	for _, tt := range tests {
		if got := hex.EncodeToString(tt.got); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestHasherLengths(t *testing.T) {
	data := []byte("some key")
	for h := Blake2_128; h <= Identity; h++ {
		out := h.Append(nil, data)
		want := h.HashLen()
		if h.Concat() {
			want += len(data)
		}
		if len(out) != want {
			t.Errorf("%s: len %d, want %d", h, len(out), want)
		}
		back, err := HasherByName(h.String())
		if err != nil || back != h {
			t.Errorf("HasherByName(%s) = %v, %v", h, back, err)
		}
	}
	if _, err := HasherByName("Sha256"); err == nil {
		t.Error("HasherByName accepted an unknown hasher")
	}
}

func sl16(a [16]byte) []byte { return a[:] }
func sl32(a [32]byte) []byte { return a[:] }
