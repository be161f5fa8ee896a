package chainclient_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// staticPara is a stand-in for the parachain view of a started relay light
// client (lightclient.Client.Para(1000)).
type staticPara struct{ head *lightclient.ParaHead }

func (s staticPara) ParaID() uint32 { return 1000 }
func (s staticPara) Head(context.Context) (*lightclient.ParaHead, error) {
	return s.head, nil
}
func (s staticPara) Header(h header.Hash) (*header.Header, bool) {
	return s.head.Header, h == s.head.Hash
}
func (s staticPara) ReadStorageAt(context.Context, header.Hash, [][]byte) (*lightclient.StorageResult, error) {
	return nil, lightclient.ErrClosed
}
func (s staticPara) StorageKeys(context.Context, header.Hash, []byte, int, []byte) ([][]byte, error) {
	return nil, lightclient.ErrClosed
}
func (s staticPara) NextKey(context.Context, header.Hash, []byte) ([]byte, bool, error) {
	return nil, false, lightclient.ErrClosed
}

// Asset Hub as a chain.Chain: its finalized head is the one the finalized
// relay state proves; submission needs the parachain's own network.
func ExampleNewLightPara() {
	h := &header.Header{Number: 42}
	var c chainclient.Chain = chainclient.NewLightPara(staticPara{&lightclient.ParaHead{ParaID: 1000, Header: h, Hash: h.Hash(), RelayNumber: 44}}, chainclient.LightOptions{})
	ctx := context.Background()
	head, err := c.FinalizedHead(ctx)
	fmt.Println(head.Number, err, c.Verified())
	_, err = c.Submit(ctx, []byte{0})
	fmt.Println(errors.Is(err, chainclient.ErrUnsupported))
	// Output:
	// 42 <nil> true
	// true
}

// Pin fixes the para head every read of a command comes from; Head names
// the relay block whose finalized state proved it.
func ExampleLightPara_Head() {
	h := &header.Header{Number: 42}
	l := chainclient.NewLightPara(staticPara{&lightclient.ParaHead{ParaID: 1000, Header: h, Hash: h.Hash(), RelayNumber: 44}}, chainclient.LightOptions{})
	head, _ := l.Pin(context.Background())
	ph := l.Head()
	fmt.Println(head.Number, ph.RelayNumber, l.CanSubmit())
	// Output: 42 44 false
}
