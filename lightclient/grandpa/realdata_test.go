package grandpa

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

type realMeta struct {
	Round        uint64
	SetID        uint64
	TargetHash   string
	TargetNumber uint32
	Precommits   int
}

func readMeta(t *testing.T, name string) realMeta {
	t.Helper()
	var m realMeta
	if err := json.Unmarshal(testenv.ReadShared(t, "grandpa", name), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// signerSet returns the distinct signers of j as a weight-1 authority set.
//
// The Polkadot justification's authority list (set 450) is not available, so
// the set is made of the keys embedded in the precommits. The test is still
// meaningful: every one of the 199 signatures must verify over the exact
// message (target, round, set id 450) under its key, so any change to a
// signature, the round, the set id or the target fails; and the threshold
// rule, distinctness and membership checks run on a real-size set. What it
// cannot show is that these keys were the on-chain set 450.
func signerSet(j *Justification, setID uint64) *AuthoritySet {
	s := &AuthoritySet{SetID: setID}
	for _, p := range j.Commit.Precommits {
		s.Authorities = append(s.Authorities, Authority{Key: p.ID, Weight: 1})
	}
	return s
}

func loadPolkadot(t *testing.T) ([]byte, *Justification, realMeta) {
	raw := testenv.ReadShared(t, "grandpa", "polkadot-b4635975-justification.scale")
	m := readMeta(t, "polkadot-b4635975-justification.json")
	j, err := DecodeJustification(raw)
	if err != nil {
		t.Fatal(err)
	}
	return raw, j, m
}

func TestPolkadotJustification(t *testing.T) {
	raw, j, m := loadPolkadot(t)
	if !bytes.Equal(j.Encode(), raw) {
		t.Fatal("re-encoding differs")
	}
	if j.Round != m.Round || j.Commit.TargetHash.String() != m.TargetHash || j.Commit.TargetNumber != m.TargetNumber || len(j.Commit.Precommits) != m.Precommits {
		t.Fatalf("decoded round %d target %s #%d, %d precommits", j.Round, j.Commit.TargetHash, j.Commit.TargetNumber, len(j.Commit.Precommits))
	}
	set := signerSet(j, m.SetID)
	for name, check := range map[string]SignatureChecker{"zip215-batch": ZIP215Checker(0), "zip215-1core": ZIP215Checker(1), "zip215-seq": SequentialChecker, "stdlib": StdlibChecker} {
		v := Verifier{CheckSignatures: check}
		res, err := v.VerifyJustification(j, set)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Signatures != 199 || res.Weight != 199 || res.Threshold != 199-198/3 || res.Round != m.Round {
			t.Errorf("%s: result %+v", name, res)
		}
	}
}

func TestPolkadotJustificationTampered(t *testing.T) {
	raw, _, m := loadPolkadot(t)
	fresh := func() *Justification {
		j, err := DecodeJustification(raw)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	base := fresh()
	set := signerSet(base, m.SetID)
	// Every byte of one signature, and one byte of each other signature.
	for i := 0; i < 64; i++ {
		j := fresh()
		j.Commit.Precommits[0].Signature[i] ^= 0x01
		if _, err := VerifyJustification(j, set); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("signature 0 byte %d flipped: %v", i, err)
		}
	}
	for k := 1; k < len(base.Commit.Precommits); k++ {
		j := fresh()
		j.Commit.Precommits[k].Signature[k%64] ^= 0x80
		if _, err := VerifyJustification(j, set); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("signature %d flipped: %v", k, err)
		}
	}
	tests := []struct {
		name   string
		mutate func(j *Justification, s *AuthoritySet)
		want   error
	}{
		{"round+1", func(j *Justification, _ *AuthoritySet) { j.Round++ }, ErrBadSignature},
		{"round-1", func(j *Justification, _ *AuthoritySet) { j.Round-- }, ErrBadSignature},
		{"set id+1", func(_ *Justification, s *AuthoritySet) { s.SetID++ }, ErrBadSignature},
		{"set id-1", func(_ *Justification, s *AuthoritySet) { s.SetID-- }, ErrBadSignature},
		{"commit target hash", func(j *Justification, _ *AuthoritySet) { j.Commit.TargetHash[5] ^= 1 }, ErrNotDescendant},
		{"commit target number", func(j *Justification, _ *AuthoritySet) { j.Commit.TargetNumber++ }, ErrNotDescendant},
		{"every target hash", func(j *Justification, _ *AuthoritySet) {
			j.Commit.TargetHash[0] ^= 1
			for i := range j.Commit.Precommits {
				j.Commit.Precommits[i].TargetHash[0] ^= 1
			}
		}, ErrBadSignature},
		{"every target number", func(j *Justification, _ *AuthoritySet) {
			j.Commit.TargetNumber--
			for i := range j.Commit.Precommits {
				j.Commit.Precommits[i].TargetNumber--
			}
		}, ErrBadSignature},
		{"signer key", func(j *Justification, s *AuthoritySet) {
			j.Commit.Precommits[3].ID[0] ^= 1
			s.Authorities[3].Key[0] ^= 1
		}, ErrBadSignature},
		{"below threshold", func(j *Justification, _ *AuthoritySet) { j.Commit.Precommits = j.Commit.Precommits[:132] }, ErrNotEnoughWeight},
		{"unknown signer", func(j *Justification, s *AuthoritySet) { s.Authorities = s.Authorities[1:] }, ErrUnknownAuthority},
		{"duplicate", func(j *Justification, _ *AuthoritySet) { j.Commit.Precommits[1] = j.Commit.Precommits[0] }, ErrDuplicateSignature},
		{"unused ancestry", func(j *Justification, _ *AuthoritySet) {
			j.VotesAncestries = []*header.Header{{Number: j.Commit.TargetNumber + 1, ParentHash: j.Commit.TargetHash}}
		}, ErrUnusedAncestry},
	}
	for _, tt := range tests {
		j := fresh()
		s := signerSet(j, m.SetID)
		tt.mutate(j, s)
		if _, err := VerifyJustification(j, s); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// 133 of 199 is exactly the threshold and still verifies.
	j := fresh()
	j.Commit.Precommits = j.Commit.Precommits[66:]
	if _, err := VerifyJustification(j, set); err != nil {
		t.Errorf("threshold precommits: %v", err)
	}
}

func TestWestendCommit(t *testing.T) {
	raw := testenv.ReadShared(t, "grandpa", "westend-b5105457-commit.scale")
	m := readMeta(t, "westend-b5105457-commit.json")
	c, err := DecodeCompactCommit(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.Encode(), raw) {
		t.Fatal("re-encoding differs")
	}
	if c.Round != m.Round || c.SetID != m.SetID || c.TargetHash.String() != m.TargetHash || c.TargetNumber != m.TargetNumber || len(c.Precommits) != m.Precommits {
		t.Fatalf("decoded %+v", c)
	}
	set := &AuthoritySet{SetID: m.SetID}
	for _, a := range c.AuthData {
		set.Authorities = append(set.Authorities, Authority{Key: a.ID, Weight: 1})
	}
	var v Verifier
	res, err := v.VerifyCommit(c, set)
	if err != nil {
		t.Fatal(err)
	}
	if res.Signatures != 7 || res.Threshold != 5 {
		t.Errorf("result %+v", res)
	}
	fresh := func() *CompactCommit {
		c, _ := DecodeCompactCommit(raw)
		return c
	}
	tests := []struct {
		name   string
		mutate func(c *CompactCommit, s *AuthoritySet)
		want   error
	}{
		{"round", func(c *CompactCommit, _ *AuthoritySet) { c.Round++ }, ErrBadSignature},
		{"message set id", func(c *CompactCommit, _ *AuthoritySet) { c.SetID++ }, ErrSetIDMismatch},
		{"both set ids", func(c *CompactCommit, s *AuthoritySet) { c.SetID++; s.SetID++ }, ErrBadSignature},
		{"target", func(c *CompactCommit, _ *AuthoritySet) { c.TargetHash[31] ^= 1 }, ErrNotDescendant},
		{"precommit target", func(c *CompactCommit, _ *AuthoritySet) {
			c.TargetHash[31] ^= 1
			for i := range c.Precommits {
				c.Precommits[i].TargetHash[31] ^= 1
			}
		}, ErrBadSignature},
		{"below threshold", func(c *CompactCommit, _ *AuthoritySet) { c.Precommits, c.AuthData = c.Precommits[:4], c.AuthData[:4] }, ErrNotEnoughWeight},
		{"misaligned", func(c *CompactCommit, _ *AuthoritySet) { c.AuthData = c.AuthData[1:] }, ErrMalformed},
	}
	for _, tt := range tests {
		c := fresh()
		s := set.Clone()
		tt.mutate(c, &s)
		if _, err := v.VerifyCommit(c, &s); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	for k := 0; k < 7; k++ {
		for i := 0; i < 64; i++ {
			c := fresh()
			c.AuthData[k].Signature[i] ^= 0x10
			if _, err := v.VerifyCommit(c, set); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("signature %d byte %d: %v", k, i, err)
			}
		}
	}
}

// TestKusamaScheduledChange applies the FRNK ScheduledChange of Kusama block
// 7472481 (the last block of set 2878) to set 2878. Set 2878's own members
// are not available and do not matter to the tracker, so it holds one
// placeholder key; what is checked is the enacted set 2879.
func TestKusamaScheduledChange(t *testing.T) {
	h, err := header.Decode(testenv.ReadShared(t, "grandpa", "kusama-header-b7472481.scale"))
	if err != nil {
		t.Fatal(err)
	}
	set2878 := AuthoritySet{SetID: 2878, Authorities: []Authority{{Key: [32]byte{1}, Weight: 1}}}
	tr, err := NewTracker(set2878, h.ParentHash, h.Number-1)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := tr.Import(h)
	if err != nil {
		t.Fatal(err)
	}
	if ch == nil || ch.Number != 7472481 || ch.Forced || ch.Hash.String() != "0xfb5aaba0f01ee697dd296fb261dda5167d68b44aa5557f0f43293681fcf73e40" {
		t.Fatalf("change %+v", ch)
	}
	got := tr.Set()
	if got.SetID != 2879 || len(got.Authorities) != 900 || got.TotalWeight() != 900 || got.Threshold() != 900-899/3 {
		t.Fatalf("set %d with %d authorities", got.SetID, len(got.Authorities))
	}
	if header.Hash(got.Authorities[0].Key).String() != "0xb0f81e9c4c670b51db5b990c7cf1ab617f4325f0e49ca87a3d3d0276aace80fd" {
		t.Errorf("first authority %x", got.Authorities[0].Key)
	}
	if err := got.Validate(); err != nil {
		t.Error(err)
	}
	// The warp-fragment view of the same header agrees.
	c, err := headerChange(h)
	if err != nil || c == nil || len(c.NextAuthorities) != 900 {
		t.Fatalf("headerChange: %v", err)
	}
}
