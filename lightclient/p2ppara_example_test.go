package lightclient_test

import (
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
)

// Joining Kusama Asset Hub's own network: its chain spec names the
// protocols (by its genesis hash) and gives the bootnodes. A client then
// takes the relay source and the para source together:
//
//	para, _ := n.Open(p2p.Config{DialTimeout: 10 * time.Second}, nil) // the spec's bootnodes
//	cl, _ := lightclient.New(lightclient.Config{..., Sources: []lightclient.Source{relay, para}})
//	res, _ := cl.Para(n.ParaID).ReadStorageAt(ctx, header.Hash{}, keys)
func ExampleNewP2PParaSource() {
	ah, err := chainspec.Lookup("kusama-asset-hub")
	if err != nil {
		panic(err)
	}
	n, err := lightclient.ParaNetworkOf(ah)
	if err != nil {
		panic(err)
	}
	cfg := n.HostConfig(p2p.Config{DialTimeout: 10 * time.Second})
	names := wire.NewNames(cfg.Genesis, cfg.ForkID, cfg.ProtocolID)
	fmt.Println("para", n.ParaID, "of", n.Relay)
	fmt.Println(names.Light, names.LegacyLight)
	fmt.Println("grandpa:", !cfg.NoGrandpa, "bootnodes:", len(n.Bootnodes) > 0)
	// Output:
	// para 1000 of ksmcc3
	// /48239ef607d7928874027a43a67689209727dfb3d3dc5e5b03a39bdc2eda771a/light/2 /sup/light/2
	// grandpa: false bootnodes: true
}
