package app_test

import (
	"fmt"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

func ExampleParseBatch() {
	rows, err := app.ParseBatch(strings.NewReader(`["transfer", "bob", "1.5", "--from", "treasury"]

{"id": "vote-12", "args": ["gov", "vote", "12", "aye", "--amount", "5", "--from", "v1"]}
`))
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		fmt.Println(r.Line, r.ID, r.Args)
	}
	_, err = app.ParseBatch(strings.NewReader("to,amount\nbob,1\ncarol\n"))
	fmt.Println(err)
	// Output:
	// 1  [transfer bob 1.5 --from treasury]
	// 3 vote-12 [gov vote 12 aye --amount 5 --from v1]
	// line 3: wrong number of fields
}
