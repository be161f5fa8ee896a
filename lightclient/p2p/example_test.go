package p2p_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
)

// A light client connects to a (test) full node and fetches a header.
func Example() {
	g := header.Hash{1}
	h1 := &header.Header{ParentHash: g, Number: 1}
	src := p2ptest.NewMemSource([]p2ptest.Block{{Header: h1}})

	mn := mocknet.New()
	defer mn.Close()
	node, _ := p2ptest.NewMock(mn, p2ptest.FullConfig(g, src), src)
	defer node.Close()
	lh, _ := mn.GenPeer()
	client, _ := p2p.Wrap(lh, p2p.Config{Genesis: g, ProtocolID: "ksmcc3"})
	defer client.Close()
	_ = mn.LinkAll()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hs, err := client.Connect(ctx, node.AddrInfo())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("peer best:", hs.BestNumber, hs.Roles)
	resp, err := client.RequestBlocks(ctx, node.ID(), &wire.BlockRequest{Fields: wire.FieldHeader, FromNumber: 1, MaxBlocks: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("blocks:", len(resp.Blocks), resp.Blocks[0].Hash == h1.Hash())
	// Output:
	// peer best: 1 full
	// blocks: 1 true
}
