package calls_test

import (
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/ksm-wallet/ksm/tx/calls"
)

// A standard conviction vote as value JSON, the vote argument of
// Builder.Vote (ConvictionVoting.vote).
func ExampleAccountVote_Value() {
	conv, _ := calls.ParseConviction("2x")
	v := calls.AccountVote{Kind: "Standard", Aye: true, Conviction: conv, Balance: big.NewInt(1_000_000_000_000)}
	j, _ := v.Value()
	b, _ := json.Marshal(j)
	fmt.Println(string(b))
	split := calls.AccountVote{Kind: "Split", AyeBal: big.NewInt(3), NayBal: big.NewInt(1)}
	fmt.Println(split.Locked())
	// Output:
	// {"Standard":{"vote":{"aye":true,"conviction":"Locked2x"},"balance":1000000000000}}
	// 4
}
