package cli

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
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
	// Fee is the fee in planck the chain estimated when the file was built
	// online (absent offline).
	Fee string `json:"fee,omitempty"`
	// Chain names the chain of the network the transaction is for
	// ("kusama-asset-hub" when the call's pallet routed it there; the
	// network's own offline). Informational: the genesis hash decides.
	Chain string `json:"chain,omitempty"`

	callObject value.Object // the decoded call, for messages
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

// txBuildOptions are the flags of `ksm tx build`.
type txBuildOptions struct {
	metaPath, metadataOut, callArg, from, genesis, block, tip, mode, out string
	nonce, blockNumber, eraPeriod                                        uint64
	specVersion, txVersion                                               uint32
	digest                                                               xtDigestOptions
	changed                                                              func(name string) bool
}

// offlineOnly are the flags that describe the chain by hand; they apply
// with --metadata (offline) only.
var offlineOnly = []string{"block-hash", "block-number"}

func newTxBuildCmd(f *Factory) *cobra.Command {
	var o txBuildOptions
	cmd := &cobra.Command{
		Use:   "build --call JSON --from NAME|ADDRESS --out FILE [--metadata FILE --nonce N --block-hash 0x.. --block-number N]",
		Short: "Build an unsigned transaction file for offline signing",
		Long: `Build a transaction for offline signing and write it as a JSON file with
everything the signer needs: the call (value JSON and hex), era, nonce, tip,
spec and transaction versions, genesis and birth block hash, the
CheckMetadataHash mode and RFC-0078 metadata hash (with the proof of the
types the payload uses, for hardware signers), the signing payload and, when
known, the estimated fee. Take the file to the offline machine and run
'ksm tx sign FILE --from NAME --metadata FILE'.

Online (no --metadata): the verified chain of the network flags gives the
nonce, the era's block, spec and transaction version, genesis hash,
metadata and fee; --metadata-out FILE saves that runtime's metadata for the
signer. Offline (--metadata FILE): give --nonce, --block-hash and
--block-number (not for an immortal --era-period 0); spec and transaction
version come from the metadata's System.Version and the genesis hash from
--network; given by flag they must agree (exit 2 otherwise).

--from is a key name or an address (SS58 or 0x-hex account id, e.g. for a
watch-only account). --call is value JSON {"pallet": "Balances", "name":
"transfer_keep_alive", "args": {...}} (or @FILE, or - for standard input).
The era is mortal for --era-period blocks (rounded up to a power of two,
4..65536; 0 = immortal). CheckMetadataHash is enabled whenever the runtime
has the extension (--metadata-hash-mode disabled turns it off, with a
warning; the digest takes decimals and symbol of --network unless given).`,
		Example: `  ksm tx build --from main --call '{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","value":"1000000000000"}}' --out tx.json --metadata-out kusama.scale
  ksm tx build --metadata kusama.scale --from HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F --call @call.json \
      --nonce 3 --block-hash 0x.. --block-number 1000 --out tx.json`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.changed = cmd.Flags().Changed
			for _, req := range []string{"call", "from", "out"} {
				if !o.changed(req) {
					return app.Usagef("--%s is required", req)
				}
			}
			tipV, ok := new(big.Int).SetString(o.tip, 10)
			if !ok || tipV.Sign() < 0 {
				return app.Usagef("--tip %q: want a non-negative integer in planck", o.tip)
			}
			callText, err := xtReadArg(f, o.callArg)
			if err != nil {
				return err
			}
			var b *xtBuilt
			if o.metaPath != "" {
				if o.metadataOut != "" {
					return app.Usagef("--metadata-out saves the chain's metadata: it applies without --metadata")
				}
				b, err = buildOffline(f, &o, callText, tipV)
			} else {
				b, err = buildFromChain(cmd.Context(), f, &o, callText, tipV)
			}
			if err != nil {
				return err
			}
			u, err := b.unsigned(f, &o)
			if err != nil {
				return err
			}
			out, err := json.MarshalIndent(u, "", "  ")
			if err != nil {
				return err
			}
			if err := xtWriteFile(o.out, append(out, '\n')); err != nil {
				return err
			}
			f.Infof("wrote unsigned transaction %s.%s to %s", xtObjString(u.callObject, "pallet"), xtObjString(u.callObject, "name"), o.out)
			return f.PrintJSON(u)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.metaPath, "metadata", "", "runtime metadata file (binary or hex): build offline")
	fl.StringVar(&o.metadataOut, "metadata-out", "", "online: also write the chain's runtime metadata to this file (for tx sign)")
	fl.StringVar(&o.callArg, "call", "", `call as value JSON {"pallet", "name", "args"}, @FILE, or - for stdin`)
	fl.StringVar(&o.from, "from", "", "sender: key name, or address (SS58 or 0x-hex account id)")
	fl.Uint64Var(&o.nonce, "nonce", 0, "sender's account nonce (offline: required; online: overrides the chain's)")
	fl.StringVar(&o.genesis, "genesis-hash", "", "genesis block hash (0x-hex; default: that of --network, checked against it)")
	fl.StringVar(&o.block, "block-hash", "", "offline: hash of the block the era starts at (0x-hex)")
	fl.Uint64Var(&o.blockNumber, "block-number", 0, "offline: number of that block")
	fl.Uint32Var(&o.specVersion, "spec-version", 0, "runtime spec version (default: the metadata's; checked against it)")
	fl.Uint32Var(&o.txVersion, "tx-version", 0, "runtime transaction version (default: the metadata's; checked against it)")
	fl.StringVar(&o.tip, "tip", "0", "tip for the block author, in planck")
	fl.Uint64Var(&o.eraPeriod, "era-period", 64, "blocks the transaction stays valid (0 = immortal)")
	fl.StringVar(&o.mode, "metadata-hash-mode", "auto", "CheckMetadataHash: auto (enabled when the runtime has it), enabled or disabled")
	fl.StringVar(&o.out, "out", "", "unsigned transaction file to write")
	fl.Uint8Var(&o.digest.decimals, "decimals", 0, "token decimals for the metadata digest (default: those of --network)")
	fl.StringVar(&o.digest.tokenSymbol, "token-symbol", "", "token symbol for the metadata digest (default: that of --network)")
	return cmd
}

// xtBuilt is a transaction assembled by either path of tx build, before
// the metadata hash mode is applied.
type xtBuilt struct {
	env         *xtEnv
	call        []byte
	from        [32]byte
	params      *extrinsic.Params
	blockNumber uint64
	// hashPossible is false when the chain cannot take CheckMetadataHash
	// mode 1 although its metadata names the extension; note says why.
	hashPossible bool
	note         string
	fee          *big.Int
	// decimals and symbol are the token's, for the digest and the display.
	decimals int
	symbol   string
	// chain names the chain built for (the network's own offline).
	chain string
}

// buildOffline assembles the transaction from --metadata and the flags,
// checking each given fact against the metadata and the network.
func buildOffline(f *Factory, o *txBuildOptions, callText string, tip *big.Int) (*xtBuilt, error) {
	env, err := xtLoad(f, o.metaPath)
	if err != nil {
		return nil, err
	}
	need := []string{"nonce"}
	if o.eraPeriod != 0 {
		need = append(need, offlineOnly...)
	}
	for _, req := range need {
		if !o.changed(req) {
			return nil, app.Usagef("--%s is required offline (with --metadata); without --metadata ksm reads it from the verified chain", req)
		}
	}
	call, err := env.codec.EncodeCall([]byte(callText))
	if err != nil {
		return nil, app.Usagef("--call: %v", err)
	}
	from, err := xtResolveFrom(f, o.from, env.codec.ParseAccount)
	if err != nil {
		return nil, err
	}
	p := &extrinsic.Params{Nonce: o.nonce, Tip: tip}
	ci, err := env.md.ChainInfo()
	if err != nil {
		return nil, app.Usagef("--metadata: %v", err)
	}
	if p.SpecVersion, err = xtVersionFlag(o, "spec-version", o.specVersion, ci.SpecVersion, ci.HasVersion); err != nil {
		return nil, err
	}
	if p.TxVersion, err = xtVersionFlag(o, "tx-version", o.txVersion, ci.TxVersion, ci.HasTxVersion); err != nil {
		return nil, err
	}
	if p.GenesisHash, err = xtGenesisFlag(o, env.net); err != nil {
		return nil, err
	}
	if o.eraPeriod == 0 {
		p.Era, p.BlockHash = extrinsic.Immortal, p.GenesisHash
	} else {
		if p.BlockHash, err = xtHash32(o.block, "--block-hash"); err != nil {
			return nil, err
		}
		p.Era = extrinsic.MortalEra(o.eraPeriod, o.blockNumber)
		if b := p.Era.Birth(o.blockNumber); b != o.blockNumber {
			return nil, app.Usagef("an era of %d blocks starts at block %d, not %d; use --era-period 4096 or less, or give block %d and its hash", p.Era.Period, b, o.blockNumber, b)
		}
	}
	return &xtBuilt{env: env, call: call, from: from, params: p, blockNumber: o.blockNumber,
		hashPossible: true, decimals: env.net.Decimals, symbol: env.net.Symbol}, nil
}

// xtVersionFlag returns the version flag name gives, checked against the
// metadata's, or the metadata's when the flag is absent.
func xtVersionFlag(o *txBuildOptions, name string, given, fromMeta uint32, known bool) (uint32, error) {
	switch {
	case o.changed(name) && known && given != fromMeta:
		return 0, app.Usagef("--%s %d contradicts the metadata, whose runtime has %s %d", name, given, strings.TrimPrefix(name, "--"), fromMeta)
	case o.changed(name):
		return given, nil
	case known:
		return fromMeta, nil
	}
	return 0, app.Usagef("the metadata has no System.Version constant: give --%s", name)
}

// xtGenesisFlag returns --genesis-hash, checked against the network's
// genesis, or the network's when the flag is absent.
func xtGenesisFlag(o *txBuildOptions, net Network) ([32]byte, error) {
	var known *[32]byte
	if net.Profile != nil {
		g := [32]byte(net.Profile.GenesisHash)
		known = &g
	}
	if !o.changed("genesis-hash") {
		if known == nil {
			return [32]byte{}, app.Usagef("--genesis-hash is required for a network ksm does not know")
		}
		return *known, nil
	}
	g, err := xtHash32(o.genesis, "--genesis-hash")
	if err != nil {
		return g, err
	}
	if known != nil && g != *known {
		return g, app.Usagef("--genesis-hash %s is not the genesis of %s (%s); pass the right --network", xtHexString(g[:]), net.Name, xtHexString(known[:]))
	}
	return g, nil
}

// xtResolveFrom reads --from: a key of the keystore by name, else an
// address parsed by parseAddress. A home without a keystore is not created
// for the look-up.
func xtResolveFrom(f *Factory, from string, parseAddress func(string) ([32]byte, error)) ([32]byte, error) {
	if keystore.CheckName(from) == nil {
		if home, err := f.HomeDir(); err == nil {
			if st, err := os.Stat(filepath.Join(home, "keys")); err == nil && st.IsDir() {
				if env, err := openKeyEnv(f); err == nil {
					if e, err := env.store.Get(from); err == nil {
						return keys.AccountID(e.Scheme, e.PublicKey), nil
					}
				}
			}
		}
	}
	id, err := parseAddress(from)
	if err != nil {
		return id, app.Usagef("--from %q is neither a key name nor an address: %v", from, err)
	}
	return id, nil
}

// unsigned applies the metadata hash mode and writes the file's fields.
func (b *xtBuilt) unsigned(f *Factory, o *txBuildOptions) (*xtUnsigned, error) {
	env, p := b.env, b.params
	u := &xtUnsigned{
		Format: xtUnsignedFormat, Network: env.net.Name,
		From: env.codec.FormatAccount(b.from), FromPublicKey: xtHexString(b.from[:]),
		CallHex: xtHexString(b.call), Era: xtEraJSON(p.Era), BlockNumber: b.blockNumber,
		Nonce: p.Nonce, Tip: p.Tip.String(), SpecVersion: p.SpecVersion, TransactionVersion: p.TxVersion,
		GenesisHash: xtHexString(p.GenesisHash[:]), BlockHash: xtHexString(p.BlockHash[:]),
		MetadataHashMode: "Disabled", Decimals: b.decimals, TokenSymbol: b.symbol, Chain: b.chain,
	}
	if u.Chain == "" {
		u.Chain = env.net.Name
	}
	if b.fee != nil {
		u.Fee = b.fee.String()
	}
	hasExt := xtHasMetadataHash(env.format)
	enable := false
	switch strings.ToLower(o.mode) {
	case "auto":
		enable = hasExt && b.hashPossible
		if hasExt && !b.hashPossible {
			f.Warnf("CheckMetadataHash disabled: %s", b.note)
		}
	case "enabled":
		if !hasExt {
			return nil, app.Usagef("--metadata-hash-mode enabled: this runtime has no CheckMetadataHash extension")
		}
		enable = true
	case "disabled":
		if hasExt {
			f.Warnf("--metadata-hash-mode disabled: the signer cannot check the transaction against the metadata; tx sign will ask for --allow-no-metadata-hash")
		}
	default:
		return nil, app.Usagef("--metadata-hash-mode %q: want auto, enabled or disabled", o.mode)
	}
	var mk *metadata.Merkleized
	if enable {
		digest := o.digest
		if o.changed("decimals") {
			u.Decimals = int(digest.decimals)
		}
		if digest.tokenSymbol != "" {
			u.TokenSymbol = digest.tokenSymbol
		}
		digest.decimals, digest.decimalsSet, digest.tokenSymbol = uint8(u.Decimals), true, u.TokenSymbol
		digest.specVersion = p.SpecVersion
		var err error
		if mk, err = digest.merkleize(env.md, env.net); err != nil {
			return nil, err
		}
		d := mk.Digest()
		p.MetadataHash = &d
		s := xtHexString(d[:])
		u.MetadataHashMode, u.MetadataHash = "Enabled", &s
	} else {
		p.MetadataHash = nil
	}
	payload, err := env.format.SigningPayload(b.call, p)
	if err != nil {
		return nil, err
	}
	u.SigningPayload = xtHexString(payload)
	if mk != nil {
		proof, err := mk.ProofForExtrinsicPayload(payload)
		if err != nil {
			return nil, fmt.Errorf("metadata proof: %w", err)
		}
		u.MetadataProof = xtHexString(proof)
	}
	if u.callObject, err = env.callJSON(b.call); err != nil {
		return nil, err
	}
	if u.Call, err = json.Marshal(u.callObject); err != nil {
		return nil, err
	}
	return u, nil
}

// xtHasMetadataHash reports whether the runtime signs CheckMetadataHash.
func xtHasMetadataHash(format *extrinsic.Format) bool {
	return slices.Contains(format.Extensions(), "CheckMetadataHash")
}

func xtObjString(o value.Object, key string) string {
	v, _ := o.Get(key)
	s, _ := v.(string)
	return s
}

// xtWriteFile writes a file atomically with mode 0600, replacing one there.
func xtWriteFile(path string, b []byte) error { return writePrivateFile(path, b, true) }
