package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

func init() { registerSubcommand("verify", newVerifyGenesisCmd) }

type genesisOut struct {
	StateRoot    string `json:"stateRoot"`
	GenesisHash  string `json:"genesisHash"`
	Source       string `json:"source"`                 // "raw" or "stateRootHash"
	StateVersion *int   `json:"stateVersion,omitempty"` // for a raw genesis
	Entries      int    `json:"entries,omitempty"`
}

// readChainSpec reads --chain-spec FILE, or the embedded spec of --network
// (a profile name, or a chain-spec file) when file is empty.
func readChainSpec(f *Factory, file string) (*chainspec.Spec, error) {
	var b []byte
	var err error
	switch {
	case file != "":
		b, err = os.ReadFile(file)
	default:
		name := f.Opts.Network
		if name == "" {
			name = "kusama"
		}
		p, lerr := chainspec.Lookup(name)
		if lerr != nil {
			if _, serr := os.Stat(name); serr != nil {
				return nil, app.Usagef("no --chain-spec and %v", lerr)
			}
			b, err = os.ReadFile(name)
		} else {
			b, err = p.SpecJSON()
		}
	}
	if err != nil {
		return nil, app.Input(err)
	}
	s, err := chainspec.Parse(b)
	if err != nil {
		return nil, app.Input(err)
	}
	return s, nil
}

func newVerifyGenesisCmd(f *Factory) *cobra.Command {
	var (
		specFile     string
		stateVersion string
	)
	cmd := &cobra.Command{
		Use:   "genesis --chain-spec FILE",
		Short: "Compute the genesis state root and block hash of a chain spec",
		Long: `Compute the state root of a raw chain spec's genesis storage (genesis.raw.top
and its default child tries) as a trie root, build the genesis header from it
and print its hash. The trie layout is the state version the runtime in :code
declares (V0 when it declares none); --state-version 0|1 overrides it.
A light spec (genesis.stateRootHash) gives its genesis hash from that root.
Without --chain-spec the embedded spec of --network is used.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readChainSpec(f, specFile)
			if err != nil {
				return err
			}
			out := genesisOut{}
			switch {
			case s.Raw != nil:
				var l trie.Layout
				switch stateVersion {
				case "", "auto":
					if l, err = s.Raw.StateVersion(); err != nil {
						return app.Input(err)
					}
				case "0":
					l = trie.V0
				case "1":
					l = trie.V1
				default:
					return app.Usagef("--state-version must be 0, 1 or auto")
				}
				root := s.Raw.RawStateRoot(l)
				v := int(l)
				out = genesisOut{StateRoot: root.String(), GenesisHash: chainspec.GenesisHeader(root).Hash().String(),
					Source: "raw", StateVersion: &v, Entries: len(s.Raw.Top)}
			case s.StateRootHash != nil:
				root := *s.StateRootHash
				out = genesisOut{StateRoot: root.String(), GenesisHash: chainspec.GenesisHeader(root).Hash().String(), Source: "stateRootHash"}
			default:
				return app.Usagef("chain spec has neither genesis.raw nor genesis.stateRootHash")
			}
			if f.Opts.JSON {
				return f.PrintJSON(out)
			}
			fmt.Fprintf(f.IO.Out, "state root    %s\ngenesis hash  %s\n", out.StateRoot, out.GenesisHash)
			return nil
		},
	}
	cmd.Flags().StringVar(&specFile, "chain-spec", "", "chain-spec JSON file (default: the embedded spec of --network)")
	cmd.Flags().StringVar(&stateVersion, "state-version", "auto", "trie layout of a raw genesis: 0, 1 or auto (from the runtime)")
	return cmd
}
