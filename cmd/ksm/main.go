// Command ksm is a Kusama wallet and staking toolkit with an embedded GRANDPA
// light client. Run "ksm --help" for the commands.
package main

import (
	"os"

	"github.com/ksm-wallet/ksm/cmd/internal/cli"
)

func main() { os.Exit(cli.Main()) }
