package calls_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/tx/calls"
)

// Reward destinations as ksm's command line reads them; Builder.Bond and
// Builder.SetPayee check the kind against the runtime's RewardDestination.
func ExampleParsePayee() {
	for _, s := range []string{"staked", "Stash", "account:HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"} {
		p, err := calls.ParsePayee(s)
		fmt.Println(p.Kind, p.Account, err)
	}
	_, err := calls.ParsePayee("elsewhere")
	fmt.Println(err)
	// Output:
	// Staked  <nil>
	// Stash  <nil>
	// Account HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F <nil>
	// calls: unsupported call arguments: unknown reward destination "elsewhere" (staked, stash, account:ADDR, none)
}
