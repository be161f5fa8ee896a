package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tx/metadata"
)

// loadMetadataArg loads --metadata FILE; a missing flag, an unreadable file
// and bytes that are not metadata are bad input (exit 2).
func loadMetadataArg(path string) (*metadata.Metadata, error) {
	if path == "" {
		return nil, app.Usagef("--metadata FILE is required")
	}
	md, err := metadata.Load(path)
	if err != nil {
		// Missing, unreadable or not metadata: the file named is wrong.
		return nil, app.Input(err)
	}
	return md, nil
}

func newMetadataInspectCmd(f *Factory) *cobra.Command {
	var metaPath string
	cmd := &cobra.Command{
		Use:   "inspect --metadata FILE",
		Short: "List the pallets, calls, storage items, events, errors and constants of runtime metadata",
		Long: `Read runtime metadata (v14, v15 or v16; binary as returned by state_getMetadata,
the Option<OpaqueMetadata> of Metadata_metadata_at_version, or the same as hex
text) and list each pallet with its index and the names of its calls, storage
items, events, errors and constants, and the transaction extensions.

With --json (or when stdout is not a terminal) the output is
{version, pallets: [{name, index, calls, storage, events, errors, constants}], extensions}.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			md, err := loadMetadataArg(metaPath)
			if err != nil {
				return err
			}
			s := metadata.Summarize(md)
			return printJSONOr(f, s, func() error { return printMetadataSummary(f, md, s) })
		},
	}
	addMetadataFlag(cmd, &metaPath)
	return cmd
}

func printMetadataSummary(f *Factory, md *metadata.Metadata, s *metadata.Summary) error {
	w := f.IO.Out
	fmt.Fprintf(w, "Runtime metadata v%d: %d pallets, %d types", s.Version, len(s.Pallets), len(md.Types.Types))
	if len(md.APIs) > 0 {
		fmt.Fprintf(w, ", %d runtime APIs", len(md.APIs))
	}
	fmt.Fprintln(w)
	versions := make([]string, len(md.Extrinsic.Versions))
	for i, v := range md.Extrinsic.Versions {
		versions[i] = fmt.Sprint(v)
	}
	fmt.Fprintf(w, "Extrinsic versions: %s\nTransaction extensions: %s\n\n", strings.Join(versions, ", "), strings.Join(s.Extensions, ", "))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INDEX\tPALLET\tCALLS\tSTORAGE\tEVENTS\tERRORS\tCONSTANTS")
	for _, p := range s.Pallets {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%d\t%d\n", p.Index, p.Name, len(p.Calls), len(p.Storage), len(p.Events), len(p.Errors), len(p.Constants))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nUse --json for every name.")
	return nil
}
