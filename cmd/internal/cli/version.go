package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/cmd/internal/buildinfo"
)

// versionJSON is the JSON of ksm version: the build and the embedded
// checkpoints (a first start past their maximum age needs --checkpoint or
// --accept-old-checkpoint).
type versionJSON struct {
	Version     string                   `json:"version"`
	Commit      string                   `json:"commit"`
	Date        string                   `json:"date"`
	Go          string                   `json:"go"`
	Checkpoints []backend.CheckpointInfo `json:"checkpoints"`
}

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the ksm version",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, commit, date := buildinfo.Info()
			if f.Opts.JSON {
				cps, err := backend.EmbeddedCheckpoints()
				if err != nil {
					return err
				}
				return f.PrintJSON(versionJSON{Version: v, Commit: commit, Date: date, Go: runtime.Version(), Checkpoints: cps})
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
