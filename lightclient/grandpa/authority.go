package grandpa

import (
	"fmt"
	"math/bits"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// Authority is a GRANDPA voter: an ed25519 public key and its voting weight.
// It is the same type as header.GrandpaAuthority, which GRANDPA consensus
// logs carry.
type Authority = header.GrandpaAuthority

// AuthoritySet is a GRANDPA voter set and its id. Set ids count the
// authority-set changes since genesis (set 0).
type AuthoritySet struct {
	SetID       uint64
	Authorities []Authority
}

// TotalWeight returns the sum of the authorities' weights, saturating at
// the maximum uint64 (Substrate refuses sets whose total overflows; see Validate).
func (s *AuthoritySet) TotalWeight() uint64 {
	var total uint64
	for _, a := range s.Authorities {
		sum, carry := bits.Add64(total, a.Weight, 0)
		if carry != 0 {
			return ^uint64(0)
		}
		total = sum
	}
	return total
}

// Threshold returns the weight a commit needs: total − ⌊(total − 1)/3⌋, the
// smallest weight that is more than two thirds of the total when at most a
// third is faulty (finality_grandpa::VoterSet::threshold). It is 0 for an
// empty set.
func (s *AuthoritySet) Threshold() uint64 {
	total := s.TotalWeight()
	if total == 0 {
		return 0
	}
	return total - (total-1)/3
}

// Validate checks what Substrate requires of a voter set: it is not empty,
// no key repeats, no weight is zero and the total does not overflow u64.
func (s *AuthoritySet) Validate() error {
	_, err := s.index()
	return err
}

// index validates s and maps each key to its position.
func (s *AuthoritySet) index() (map[[32]byte]int, error) {
	if len(s.Authorities) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrInvalidAuthoritySet)
	}
	idx := make(map[[32]byte]int, len(s.Authorities))
	var total uint64
	for i, a := range s.Authorities {
		if a.Weight == 0 {
			return nil, fmt.Errorf("%w: authority %d has weight 0", ErrInvalidAuthoritySet, i)
		}
		if _, dup := idx[a.Key]; dup {
			return nil, fmt.Errorf("%w: authority %d repeats key 0x%x", ErrInvalidAuthoritySet, i, a.Key)
		}
		idx[a.Key] = i
		var carry uint64
		if total, carry = bits.Add64(total, a.Weight, 0); carry != 0 {
			return nil, fmt.Errorf("%w: total weight overflows u64", ErrInvalidAuthoritySet)
		}
	}
	return idx, nil
}

// Index returns the position of key in the set and whether it is there.
func (s *AuthoritySet) Index(key [32]byte) (int, bool) {
	for i, a := range s.Authorities {
		if a.Key == key {
			return i, true
		}
	}
	return -1, false
}

// Clone returns a deep copy of s.
func (s *AuthoritySet) Clone() AuthoritySet {
	return AuthoritySet{SetID: s.SetID, Authorities: append([]Authority(nil), s.Authorities...)}
}
