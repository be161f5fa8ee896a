package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

func init() { registerSubcommand("verify", newVerifyProofCmd) }

type proofOut struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

type proofEntryOut struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type proofPrefixOut struct {
	Prefix   string          `json:"prefix"`
	Entries  []proofEntryOut `json:"entries"`
	Complete bool            `json:"complete"`
}

func newVerifyProofCmd(f *Factory) *cobra.Command {
	var (
		root, proofArg, key, prefix string
		allowUnused                 bool
	)
	cmd := &cobra.Command{
		Use:   "proof --root 0x.. --proof FILE|HEX (--key 0x.. | --prefix 0x..)",
		Short: "Verify a storage proof against a state root",
		Long: `Check a storage proof (trie layouts V0 and V1) against a trusted state root and
print the value it proves for --key, or null when it proves the key absent.
With --prefix, list every key/value under the prefix the proof covers.

--proof is a file or 0x-hex: a JSON array of 0x-hex nodes (as state_getReadProof
returns, the whole response object is accepted too), or a SCALE Vec<Vec<u8>>
(raw bytes or hex). "-" reads standard input.

Proofs carrying nodes not reachable from the root are refused, as smoldot
does; --allow-unused accepts them, as Substrate's read_proof_check does.
Exit 3 when the proof does not prove the answer (incomplete, wrong root,
malformed or superfluous nodes).`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if root == "" || proofArg == "" || (key == "") == (prefix == "") {
				return app.Usagef("--root, --proof and one of --key or --prefix are required")
			}
			rb, err := trie.DecodeHex(root)
			if err != nil || len(rb) != 32 {
				return app.Usagef("--root must be a 32-byte 0x-hex hash")
			}
			var rootHash trie.Hash
			copy(rootHash[:], rb)
			raw, err := verifyReadBytesArg(f, proofArg)
			if err != nil {
				return err
			}
			nodes, err := trie.ParseProof(raw)
			if err != nil {
				return app.Input(fmt.Errorf("read proof: %w", err))
			}
			p, err := trie.NewProofWith(rootHash, nodes, trie.Options{AllowUnused: allowUnused})
			if err != nil {
				return app.Unverified(err)
			}
			if prefix != "" {
				pb, err := trie.DecodeHex(prefix)
				if err != nil {
					return app.Usagef("--prefix: %v", err)
				}
				return runProofPrefix(f, p, pb)
			}
			kb, err := trie.DecodeHex(key)
			if err != nil {
				return app.Usagef("--key: %v", err)
			}
			v, found, err := p.Get(kb)
			if err != nil {
				return app.Unverified(err)
			}
			out := proofOut{Key: hex0x(kb)}
			if found {
				s := hex0x(v)
				out.Value = &s
			}
			if f.Opts.JSON {
				return f.PrintJSON(out)
			}
			if found {
				fmt.Fprintf(f.IO.Out, "%s\n", *out.Value)
			} else {
				fmt.Fprintf(f.IO.Out, "absent (the proof shows no value for %s)\n", out.Key)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&root, "root", "", "trusted state root (0x-hex)")
	fl.StringVar(&proofArg, "proof", "", "proof: file, 0x-hex or - (JSON array of hex nodes or SCALE Vec<Vec<u8>>)")
	fl.StringVar(&key, "key", "", "storage key to prove (0x-hex)")
	fl.StringVar(&prefix, "prefix", "", "list all keys under this prefix (0x-hex)")
	fl.BoolVar(&allowUnused, "allow-unused", false, "accept proof nodes not reachable from the root")
	return cmd
}

func runProofPrefix(f *Factory, p *trie.Proof, prefix []byte) error {
	kvs, err := p.Prefix(prefix)
	var inc *trie.IncompleteError
	if err != nil && !errors.As(err, &inc) {
		return app.Unverified(err)
	}
	out := proofPrefixOut{Prefix: hex0x(prefix), Entries: []proofEntryOut{}, Complete: err == nil}
	for _, kv := range kvs {
		out.Entries = append(out.Entries, proofEntryOut{hex0x(kv.Key), hex0x(kv.Value)})
	}
	if f.Opts.JSON {
		if perr := f.PrintJSON(out); perr != nil {
			return perr
		}
	} else {
		for _, e := range out.Entries {
			fmt.Fprintf(f.IO.Out, "%s %s\n", e.Key, e.Value)
		}
	}
	if err != nil {
		return app.Unverified(fmt.Errorf("%d entries proven; %w", len(kvs), err))
	}
	return nil
}
