package lightclient_test

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// A peer's /sync/2 answer for the blocks down from a proven para head is
// checked block by block: each header must hash to the hash expected (the
// proven head's, then each parent hash) and each body must match its
// header's extrinsics root. A block the peer invented — even one whose
// body matches its own root — is refused as a lie.
func ExampleVerifyParaBlocks() {
	body := [][]byte{scale.AppendBytes(nil, []byte("transfer"))}
	parent := &header.Header{Number: 6, ExtrinsicsRoot: trie.OrderedRoot(trie.V0, nil)}
	head := &header.Header{Number: 7, ParentHash: parent.Hash(), ExtrinsicsRoot: trie.OrderedRoot(trie.V0, body)}
	proven := head.Hash() // as the relay chain's Paras::Heads proves it

	answer := []wire.BlockData{
		{Hash: proven, Header: head.Encode(), Body: body},
		{Hash: parent.Hash(), Header: parent.Encode(), Body: [][]byte{}},
	}
	blocks, err := lightclient.VerifyParaBlocks(proven, 7, answer)
	fmt.Println(len(blocks), err, blocks[1].Header.Number)

	invented := head.Clone()
	claimed := append(body, scale.AppendBytes(nil, []byte("claimed")))
	invented.ExtrinsicsRoot = trie.OrderedRoot(trie.V0, claimed)
	_, err = lightclient.VerifyParaBlocks(proven, 7, []wire.BlockData{{Hash: proven, Header: invented.Encode(), Body: claimed}})
	fmt.Println(errors.Is(err, chainsync.ErrMalicious))
	// Output:
	// 2 <nil> 6
	// true
}

// Sending on Asset Hub with no endpoint: the relay light client proves
// Asset Hub's heads, a P2PParaSource joins Asset Hub's own network, and a
// ParaSubmitter sends the transaction to its peers and watches the blocks
// between the heads the relay proves:
//
//	view := cl.Para(1000)
//	sub := lightclient.NewParaSubmitter(view, paraSource, lightclient.ParaSubmitOptions{})
//	s, err := sub.Submit(ctx, ext) // "broadcast"
//	st, err := s.Next(ctx)         // "finalized" in a block proven through the relay chain
//	body, err := sub.BlockBody(ctx, st.Block)
func ExampleNewParaSubmitter() {
	opts := lightclient.ParaSubmitOptions{}
	fmt.Println(opts.Timeout == 0, lightclient.SubmitWatchBlocks)
	// Output:
	// true 256
}
