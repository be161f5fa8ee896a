package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/buildinfo"
)

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the ksm version",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, commit, date := buildinfo.Info()
			if f.Opts.JSON {
				return f.PrintJSON(map[string]string{"version": v, "commit": commit, "date": date, "go": runtime.Version()})
			}
			fmt.Fprintf(f.IO.Out, "ksm %s", v)
			if commit != "" {
				fmt.Fprintf(f.IO.Out, " (%.12s", commit)
				if date != "" {
					fmt.Fprintf(f.IO.Out, ", %s", date)
				}
				fmt.Fprint(f.IO.Out, ")")
			}
			fmt.Fprintf(f.IO.Out, " %s\n", runtime.Version())
			return nil
		},
	}
}
