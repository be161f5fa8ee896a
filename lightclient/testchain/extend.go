package testchain

import (
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
)

// Extend adds a block on the head whose body is the usual Timestamp.set
// followed by extrinsics (each a SCALE-encoded extrinsic with its compact
// length prefix, included as given), justified by every voter of the
// current set, and returns it. Extended blocks signal no authority-set
// change: the chain keeps its sets, and still serves warp proofs (their
// last fragment is the new head) and state (the new block's State).
// A Chain is not safe for concurrent use: callers serving it while it grows
// hold their own lock.
func (c *Chain) Extend(extrinsics [][]byte) (*Block, error) {
	n := uint32(len(c.Blocks))
	prev := c.Blocks[n-1]
	slot := c.Config.GenesisSlot
	if n > 1 {
		slot = c.slots[n-1] + 1 + c.rand("slot-skip", n)%4/3
	}
	c.slots = append(c.slots, slot)
	c.Config.Blocks = int(n)
	h := &header.Header{ParentHash: prev.Hash, Number: n}
	h.Digest = append(h.Digest, c.preDigest(n, slot).DigestItem())
	if (int(n)-1)%c.Config.EpochLength == 0 {
		h.Digest = append(h.Digest, c.nextEpoch(n).DigestItem())
	}
	xt := c.extrinsics(n, slot)
	for _, x := range extrinsics {
		xt = append(xt, append([]byte(nil), x...))
	}
	h.ExtrinsicsRoot = trie.OrderedRoot(trie.V0, xt)
	h.StateRoot = trie.Root(*c.Config.Layout, c.State(n))
	preSeal := h.Hash()
	seal := hash.Blake2b512([]byte("ksm-testchain-seal"), preSeal[:])
	h.Digest = append(h.Digest, header.DigestItem{Kind: header.DigestSeal, Engine: header.EngineBABE, Data: seal[:]})
	b := &Block{Header: h, Hash: h.Hash(), Extrinsics: xt, SetID: c.SetIDAt(n)}
	c.Blocks = append(c.Blocks, b)
	j, err := c.Justify(n, JustifyOptions{})
	if err != nil {
		c.Blocks = c.Blocks[:n]
		c.slots = c.slots[:n]
		c.Config.Blocks = int(n) - 1
		return nil, err
	}
	b.Justification = j
	return b, nil
}
