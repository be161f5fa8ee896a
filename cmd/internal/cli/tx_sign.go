package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
)

// xtSigned is what `ksm tx sign` prints.
type xtSigned struct {
	Extrinsic string `json:"extrinsic"`
	Hash      string `json:"hash"`
	Signer    string `json:"signer"`
}

func newTxSignCmd(f *Factory) *cobra.Command {
	var metaPath, from string
	cmd := &cobra.Command{
		Use:   "sign FILE --from NAME --metadata FILE",
		Short: "Sign an unsigned transaction file offline",
		Long: `Sign a transaction built by 'ksm tx build', without any network access.

The signing payload is rebuilt from the file and checked against the one the
file carries; the call shown for confirmation is decoded from that final
payload with the given metadata, so what you sign is what you are shown.
When the file enables CheckMetadataHash, the RFC-0078 digest is recomputed
from the metadata and must equal the file's, and the file's RFC-0078 proof
must prove it (exit 3 otherwise). Confirm with
y (or pass --yes), then the key NAME is unlocked and the signed extrinsic is
printed as hex (with --json: {extrinsic, hash, signer}).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" {
				return UsageErrorf("--from NAME is required")
			}
			env, err := xtLoad(f, metaPath)
			if err != nil {
				return err
			}
			raw, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			var u xtUnsigned
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&u); err != nil {
				return UsageErrorf("%s: not an unsigned transaction file: %v", args[0], err)
			}
			p, call, err := u.params()
			if err != nil {
				return UsageErrorf("%s: %v", args[0], err)
			}
			payload, err := env.format.SigningPayload(call, p)
			if err != nil {
				return err
			}
			if u.SigningPayload != "" && u.SigningPayload != xtHexString(payload) {
				return VerificationError(fmt.Errorf("%s: its signingPayload differs from the one its fields give; the file was altered or built for other metadata", args[0]))
			}
			if p.MetadataHash != nil {
				if u.Decimals < 0 || u.Decimals > 255 {
					return UsageErrorf("%s: decimals %d", args[0], u.Decimals)
				}
				opts := xtDigestOptions{specVersion: u.SpecVersion, decimals: uint8(u.Decimals), decimalsSet: true, tokenSymbol: u.TokenSymbol}
				mk, err := opts.merkleize(env.md, env.net)
				if err != nil {
					return VerificationError(fmt.Errorf("metadata hash: %w", err))
				}
				if d := mk.Digest(); d != *p.MetadataHash {
					return VerificationError(fmt.Errorf("the file's metadata hash %x is not the digest of this metadata (%x)", *p.MetadataHash, d))
				}
				if u.MetadataProof != "" {
					proof, err := xtHex(u.MetadataProof, "metadataProof")
					if err != nil {
						return err
					}
					if d, _, err := metadata.VerifyMerkleProof(proof); err != nil || d != *p.MetadataHash {
						return VerificationError(fmt.Errorf("the file's metadata proof does not prove its metadata hash (%v)", err))
					}
				}
			}
			// Show what is signed, decoded from the final payload.
			decoded, err := env.format.DecodePayload(payload)
			if err != nil {
				return fmt.Errorf("decode the signing payload: %w", err)
			}
			shown, err := env.payloadJSON(decoded)
			if err != nil {
				return fmt.Errorf("decode the call: %w", err)
			}
			ke, err := openKeyEnv(f)
			if err != nil {
				return err
			}
			entry, err := ke.store.Get(from)
			if err != nil {
				return keyErr(err)
			}
			fromID, err := env.codec.ParseAccount(u.From)
			if err != nil {
				return UsageErrorf("%s: from: %v", args[0], err)
			}
			view := struct {
				From string `json:"from"`
				Key  string `json:"key"`
				*xtPayload
			}{env.codec.FormatAccount(fromID), from, shown}
			b, _ := json.MarshalIndent(view, "", "  ")
			fmt.Fprintf(f.IO.ErrOut, "You are about to sign:\n%s\n", b)
			if !f.Opts.Yes {
				ok, err := f.IO.Confirm("Sign this transaction?")
				if errors.Is(err, iostreams.ErrNoTTY) {
					return UsageErrorf("not on a terminal: pass --yes to sign without confirmation")
				}
				if err != nil {
					return err
				}
				if !ok {
					return ErrCancelled
				}
			}
			pw, err := newPasswordSource(f, false).forKey(ke.home, entry.Name)
			if err != nil {
				return err
			}
			pair, err := ke.store.Unlock(entry.Name, pw)
			wipeBytes(pw)
			if err != nil {
				return keyErr(err)
			}
			defer pair.Wipe()
			if pair.AccountID() != fromID {
				return UsageErrorf("key %q is account %s, but the transaction is from %s", from, env.codec.FormatAccount(pair.AccountID()), u.From)
			}
			signed, err := env.format.Sign(call, p, pair)
			if err != nil {
				return err
			}
			h := hash.Blake2b256(signed)
			if f.Opts.JSON {
				return f.PrintJSON(xtSigned{Extrinsic: xtHexString(signed), Hash: xtHexString(h[:]), Signer: u.From})
			}
			_, err = fmt.Fprintln(f.IO.Out, xtHexString(signed))
			return err
		},
	}
	cmd.Flags().StringVar(&metaPath, "metadata", "", "runtime metadata file (binary or hex) matching the transaction's runtime")
	cmd.Flags().StringVar(&from, "from", "", "name of the key to sign with")
	return cmd
}
