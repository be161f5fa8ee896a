package cli

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/internal/atomicfile"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
)

// xtUnsignedFormat identifies the unsigned-transaction file format.
const xtUnsignedFormat = "ksm-unsigned-tx/1"

// xtUnsigned is the unsigned-transaction file `ksm tx build` writes and
// `ksm tx sign` reads: everything an offline signer needs.
type xtUnsigned struct {
	Format             string          `json:"format"`
	Network            string          `json:"network"`
	From               string          `json:"from"`
	FromPublicKey      string          `json:"fromPublicKey"`
	Call               json.RawMessage `json:"call"`
	CallHex            string          `json:"callHex"`
	Era                xtEra           `json:"era"`
	BlockNumber        uint64          `json:"blockNumber"`
	Nonce              uint64          `json:"nonce"`
	Tip                string          `json:"tip"`
	SpecVersion        uint32          `json:"specVersion"`
	TransactionVersion uint32          `json:"transactionVersion"`
	GenesisHash        string          `json:"genesisHash"`
	BlockHash          string          `json:"blockHash"`
	MetadataHashMode   string          `json:"metadataHashMode"`
	MetadataHash       *string         `json:"metadataHash"`
	Decimals           int             `json:"decimals"`
	TokenSymbol        string          `json:"tokenSymbol"`
	SigningPayload     string          `json:"signingPayload"`
	// MetadataProof is the RFC-0078 proof of the types needed to decode the
	// signing payload (mode Enabled only), for hardware and air-gapped signers.
	MetadataProof string `json:"metadataProof,omitempty"`
}

// params turns the file back into signing parameters and the call bytes.
func (u *xtUnsigned) params() (*extrinsic.Params, []byte, error) {
	if u.Format != xtUnsignedFormat {
		return nil, nil, fmt.Errorf("not an unsigned transaction file (format %q, want %q)", u.Format, xtUnsignedFormat)
	}
	call, err := xtHex(u.CallHex, "callHex")
	if err != nil {
		return nil, nil, err
	}
	p := &extrinsic.Params{SpecVersion: u.SpecVersion, TxVersion: u.TransactionVersion, Nonce: u.Nonce}
	if p.GenesisHash, err = xtHash32(u.GenesisHash, "genesisHash"); err != nil {
		return nil, nil, err
	}
	if p.BlockHash, err = xtHash32(u.BlockHash, "blockHash"); err != nil {
		return nil, nil, err
	}
	tip, ok := new(big.Int).SetString(u.Tip, 10)
	if !ok || tip.Sign() < 0 {
		return nil, nil, fmt.Errorf("tip %q is not a non-negative integer", u.Tip)
	}
	p.Tip = tip
	switch u.Era.Type {
	case "immortal":
		p.Era = extrinsic.Immortal
	case "mortal":
		if u.Era.Phase == nil {
			return nil, nil, fmt.Errorf("mortal era without phase")
		}
		p.Era = extrinsic.Era{Mortal: true, Period: u.Era.Period, Phase: *u.Era.Phase}
		if _, err := extrinsic.AppendEra(nil, p.Era); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, fmt.Errorf("era type %q", u.Era.Type)
	}
	switch u.MetadataHashMode {
	case "Disabled", "":
		if u.MetadataHash != nil {
			return nil, nil, fmt.Errorf("metadataHash given with mode Disabled")
		}
	case "Enabled":
		if u.MetadataHash == nil {
			return nil, nil, fmt.Errorf("mode Enabled without metadataHash")
		}
		h, err := xtHash32(*u.MetadataHash, "metadataHash")
		if err != nil {
			return nil, nil, err
		}
		p.MetadataHash = &h
	default:
		return nil, nil, fmt.Errorf("metadataHashMode %q (want Enabled or Disabled)", u.MetadataHashMode)
	}
	return p, call, nil
}

func newTxBuildCmd(f *Factory) *cobra.Command {
	var (
		metaPath, callArg, from, genesis, block, tip, mode, out string
		nonce, blockNumber, eraPeriod                           uint64
		specVersion, txVersion                                  uint32
		digest                                                  xtDigestOptions
	)
	cmd := &cobra.Command{
		Use:   "build --metadata FILE --call JSON --from ADDRESS --nonce N --genesis-hash 0x.. --block-hash 0x.. --block-number N --spec-version N --tx-version N --out FILE",
		Short: "Build an unsigned transaction file for offline signing",
		Long: `Build a transaction for offline signing and write it as a JSON file with
everything the signer needs: the call (value JSON and hex), era, nonce, tip,
spec and transaction versions, genesis and birth block hash, the
CheckMetadataHash mode and RFC-0078 metadata hash (with the proof of the
types the payload uses, for hardware signers), and the signing payload.
Take the file to the offline machine and run 'ksm tx sign FILE --from NAME'.

--call is value JSON {"pallet": "Balances", "name": "transfer_keep_alive",
"args": {...}} (or @FILE, or - for standard input). The era is mortal for
--era-period blocks (rounded up to a power of two, 4..65536; 0 = immortal)
starting at --block-number, whose hash is --block-hash. With
--metadata-hash-mode enabled the RFC-0078 digest of the metadata is signed
(decimals and symbol of --network unless given).`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := xtLoad(f, metaPath)
			if err != nil {
				return err
			}
			for _, req := range []string{"call", "from", "nonce", "genesis-hash", "block-hash", "block-number", "spec-version", "tx-version", "out"} {
				if !cmd.Flags().Changed(req) {
					return UsageErrorf("--%s is required", req)
				}
			}
			callText, err := xtReadArg(f, callArg)
			if err != nil {
				return err
			}
			call, err := env.codec.EncodeCall([]byte(callText))
			if err != nil {
				return UsageErrorf("--call: %v", err)
			}
			fromID, err := env.codec.ParseAccount(from)
			if err != nil {
				return UsageErrorf("--from: %v", err)
			}
			p := &extrinsic.Params{SpecVersion: specVersion, TxVersion: txVersion, Nonce: nonce}
			if p.GenesisHash, err = xtHash32(genesis, "--genesis-hash"); err != nil {
				return err
			}
			if p.BlockHash, err = xtHash32(block, "--block-hash"); err != nil {
				return err
			}
			tipV, ok := new(big.Int).SetString(tip, 10)
			if !ok || tipV.Sign() < 0 {
				return UsageErrorf("--tip %q: want a non-negative integer in planck", tip)
			}
			p.Tip = tipV
			if eraPeriod == 0 {
				p.Era, p.BlockHash = extrinsic.Immortal, p.GenesisHash
			} else {
				p.Era = extrinsic.MortalEra(eraPeriod, blockNumber)
				if b := p.Era.Birth(blockNumber); b != blockNumber {
					return UsageErrorf("an era of %d blocks starts at block %d, not %d; use --era-period 4096 or less, or give block %d and its hash", p.Era.Period, b, blockNumber, b)
				}
			}
			u := &xtUnsigned{
				Format: xtUnsignedFormat, Network: env.net.Name,
				From: env.codec.FormatAccount(fromID), FromPublicKey: xtHexString(fromID[:]),
				CallHex: xtHexString(call), Era: xtEraJSON(p.Era), BlockNumber: blockNumber,
				Nonce: nonce, Tip: tipV.String(), SpecVersion: specVersion, TransactionVersion: txVersion,
				GenesisHash: xtHexString(p.GenesisHash[:]), BlockHash: xtHexString(p.BlockHash[:]),
				MetadataHashMode: "Disabled", Decimals: env.net.Decimals, TokenSymbol: env.net.Symbol,
			}
			var mk *metadata.Merkleized
			switch strings.ToLower(mode) {
			case "disabled":
			case "enabled":
				if cmd.Flags().Changed("decimals") {
					u.Decimals = int(digest.decimals)
				}
				if digest.tokenSymbol != "" {
					u.TokenSymbol = digest.tokenSymbol
				}
				digest.specVersion = specVersion
				digest.decimalsSet = cmd.Flags().Changed("decimals")
				if mk, err = digest.merkleize(env.md, env.net); err != nil {
					return err
				}
				d := mk.Digest()
				p.MetadataHash = &d
				s := xtHexString(d[:])
				u.MetadataHashMode, u.MetadataHash = "Enabled", &s
			default:
				return UsageErrorf("--metadata-hash-mode %q: want enabled or disabled", mode)
			}
			payload, err := env.format.SigningPayload(call, p)
			if err != nil {
				return err
			}
			u.SigningPayload = xtHexString(payload)
			if mk != nil {
				proof, err := mk.ProofForExtrinsicPayload(payload)
				if err != nil {
					return fmt.Errorf("metadata proof: %w", err)
				}
				u.MetadataProof = xtHexString(proof)
			}
			decoded, err := env.callJSON(call)
			if err != nil {
				return err
			}
			if u.Call, err = json.Marshal(decoded); err != nil {
				return err
			}
			b, err := json.MarshalIndent(u, "", "  ")
			if err != nil {
				return err
			}
			if err := atomicfile.WriteFile(out, append(b, '\n')); err != nil {
				return err
			}
			f.Infof("wrote unsigned transaction %s.%s to %s", xtObjString(decoded, "pallet"), xtObjString(decoded, "name"), out)
			return f.PrintJSON(u)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&metaPath, "metadata", "", "runtime metadata file (binary or hex)")
	fl.StringVar(&callArg, "call", "", `call as value JSON {"pallet", "name", "args"}, @FILE, or - for stdin`)
	fl.StringVar(&from, "from", "", "sender address (SS58 or 0x-hex account id)")
	fl.Uint64Var(&nonce, "nonce", 0, "sender's account nonce")
	fl.StringVar(&genesis, "genesis-hash", "", "genesis block hash (0x-hex)")
	fl.StringVar(&block, "block-hash", "", "hash of the block the era starts at (0x-hex)")
	fl.Uint64Var(&blockNumber, "block-number", 0, "number of that block")
	fl.Uint32Var(&specVersion, "spec-version", 0, "runtime spec version")
	fl.Uint32Var(&txVersion, "tx-version", 0, "runtime transaction version")
	fl.StringVar(&tip, "tip", "0", "tip for the block author, in planck")
	fl.Uint64Var(&eraPeriod, "era-period", 64, "blocks the transaction stays valid (0 = immortal)")
	fl.StringVar(&mode, "metadata-hash-mode", "disabled", "CheckMetadataHash: enabled (sign the RFC-0078 digest) or disabled")
	fl.StringVar(&out, "out", "", "unsigned transaction file to write")
	fl.Uint8Var(&digest.decimals, "decimals", 0, "token decimals for the metadata digest (default: those of --network)")
	fl.StringVar(&digest.tokenSymbol, "token-symbol", "", "token symbol for the metadata digest (default: that of --network)")
	return cmd
}

func xtObjString(o value.Object, key string) string {
	v, _ := o.Get(key)
	s, _ := v.(string)
	return s
}
