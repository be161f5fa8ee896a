package trie

import (
	"errors"
	"fmt"
)

// ErrBadChildRoot means the top trie holds a child-trie root that is not 32 bytes.
var ErrBadChildRoot = errors.New("trie: child trie root is not 32 bytes")

// ChildStorageKey returns the top-trie key under which a default child
// trie's root is stored: ":child_storage:default:" ‖ childKey.
func ChildStorageKey(childKey []byte) []byte {
	return append([]byte(":child_storage:default:"), childKey...)
}

// ChildGet reads key from the default child trie childKey (crowdloan
// contributions live in such tries): the proof must show the child root in
// the top trie and hold the child trie's nodes on the way to key. found is
// false when the child trie or the key is proven absent.
func (p *Proof) ChildGet(childKey, key []byte) (value []byte, found bool, err error) {
	rootValue, ok, err := p.Get(ChildStorageKey(childKey))
	if err != nil {
		return nil, false, fmt.Errorf("child trie 0x%x root: %w", childKey, err)
	}
	if !ok {
		return nil, false, nil
	}
	if len(rootValue) != 32 {
		return nil, false, fmt.Errorf("%w: child trie 0x%x: %d bytes", ErrBadChildRoot, childKey, len(rootValue))
	}
	var root Hash
	copy(root[:], rootValue)
	if _, ok := p.entries[root]; !ok {
		if root == EmptyRoot {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("%w: child trie 0x%x root node 0x%x", ErrIncompleteProof, childKey, root)
	}
	child, err := p.WithRoot(root)
	if err != nil {
		return nil, false, err
	}
	value, found, err = child.Get(key)
	if err != nil {
		return nil, false, fmt.Errorf("child trie 0x%x: %w", childKey, err)
	}
	return value, found, nil
}
