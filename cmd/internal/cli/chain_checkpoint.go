package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
)

// checkpointExportJSON is the JSON of ksm chain checkpoint export.
type checkpointExportJSON struct {
	File    string `json:"file"`
	Network string `json:"network"`
	Number  uint32 `json:"number"`
	Hash    string `json:"hash"`
	SetID   uint64 `json:"setId"`
	Date    string `json:"date"`
	SavedAt string `json:"savedAt"`
}

func newChainCheckpointCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "checkpoint",
		Short: "Export the verified finalized state as a checkpoint for another ksm",
		Args:  exactArgs(0),
	}
	cmd.AddCommand(newChainCheckpointExportCmd(f))
	return cmd
}

func newChainCheckpointExportCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "export FILE",
		Short: "Write a chain spec whose lightSyncState is the verified finalized state kept under --home",
		Long: `Write a chain spec (the embedded one of the network's relay chain) whose
lightSyncState is the verified finalized state kept under --home: the block
ksm synced to last and the GRANDPA authority set in force after it. Another
ksm starts from it with --checkpoint FILE; ksm verify checkpoint --chain-spec
FILE checks it. Nothing is read from the network: run ksm chain sync first
for the newest state. The file is written atomically, mode 0600; an existing
FILE is replaced only with --yes. babeEpochChanges and authority_set_changes
are left out (a GRANDPA light client keeps neither), so the file is for ksm,
not for a node.

JSON: {file, network, number, hash, setId, date, savedAt}. Exit 1 when no
verified state is kept yet, 2 when FILE exists (without --yes).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := args[0]
			n, err := f.Network()
			if err != nil {
				return err
			}
			home, err := f.HomeDir()
			if err != nil {
				return err
			}
			b, e, err := backend.ExportCheckpoint(home, n)
			if err != nil {
				return err
			}
			if err := writePrivateFile(file, b, f.Opts.Yes); errors.Is(err, errFileExists) {
				return app.Usagef("%s exists; pass --yes to overwrite it", file)
			} else if err != nil {
				return err
			}
			out := checkpointExportJSON{File: file, Network: e.Network, Number: e.Number, Hash: e.Hash, SetID: e.SetID, Date: e.Date,
				SavedAt: e.SavedAt.UTC().Format("2006-01-02T15:04:05Z")}
			if f.Opts.JSON {
				return f.PrintJSON(out)
			}
			fmt.Fprintf(f.IO.ErrOut, "Wrote the %s checkpoint #%d %s (set id %d, %s) to %s\n", out.Network, out.Number, out.Hash, out.SetID, out.Date, file)
			return nil
		},
	}
}
