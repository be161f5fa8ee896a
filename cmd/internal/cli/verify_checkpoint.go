package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/store"
)

func init() { registerSubcommand("verify", newVerifyCheckpointCmd) }

// checkpointNow is the clock of verify checkpoint (tests replace it).
var checkpointNow = time.Now

type checkpointOut struct {
	GenesisHash         string   `json:"genesisHash"`
	Number              uint32   `json:"number"`
	Hash                string   `json:"hash"`
	SetID               uint64   `json:"setId"`
	Authorities         [][2]any `json:"authorities"` // [key, weight]: the form verify justification reads
	AuthorityCount      int      `json:"authorityCount"`
	TotalWeight         uint64   `json:"totalWeight"`
	AuthoritySetChanges int      `json:"authoritySetChanges"`
	PendingChanges      int      `json:"pendingChanges"`
	BABEEpochs          int      `json:"babeEpochs"`
	BABEFinalizedWeight uint64   `json:"babeFinalizedBlockWeight"`
	Slot                uint64   `json:"slot"`
	Timestamp           string   `json:"timestamp"`
	AgeDays             float64  `json:"ageDays"`
	Warning             string   `json:"warning,omitempty"`
}

func newVerifyCheckpointCmd(f *Factory) *cobra.Command {
	var specFile, authoritiesOut string
	cmd := &cobra.Command{
		Use:   "checkpoint --chain-spec FILE",
		Short: "Decode and check a chain spec's light-sync checkpoint",
		Long: `Decode the lightSyncState of a chain spec — the finalized header, the GRANDPA
authority set (pending changes, forced changes, authority_set_changes) and
the BABE epoch changes — check it for consistency and print the block it
starts from and the authority set that finalizes its successors. The
checkpoint is dated from its BABE slot; a warning goes to stderr when it is
older than the network's unbonding period. Without --chain-spec the embedded
spec of --network is used. The JSON field authorities is the authority set as
[[key, weight], ...], the form verify justification --authorities reads;
--authorities-out FILE writes the same array to a file.
Exit 2 when the checkpoint does not decode or is inconsistent.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readChainSpec(f, specFile)
			if err != nil {
				return err
			}
			c, err := s.Checkpoint()
			if err != nil {
				return app.Input(err)
			}
			gh, err := s.GenesisHash()
			if err != nil {
				return app.Input(err)
			}
			g := c.Grandpa
			out := checkpointOut{
				GenesisHash: gh.String(), Number: c.Header.Number, Hash: c.Hash.String(),
				SetID: g.Set.SetID, Authorities: authorityPairs(g.Set), AuthorityCount: len(g.Set.Authorities), TotalWeight: g.Set.TotalWeight(),
				AuthoritySetChanges: len(g.AuthoritySetChanges), PendingChanges: len(c.TrackerPending()),
				BABEFinalizedWeight: c.BABEFinalizedBlockWeight,
			}
			if c.BABE != nil {
				out.BABEEpochs = len(c.BABE.Epochs)
			}
			policy := chainspec.AgePolicy{SlotDuration: 6 * time.Second, Warn: 7 * 24 * time.Hour}
			if p, err := chainspec.Lookup(s.ID); err == nil && p.GenesisHash == gh {
				policy = p.Age
			}
			policy.Max = 0 // inspecting an old checkpoint is fine; only starting from one is refused
			if slot, err := c.Slot(); err == nil {
				age, err := chainspec.CheckSlotAge(slot, checkpointNow(), policy, false)
				if err == nil {
					out.Slot, out.Timestamp = slot, age.Time.Format(time.RFC3339)
					out.AgeDays = float64(int64(age.Age.Hours()/24*10)) / 10
					out.Warning = age.Warning
				}
			}
			if out.Warning != "" {
				f.Warnf("%s", out.Warning)
			}
			if authoritiesOut != "" {
				b, err := json.MarshalIndent(out.Authorities, "", " ")
				if err != nil {
					return err
				}
				if err := store.WriteFileAtomic(authoritiesOut, append(b, '\n')); err != nil {
					return err
				}
			}
			if f.Opts.JSON {
				return f.PrintJSON(out)
			}
			fmt.Fprintf(f.IO.Out, "genesis      %s\nblock        #%d %s\nset id       %d, %d authorities\ntime         %s (%.1f days ago)\n",
				out.GenesisHash, out.Number, out.Hash, out.SetID, out.AuthorityCount, out.Timestamp, out.AgeDays)
			return nil
		},
	}
	cmd.Flags().StringVar(&specFile, "chain-spec", "", "chain-spec JSON file with lightSyncState (default: the embedded spec of --network)")
	cmd.Flags().StringVar(&authoritiesOut, "authorities-out", "", "write the authority set to FILE as JSON [[key, weight], ...]")
	return cmd
}

// authorityPairs renders an authority set as [[0x-key, weight], ...].
func authorityPairs(set grandpa.AuthoritySet) [][2]any {
	pairs := make([][2]any, len(set.Authorities))
	for i, a := range set.Authorities {
		pairs[i] = [2]any{hex0x(a.Key[:]), a.Weight}
	}
	return pairs
}
