package cli

import "github.com/spf13/cobra"

// Nouns whose verbs are defined in several files. Each verb's file adds
// itself with registerSubcommand("tx", newTxDecodeCmd) in an init function.
var nounShort = map[string]string{
	"metadata": "Inspect runtime metadata and compute its RFC-0078 digest",
	"tx":       "Encode, decode, build and sign transactions",
	"verify":   "Verify chain data offline: checkpoints, genesis, headers, justifications, proofs",
}

var subcommands = map[string][]func(*Factory) *cobra.Command{}

func registerSubcommand(noun string, newCmd func(*Factory) *cobra.Command) {
	subcommands[noun] = append(subcommands[noun], newCmd)
}

func init() {
	for _, noun := range []string{"metadata", "tx", "verify"} {
		noun := noun
		registerCommand(func(f *Factory) *cobra.Command {
			cmd := &cobra.Command{Use: noun, Short: nounShort[noun], Args: exactArgs(0)}
			for _, add := range subcommands[noun] {
				cmd.AddCommand(add(f))
			}
			return cmd
		})
	}
}
