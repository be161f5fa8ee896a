package cli

import "github.com/spf13/cobra"

// newNounCmd makes a noun's command (key, stake, chain, ...) from its
// description (newGroupCmd is the short form for a one-line noun): it takes
// no arguments of its own (a mistyped verb exits 2 with suggestions) and
// holds the verbs, each made with f.
func newNounCmd(f *Factory, c *cobra.Command, verbs ...func(*Factory) *cobra.Command) *cobra.Command {
	c.Args = exactArgs(0)
	for _, v := range verbs {
		c.AddCommand(v(f))
	}
	return c
}
