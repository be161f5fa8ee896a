package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
)

// xtSigned is what `ksm tx sign` prints.
type xtSigned struct {
	Extrinsic string `json:"extrinsic"`
	Hash      string `json:"hash"`
	Signer    string `json:"signer"`
}

func newTxSignCmd(f *Factory) *cobra.Command {
	var metaPath, from string
	var allowNoHash bool
	cmd := &cobra.Command{
		Use:   "sign FILE --from NAME --metadata FILE",
		Short: "Sign an unsigned transaction file offline",
		Long: `Sign a transaction built by 'ksm tx build', without any network access.

The signing payload is rebuilt from the file and checked against the one the
file carries; the call shown for confirmation is decoded from that final
payload with the given metadata, so what you sign is what you are shown.
When the file enables CheckMetadataHash, the RFC-0078 digest is recomputed
from the metadata and must equal the file's, and the file's RFC-0078 proof
must prove it (exit 3 otherwise). A file signing mode 0 for a runtime that
has the extension is refused unless --allow-no-metadata-hash is given. The
screen names the chain (from the genesis hash, which must be that of
--network), shows token amounts in the chain's units and the fee estimated
when the file was built online. Confirm with
y (or pass --yes), then the key NAME is unlocked and the signed extrinsic is
printed as hex (with --json: {extrinsic, hash, signer}).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" {
				return app.Usagef("--from NAME is required")
			}
			env, err := xtLoad(f, metaPath)
			if err != nil {
				return err
			}
			raw, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			u, p, call, err := parseUnsignedFile(raw)
			if err != nil {
				return app.Usagef("%s: %v", args[0], err)
			}
			payload, err := env.format.SigningPayload(call, p)
			if err != nil {
				return err
			}
			if u.SigningPayload != "" && u.SigningPayload != xtHexString(payload) {
				return app.Unverified(fmt.Errorf("%s: its signingPayload differs from the one its fields give; the file was altered or built for other metadata", args[0]))
			}
			if p.MetadataHash != nil {
				if u.Decimals < 0 || u.Decimals > 255 {
					return app.Usagef("%s: decimals %d", args[0], u.Decimals)
				}
				opts := xtDigestOptions{specVersion: u.SpecVersion, decimals: uint8(u.Decimals), decimalsSet: true, tokenSymbol: u.TokenSymbol}
				mk, err := opts.merkleize(env.md, env.net)
				if err != nil {
					return app.Unverified(fmt.Errorf("metadata hash: %w", err))
				}
				if d := mk.Digest(); d != *p.MetadataHash {
					return app.Unverified(fmt.Errorf("the file's metadata hash %x is not the digest of this metadata (%x)", *p.MetadataHash, d))
				}
				if u.MetadataProof != "" {
					proof, err := xtHex(u.MetadataProof, "metadataProof")
					if err != nil {
						return err
					}
					if d, _, err := metadata.VerifyMerkleProof(proof); err != nil || d != *p.MetadataHash {
						return app.Unverified(fmt.Errorf("the file's metadata proof does not prove its metadata hash (%v)", err))
					}
				}
			}
			if xtHasMetadataHash(env.format) && p.MetadataHash == nil {
				if !allowNoHash {
					return app.Usagef("%s is signed without a metadata hash (CheckMetadataHash mode 0) although the runtime has the extension, so nothing checks the call against the metadata; rebuild it with tx build (mode 1 is the default) or pass --allow-no-metadata-hash", args[0])
				}
				f.Warnf("signing without a metadata hash (CheckMetadataHash mode 0), as --allow-no-metadata-hash asks")
			}
			chainName, err := xtChainName(env.net, p.GenesisHash)
			if err != nil {
				return err
			}
			// Show what is signed, decoded from the final payload.
			decoded, err := env.format.DecodePayload(payload)
			if err != nil {
				return fmt.Errorf("decode the signing payload: %w", err)
			}
			shown, err := env.displayEnv().payloadJSON(decoded)
			if err != nil {
				return fmt.Errorf("decode the call: %w", err)
			}
			shown.Tip = env.formatAmount(decoded.Extra.Tip)
			ke, err := openKeyEnv(f)
			if err != nil {
				return err
			}
			entry, err := ke.store.Get(from)
			if err != nil {
				return err
			}
			fromID, err := env.codec.ParseAccount(u.From)
			if err != nil {
				return app.Usagef("%s: from: %v", args[0], err)
			}
			view := struct {
				Chain string `json:"chain"`
				From  string `json:"from"`
				Key   string `json:"key"`
				*xtPayload
				Fee string `json:"fee,omitempty"`
			}{chainName, env.codec.FormatAccount(fromID), from, shown, ""}
			if fee, ok := new(big.Int).SetString(u.Fee, 10); ok {
				view.Fee = "about " + env.formatAmount(fee) + " (estimated when the file was built)"
			}
			b, _ := json.MarshalIndent(view, "", "  ")
			fmt.Fprintf(f.IO.ErrOut, "You are about to sign:\n%s\n", b)
			if err := confirm(f, "Sign this transaction?", "sign"); err != nil {
				return err
			}
			pair, pw, err := ke.unlock(newPasswordSource(f, false), entry.Name)
			if err != nil {
				return err
			}
			wipeBytes(pw)
			defer pair.Wipe()
			if pair.AccountID() != fromID {
				return app.Usagef("key %q is account %s, but the transaction is from %s", from, env.codec.FormatAccount(pair.AccountID()), u.From)
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
	cmd.Flags().BoolVar(&allowNoHash, "allow-no-metadata-hash", false, "sign a file with CheckMetadataHash mode 0 although the runtime has the extension")
	return cmd
}

// parseUnsignedFile reads an unsigned-transaction file (outside bytes: it
// comes from another machine): the JSON, strictly, and the signing
// parameters and call bytes it gives.
func parseUnsignedFile(raw []byte) (*xtUnsigned, *extrinsic.Params, []byte, error) {
	var u xtUnsigned
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&u); err != nil {
		return nil, nil, nil, fmt.Errorf("not an unsigned transaction file: %w", err)
	}
	if dec.More() {
		return nil, nil, nil, errors.New("not an unsigned transaction file: data after the JSON object")
	}
	p, call, err := u.params()
	if err != nil {
		return nil, nil, nil, err
	}
	return &u, p, call, nil
}

// xtChainName names the chain a transaction is for: --network, whose
// genesis must be the transaction's when ksm knows it.
func xtChainName(net Network, genesis [32]byte) (string, error) {
	if net.Profile == nil {
		return net.Name + " (genesis " + xtHexString(genesis[:]) + ", not checked: a network ksm does not know)", nil
	}
	if want := [32]byte(net.Profile.GenesisHash); want != genesis {
		return "", app.Usagef("the transaction is for the chain with genesis %s, not %s (genesis %s): pass its --network", xtHexString(genesis[:]), net.Name, xtHexString(want[:]))
	}
	return net.Name, nil
}

// displayEnv is e with a codec that writes balance-typed values in tokens
// (for the confirmation screen only: such values do not encode back).
func (e *xtEnv) displayEnv() *xtEnv {
	c := *e.codec
	c.FormatBalance = e.formatAmount
	d := *e
	d.codec = &c
	return &d
}

// formatAmount writes planck in the network's tokens ("1.5 KSM").
func (e *xtEnv) formatAmount(planck *big.Int) string {
	if planck == nil {
		planck = new(big.Int)
	}
	return value.FormatBalance(planck, e.net.Decimals, e.net.Symbol)
}
