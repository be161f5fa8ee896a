package keys

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

type oracleReq struct {
	Op        string `json:"op"`
	SURI      string `json:"suri,omitempty"`
	Type      string `json:"type,omitempty"`
	Message   string `json:"message,omitempty"`
	PublicKey string `json:"publicKey,omitempty"`
	Signature string `json:"signature,omitempty"`
}

type oracleResp struct {
	PublicKey, AccountID, Address0, Address2, Address42, Signature string
	Valid                                                          bool
}

func callOracle(t *testing.T, reqs []oracleReq) []oracleResp {
	t.Helper()
	in, _ := json.Marshal(reqs)
	var out []oracleResp
	raw := testenv.Node(t, in, "keyring-oracle.mjs")
	if err := json.Unmarshal(raw, &out); err != nil || len(out) != len(reqs) {
		t.Fatalf("oracle answer %q: %v", raw, err)
	}
	return out
}

// randomPath makes a derivation path of hard (and, for sr25519, soft)
// junctions: names, numbers (up to u64 max), long names that get hashed,
// non-ASCII names.
func randomPath(r *rand.Rand, soft bool) string {
	var b strings.Builder
	for n := r.IntN(4); n >= 0; n-- {
		if soft && r.IntN(2) == 0 {
			b.WriteString("/")
		} else {
			b.WriteString("//")
		}
		switch r.IntN(5) {
		case 0:
			fmt.Fprintf(&b, "%d", r.Uint64())
		case 1:
			fmt.Fprintf(&b, "%d", r.IntN(10))
		case 2:
			b.WriteString(strings.Repeat("long", 5+r.IntN(10)))
		case 3:
			b.WriteString("ключ" + fmt.Sprint(r.IntN(100)))
		default:
			b.WriteString([]string{"Alice", "kusama", "stash", "polkadot", "x"}[r.IntN(5)])
		}
	}
	return b.String()
}

func TestInteropDerivation(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	var reqs []oracleReq
	var pairs []*Pair
	for i := 0; i < 12; i++ {
		m, err := NewMnemonic([]int{12, 15, 18, 21, 24}[i%5])
		if err != nil {
			t.Fatal(err)
		}
		for _, scheme := range []Scheme{Sr25519, Ed25519, Ecdsa} {
			suri := m + randomPath(r, scheme == Sr25519)
			if i%3 == 0 {
				suri += "///pass word " + fmt.Sprint(i)
			}
			p, err := FromURI(suri, scheme)
			if err != nil {
				t.Fatalf("%s %q: %v", scheme, suri, err)
			}
			pairs = append(pairs, p)
			reqs = append(reqs, oracleReq{Op: "derive", SURI: suri, Type: string(scheme)})
		}
	}
	// Hex seeds too.
	for _, scheme := range []Scheme{Sr25519, Ed25519, Ecdsa} {
		var s [32]byte
		for i := range s {
			s[i] = byte(r.Uint32())
		}
		suri := hx(s[:]) + randomPath(r, scheme == Sr25519)
		p, err := FromURI(suri, scheme)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, p)
		reqs = append(reqs, oracleReq{Op: "derive", SURI: suri, Type: string(scheme)})
	}
	out := callOracle(t, reqs)
	for i, p := range pairs {
		id := p.AccountID()
		if hx(p.PublicKey()) != out[i].PublicKey || hx(id[:]) != out[i].AccountID ||
			ss58.MustEncode(id, 0) != out[i].Address0 || ss58.MustEncode(id, 2) != out[i].Address2 || ss58.MustEncode(id, 42) != out[i].Address42 {
			t.Errorf("%s %q: ksm %x, polkadot-js %+v", reqs[i].Type, reqs[i].SURI, p.PublicKey(), out[i])
		}
	}
	t.Logf("%d random derivations agree with polkadot-js", len(pairs))
}

func TestInteropSignatures(t *testing.T) {
	t.Parallel()
	msgs := [][]byte{nil, []byte("hello"), bytes.Repeat([]byte{0xab}, 300)}
	var reqs []oracleReq
	type mine struct {
		pair *Pair
		msg  []byte
		sig  []byte
	}
	var ms []mine
	for _, scheme := range []Scheme{Sr25519, Ed25519, Ecdsa} {
		for i, msg := range msgs {
			suri := fmt.Sprintf("//Signer%d", i)
			if scheme == Sr25519 && i > 0 {
				suri += "/soft" // a soft-derived secret signs too
			}
			p, err := FromURI(suri, scheme)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := p.Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, mine{p, msg, sig})
			// polkadot-js verifies ours...
			reqs = append(reqs, oracleReq{Op: "verify", Type: string(scheme), PublicKey: hx(p.PublicKey()), Message: hx(msg), Signature: hx(sig)})
			// ...and signs for us to verify.
			reqs = append(reqs, oracleReq{Op: "sign", SURI: suri, Type: string(scheme), Message: hx(msg)})
		}
	}
	// Ethereum flavour: keccak-256 hashing; polkadot-js verifies ksm's.
	ethPair, err := FromSeed(Ethereum, unhex(t, "0x"+strings.Repeat("42", 32)))
	if err != nil {
		t.Fatal(err)
	}
	ethSig, _ := ethPair.Sign([]byte("claim"))
	ethAddr, _ := ethPair.EthAddress() // polkadot-js checks keccak signatures against the address
	reqs = append(reqs, oracleReq{Op: "verify", Type: "ethereum", PublicKey: hx(ethAddr[:]), Message: hx([]byte("claim")), Signature: hx(ethSig)})
	out := callOracle(t, reqs)
	if !out[len(out)-1].Valid || !Verify(Ethereum, ethPair.PublicKey(), []byte("claim"), ethSig) {
		t.Error("ethereum signature not accepted")
	}
	for i, m := range ms {
		v, s := out[2*i], out[2*i+1]
		if !v.Valid {
			t.Errorf("polkadot-js rejects ksm's %s signature %x", m.pair.Scheme(), m.sig)
		}
		theirs := unhex(t, s.Signature)
		if s.PublicKey != hx(m.pair.PublicKey()) || !Verify(m.pair.Scheme(), m.pair.PublicKey(), m.msg, theirs) {
			t.Errorf("ksm rejects polkadot-js's %s signature %s", m.pair.Scheme(), s.Signature)
		}
		if Verify(m.pair.Scheme(), m.pair.PublicKey(), append(bytes.Clone(m.msg), 1), theirs) {
			t.Errorf("%s: signature verified for another message", m.pair.Scheme())
		}
		// ed25519 and ecdsa (RFC 6979) signatures are deterministic:
		// both implementations give the same bytes.
		if m.pair.Scheme() != Sr25519 && !bytes.Equal(theirs, m.sig) {
			t.Errorf("%s deterministic signature differs: ksm %x polkadot-js %x", m.pair.Scheme(), m.sig, theirs)
		}
	}
}
