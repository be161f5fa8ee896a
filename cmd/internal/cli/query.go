package cli

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
)

func newQueryCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "query",
		Short: "Read chain state, verified against the finalized state root",
		Args:  exactArgs(0),
	}
	cmd.AddCommand(newQueryStorageCmd(f))
	return cmd
}

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
			mdSource := ""
			if mdFile != "" {
				b, err := os.ReadFile(mdFile)
				if err != nil {
					return app.Usagef("--metadata: %v", err)
				}
				if md, err = metadata.Parse(b); err != nil {
					return app.Usagef("--metadata %s: %v", mdFile, err)
				}
				mdSource = "file"
			}
			if isPara && !onPara && paraRPC == "" {
				return app.Usagef("reading parachain %d needs --para-rpc URL, an endpoint of the parachain: its proofs are checked against the head the relay chain proves", paraID)
			}
			if !isPara && paraRPC != "" {
				return app.Usagef("--para-rpc is for --para reads")
			}
			e, err := openLightRoute(ctx, f, r, paraRPC, paraID)
			if err != nil {
				return err
			}
			defer e.Close()
			if onPara && !e.verified() {
				// --trust-rpc: the parachain endpoint answers on its own.
				isPara = false
			}
			if isPara && !e.verified() {
				return app.Usagef("--para reads a parachain through the relay chain's proofs; an endpoint trusted with --trust-rpc proves nothing: point --rpc at the parachain's own endpoint instead")
			}
			if err := e.waitSynced(ctx); err != nil {
				return err
			}
			q := storageQuery{md: md, mdSource: mdSource, pallet: args[0], item: args[1], keyArgs: args[2:], para: isPara, paraID: paraID}
			out, err := queryStorage(ctx, e, q)
			if err != nil {
				return err
			}
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

// storageQuery is one query storage request.
type storageQuery struct {
	md           *metadata.Metadata
	mdSource     string
	pallet, item string
	keyArgs      []string
	para         bool
	paraID       uint32
}

// queryStorage reads one storage value: proven at the finalized block by
// the light client (its key built with the runtime's own metadata unless a
// file gave it), or claimed by a trusted endpoint.
func queryStorage(ctx context.Context, e *lightEnv, q storageQuery) (*queryStorageJSON, error) {
	out := &queryStorageJSON{Pallet: q.pallet, Item: q.item, Verified: e.verified(), MetadataSource: q.mdSource}
	md := q.md
	// The block to read at.
	var at header.Hash
	var number uint32
	if e.verified() {
		h, hash, _ := e.Client.Finalized()
		at, number = hash, h.Number
	} else {
		h, err := e.RPC.FinalizedHead(ctx)
		if err != nil {
			return nil, app.Unreachable(err)
		}
		hd, err := e.RPC.Header(ctx, &h)
		if err != nil {
			return nil, app.Unreachable(err)
		}
		at, number = header.Hash(h), uint32(hd.Number)
	}
	// paraAt is the parachain block read (zero: the latest proven head).
	var paraAt header.Hash
	if md == nil && e.verified() {
		home, err := e.f.HomeDir()
		if err != nil {
			return nil, err
		}
		lc := newLightChain(e, home, false)
		defer lc.Close()
		rtAt, rtNumber := chain.Hash(at), uint64(number)
		if q.para {
			// The parachain runtime's own metadata, at the head read.
			h, err := lc.Pin(ctx)
			if err != nil {
				return nil, fmt.Errorf("parachain %d head: %w", q.paraID, err)
			}
			rtAt, rtNumber, paraAt = h.Hash, h.Number, header.Hash(h.Hash)
		}
		sess, err := app.Open(ctx, lc, app.Options{Home: home})
		if err != nil {
			return nil, fmt.Errorf("runtime metadata: %w", err)
		}
		rt, err := sess.Runtime(ctx, rtAt)
		if err != nil {
			return nil, fmt.Errorf("runtime metadata at #%d: %w", rtNumber, err)
		}
		md, out.MetadataSource, out.MetadataVerified = rt.Meta, "runtime", true
	} else if md == nil {
		raw, err := chain.NewRPC(e.RPC).Metadata(ctx, chain.Hash(at))
		if err != nil {
			return nil, app.Unreachable(fmt.Errorf("state_getMetadata: %w", err))
		}
		if md, err = metadata.Decode(raw); err != nil {
			return nil, fmt.Errorf("metadata from the endpoint: %w", err)
		}
		out.MetadataSource = "rpc"
	}
	codec := value.New(md, e.net.SS58Prefix)
	entry, err := storage.Lookup(codec, q.pallet, q.item)
	if err != nil {
		return nil, app.Usagef("%v", err)
	}
	parts := make([]any, len(q.keyArgs))
	for i, a := range q.keyArgs {
		v, err := value.ParseJSON([]byte(a))
		if err != nil {
			v = a // a bare string (an SS58 address, a name)
		}
		parts[i] = v
	}
	key, err := entry.Key(parts...)
	if err != nil {
		return nil, app.Usagef("key of %s.%s: %v", q.pallet, q.item, err)
	}
	out.Key = "0x" + hex.EncodeToString(key)
	var raw []byte
	var found bool
	switch {
	case e.verified() && q.para:
		res, err := e.Client.Para(q.paraID).ReadStorageAt(ctx, paraAt, [][]byte{key})
		if err != nil {
			return nil, lightErr(e, err)
		}
		raw, found = res.Values[0].Value, res.Values[0].Found
		at, number = res.Block, res.Number
		if p := res.Para; p != nil && p.Header != nil {
			out.Para = &paraBlockJSON{ID: p.ParaID, Number: p.Header.Number, Hash: p.Hash}
		}
	case e.verified():
		res, err := e.Client.ReadStorageAt(ctx, at, [][]byte{key})
		if err != nil {
			return nil, lightErr(e, err)
		}
		raw, found = res.Values[0].Value, res.Values[0].Found
		at, number = res.Block, res.Number
	default:
		raw, found, err = chain.NewRPC(e.RPC).Storage(ctx, key, chain.Hash(at))
		if err != nil {
			return nil, app.Unreachable(fmt.Errorf("state_getStorage: %w", err))
		}
	}
	out.Block = blockJSON{Number: number, Hash: at}
	out.Found = found
	if found {
		s := "0x" + hex.EncodeToString(raw)
		out.Raw = &s
	}
	v, err := entry.ValueOrDefault(raw, found)
	if err != nil {
		return nil, fmt.Errorf("decode %s.%s: %w", q.pallet, q.item, err)
	}
	out.Value = v
	return out, nil
}
