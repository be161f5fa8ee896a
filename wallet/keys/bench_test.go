package keys

import "testing"

func benchPair(b *testing.B, s Scheme) *Pair {
	p, err := FromURI("//Alice", s)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func BenchmarkSign(b *testing.B) {
	msg := make([]byte, 256) // about the size of a signing payload
	for _, s := range []Scheme{Sr25519, Ed25519, Ecdsa} {
		b.Run(string(s), func(b *testing.B) {
			p := benchPair(b, s)
			for i := 0; i < b.N; i++ {
				if _, err := p.Sign(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	msg := make([]byte, 256)
	for _, s := range []Scheme{Sr25519, Ed25519, Ecdsa} {
		b.Run(string(s), func(b *testing.B) {
			p := benchPair(b, s)
			sig, _ := p.Sign(msg)
			pub := p.PublicKey()
			for i := 0; i < b.N; i++ {
				if !Verify(s, pub, msg, sig) {
					b.Fatal("invalid")
				}
			}
		})
	}
}

func BenchmarkMnemonicToSr25519(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := FromURI(DevPhrase+"//Alice", Sr25519); err != nil {
			b.Fatal(err)
		}
	}
}
