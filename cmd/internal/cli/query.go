package cli

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
)

func init() { registerCommand(newQueryCmd) }

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
	// Verified is true when the value was proven against the state root of
	// the GRANDPA-finalized Block.
	Verified bool `json:"verified"`
	// MetadataVerified says whether the metadata used to build the key and
	// decode the value is known to be the runtime's (it is not yet: it comes
	// from the endpoint or a file); MetadataSource says where it came from.
	MetadataVerified bool   `json:"metadataVerified"`
	MetadataSource   string `json:"metadataSource"`
}

func newQueryStorageCmd(f *Factory) *cobra.Command {
	var mdFile string
	cmd := &cobra.Command{
		Use:   "storage PALLET ITEM [KEY...]",
		Short: "Read a storage value by pallet, item and keys, proven at the finalized block",
		Long: `Read PALLET.ITEM at the latest finalized block. KEY parts are value JSON
(numbers, strings, 0x-hex bytes; an SS58 address may be given bare). The key
is built and the value decoded with the runtime metadata, from --metadata FILE
or from the --rpc endpoint (state_getMetadata). The value is proven by a
storage proof against the finalized state root; the output says so
("verified") and names the block. The metadata itself cannot be proven yet
(that needs executing the runtime): "metadataVerified" is false.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return syntaxErrorf("query storage takes PALLET ITEM [KEY...]")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if n, err := f.Network(); err == nil && n.Profile != nil && !n.Profile.IsRelay() {
				return UsageErrorf("query storage reads the relay chain; %s state (through Paras::Heads) is not offered by this command yet", n.Profile.Name)
			}
			var md *metadata.Metadata
			mdSource := ""
			if mdFile != "" {
				b, err := os.ReadFile(mdFile)
				if err != nil {
					return UsageErrorf("--metadata: %v", err)
				}
				if md, err = metadata.Parse(b); err != nil {
					return UsageErrorf("--metadata %s: %v", mdFile, err)
				}
				mdSource = "file"
			} else if f.Opts.RPC == "" {
				return UsageErrorf("query storage over libp2p needs --metadata FILE (metadata from peers needs runtime execution, not available yet), or use --rpc URL")
			}
			e, err := openLight(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			out, err := queryStorage(ctx, e, md, mdSource, args[0], args[1], args[2:])
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
			f.Infof("%s at block #%d %s; metadata from %s (not verified)", state, out.Block.Number, out.Block.Hash, out.MetadataSource)
			return nil
		},
	}
	cmd.Flags().StringVar(&mdFile, "metadata", "", "metadata file (SCALE or hex) to build the key and decode the value")
	return cmd
}

func queryStorage(ctx context.Context, e *lightEnv, md *metadata.Metadata, mdSource, pallet, item string, keyArgs []string) (*queryStorageJSON, error) {
	out := &queryStorageJSON{Pallet: pallet, Item: item, Verified: e.verified(), MetadataSource: mdSource}
	// The block to read at.
	var at header.Hash
	var number uint32
	if e.verified() {
		if err := e.client.WaitSynced(ctx); err != nil {
			return nil, lightErr(e, err)
		}
		h, hash, _ := e.client.Finalized()
		at, number = hash, h.Number
	} else {
		h, err := e.rpc.FinalizedHead(ctx)
		if err != nil {
			return nil, NetworkError(err)
		}
		hd, err := e.rpc.Header(ctx, &h)
		if err != nil {
			return nil, NetworkError(err)
		}
		at, number = header.Hash(h), uint32(hd.Number)
	}
	if md == nil {
		h := [32]byte(at)
		raw, err := e.rpc.Metadata(ctx, (*rpcHash)(&h))
		if err != nil {
			return nil, NetworkError(fmt.Errorf("state_getMetadata: %w", err))
		}
		if md, err = metadata.Decode(raw); err != nil {
			return nil, fmt.Errorf("metadata from the endpoint: %w", err)
		}
		out.MetadataSource = "rpc"
	}
	codec := value.New(md, e.net.SS58Prefix)
	entry, err := storage.Lookup(codec, pallet, item)
	if err != nil {
		return nil, UsageErrorf("%v", err)
	}
	parts := make([]any, len(keyArgs))
	for i, a := range keyArgs {
		v, err := value.ParseJSON([]byte(a))
		if err != nil {
			v = a // a bare string (an SS58 address, a name)
		}
		parts[i] = v
	}
	key, err := entry.Key(parts...)
	if err != nil {
		return nil, UsageErrorf("key of %s.%s: %v", pallet, item, err)
	}
	out.Key = "0x" + hex.EncodeToString(key)
	var raw []byte
	var found bool
	if e.verified() {
		res, err := e.client.ReadStorage(ctx, [][]byte{key})
		if err != nil {
			return nil, lightErr(e, err)
		}
		raw, found = res.Values[0].Value, res.Values[0].Found
		at, number = res.Block, res.Number
	} else {
		h := [32]byte(at)
		raw, err = e.rpc.Storage(ctx, key, (*rpcHash)(&h))
		found = err == nil
		if err != nil && !isRPCNotFound(err) {
			return nil, NetworkError(fmt.Errorf("state_getStorage: %w", err))
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
		return nil, fmt.Errorf("decode %s.%s: %w", pallet, item, err)
	}
	out.Value = v
	return out, nil
}
