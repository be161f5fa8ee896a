package cli

import "github.com/spf13/cobra"

// newNounCmd makes a noun's command (key, stake, chain, ...) from its
// description (Use, Short and, for some, a Long help text kept beside the
// verbs, such as stakeLong): it takes no arguments of its own (a mistyped
// verb exits 2 with suggestions) and holds the verbs, each made with f.
// addCommands lists every noun with its verbs.
func newNounCmd(f *Factory, c *cobra.Command, verbs ...func(*Factory) *cobra.Command) *cobra.Command {
	c.Args = exactArgs(0)
	for _, v := range verbs {
		c.AddCommand(v(f))
	}
	return c
}
