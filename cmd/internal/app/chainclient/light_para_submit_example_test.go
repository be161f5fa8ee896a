package chainclient_test

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// SubmitThrough sends transactions through a parachain endpoint and proves
// the blocks it says include them; that needs a parachain view that can
// prove them (lightclient.Client.Para(id) is one, the stand-in here is not).
func ExampleLightPara_SubmitThrough() {
	h := &header.Header{Number: 42}
	l := chainclient.NewLightPara(staticPara{&lightclient.ParaHead{ParaID: 1000, Header: h, Hash: h.Hash()}}, chainclient.LightOptions{})
	err := l.SubmitThrough(nil, chainclient.ParaSubmitOptions{})
	fmt.Println(errors.Is(err, chainclient.ErrUnsupported), l.CanSubmit())
	// Output: true false
}
