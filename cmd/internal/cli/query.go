package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/metadata"
)

type queryStorageJSON struct {
	Pallet string    `json:"pallet"`
	Item   string    `json:"item"`
	Key    string    `json:"key"`
	Found  bool      `json:"found"`
	Value  any       `json:"value"`
	Raw    *string   `json:"raw"`
	Block  blockJSON `json:"block"`
	// Para is the parachain block read (--para, or a parachain network),
	// whose head the relay Block's Paras::Heads holds.
	Para *paraBlockJSON `json:"para,omitempty"`
	// Verified is true when the value was proven against the state root of
	// the GRANDPA-finalized Block (or of Para's head proven in it).
	Verified bool `json:"verified"`
	// MetadataVerified says whether the metadata used to build the key and
	// decode the value is known to be the runtime's: true when it came from
	// executing the runtime whose code is proven at Block ("runtime");
	// false from a file or an endpoint's claim ("file", "rpc").
	MetadataVerified bool   `json:"metadataVerified"`
	MetadataSource   string `json:"metadataSource"`
	// Chain names the chain read ("kusama-asset-hub").
	Chain string `json:"chain"`
}

type paraBlockJSON struct {
	ID     uint32      `json:"id"`
	Number uint32      `json:"number"`
	Hash   header.Hash `json:"hash"`
}

func newQueryStorageCmd(f *Factory) *cobra.Command {
	var mdFile, paraRPC string
	var para uint32
	cmd := &cobra.Command{
		Use:   "storage PALLET ITEM [KEY...]",
		Short: "Read a storage value by pallet, item and keys, proven at the finalized block",
		Long: `Read PALLET.ITEM at the latest finalized block. KEY parts are value JSON
(numbers, strings, 0x-hex bytes; an SS58 address may be given bare). The key
is built and the value decoded with the runtime metadata: by default the
metadata the runtime itself returns, executed locally over proven storage
("metadataVerified": true), or --metadata FILE. The value is proven by a
storage proof against the finalized state root; the output says so
("verified") and names the block.

On a parachain network (--network kusama-asset-hub) the parachain's state
is read: its head is proven in the relay chain's Paras::Heads and the value
against that head's state root; the metadata is the parachain runtime's own,
executed over its proven state. The proofs come from --rpc URL, an endpoint
of the parachain (trusted for nothing: what it sends is checked against the
proven head), or else from the parachain's libp2p network; the relay chain
is followed over libp2p, or --relay-rpc URL.

--para ID reads parachain ID's state the same way on a relay network, from
--para-rpc URL, an endpoint of that parachain. On a relay network with an
Asset Hub (kusama, ...) a pallet that lives on Asset Hub (Staking,
NominationPools, ConvictionVoting, Referenda, Claims, Balances) is read
there, through the relay chain; other pallets on the relay chain.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return syntaxErrorf("query storage takes PALLET ITEM [KEY...]")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			n, err := f.Network()
			if err != nil {
				return err
			}
			paraID, isPara := para, cmd.Flags().Changed("para")
			// On a relay network with an Asset Hub a pallet the routing
			// table places on Asset Hub is read there (through the relay
			// chain); any other pallet on the relay chain.
			r := route{net: n, target: n}
			if !isPara {
				pallet := args[0]
				if ah := app.AssetHubOf(n.Profile); ah == nil || !ah.Hosts(pallet) {
					pallet = ""
				}
				if r, err = routeFor(f, pallet); err != nil {
					return err
				}
				n = r.target
			}
			onPara := backend.IsParaNetwork(n)
			if isPara && onPara {
				return app.Usagef("--para is for relay networks: on %s the parachain's own state is read", n.Name)
			}
			if onPara {
				paraID, isPara = n.Profile.ParaID, true
			}
			var md *metadata.Metadata
			if mdFile != "" {
				b, err := os.ReadFile(mdFile)
				if err != nil {
					return app.Usagef("--metadata: %v", err)
				}
				if md, err = metadata.Parse(b); err != nil {
					return app.Usagef("--metadata %s: %v", mdFile, err)
				}
			}
			if isPara && !onPara && paraRPC == "" {
				return app.Usagef("reading parachain %d needs --para-rpc URL, an endpoint of the parachain: its proofs are checked against the head the relay chain proves", paraID)
			}
			if !isPara && paraRPC != "" {
				return app.Usagef("--para-rpc is for --para reads")
			}
			e, err := openRoute(ctx, f, r, paraRPC, paraID, nil)
			if err != nil {
				return err
			}
			defer e.Close()
			if isPara && !onPara && !e.sess.Chain.Verified() {
				return app.Usagef("--para reads a parachain through the relay chain's proofs; an endpoint trusted with --trust-rpc proves nothing: point --rpc at the parachain's own endpoint instead")
			}
			v, err := e.sess.QueryStorage(ctx, app.StorageQuery{Pallet: args[0], Item: args[1], Keys: args[2:], Metadata: md})
			if err != nil {
				return err
			}
			out := storageView(args[0], args[1], v)
			out.Chain = e.sess.ChainID()
			if !out.Verified {
				f.Warnf("the value is what %s claims; it is not verified", redactRPC(f.Opts.RPC))
			}
			if f.Opts.JSON {
				return f.PrintJSON(out)
			}
			if err := f.PrintJSON(out.Value); err != nil {
				return err
			}
			state := "verified"
			if !out.Verified {
				state = "NOT verified (--trust-rpc)"
			}
			if !out.Found {
				state += ", key absent: default value"
			}
			mdState := "verified"
			if !out.MetadataVerified {
				mdState = "not verified"
			}
			where := fmt.Sprintf("block #%d %s", out.Block.Number, out.Block.Hash)
			if out.Para != nil {
				where = fmt.Sprintf("parachain %d block #%d %s (head in relay %s)", out.Para.ID, out.Para.Number, out.Para.Hash, where)
			}
			f.Infof("%s at %s; metadata from %s (%s)", state, where, out.MetadataSource, mdState)
			return nil
		},
	}
	cmd.Flags().StringVar(&mdFile, "metadata", "", "metadata file (SCALE or hex) to build the key and decode the value")
	cmd.Flags().Uint32Var(&para, "para", 0, "read parachain ID's state through the relay chain (needs --para-rpc)")
	cmd.Flags().StringVar(&paraRPC, "para-rpc", "", "JSON-RPC endpoint of the parachain (--para): its proofs are checked against the relay-proven head")
	return cmd
}

// storageView converts a value read to the cli.md shape.
func storageView(pallet, item string, v *app.StorageValue) *queryStorageJSON {
	out := &queryStorageJSON{Pallet: pallet, Item: item, Key: xtHexString(v.Key), Found: v.Found, Value: v.Value,
		Block: blockOf(v.Block), Verified: v.Verified, MetadataVerified: v.MetadataVerified, MetadataSource: v.MetadataSource}
	if v.Found {
		s := xtHexString(v.Raw)
		out.Raw = &s
	}
	if p := v.Para; p != nil {
		out.Para = &paraBlockJSON{ID: p.ID, Number: p.Number, Hash: header.Hash(p.Hash)}
	}
	return out
}
