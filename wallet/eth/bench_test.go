package eth

import "testing"

func BenchmarkSignPersonal(b *testing.B) {
	k, err := ParseRawKey([]byte("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"))
	if err != nil {
		b.Fatal(err)
	}
	msg := []byte("Pay KSMs to the Kusama account:88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee")
	b.ReportAllocs()
	for b.Loop() {
		k.SignPersonal(msg)
	}
}

func BenchmarkRecoverPersonal(b *testing.B) {
	k, _ := ParseRawKey([]byte("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"))
	msg := []byte("Pay KSMs to the Kusama account:88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee")
	sig := k.SignPersonal(msg)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RecoverPersonal(msg, sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecryptLightScrypt is a keystore written with geth's light
// scrypt parameters (n = 2^12, r = 8, p = 6).
func BenchmarkDecryptLightScrypt(b *testing.B) {
	k, _ := ParseRawKey([]byte("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"))
	js, err := EncryptKeystore(k, []byte("pw"), LightScrypt, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecryptKeystore(js, []byte("pw")); err != nil {
			b.Fatal(err)
		}
	}
}
