package cli

import (
	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tx/metadata"
)

// xtDigestOptions are the chain facts RFC-0078 commits to.
type xtDigestOptions struct {
	specName     string
	specVersion  uint32
	base58Prefix uint16
	decimals     uint8
	tokenSymbol  string
	// decimalsSet and prefixSet say whether decimals and base58Prefix were given.
	decimalsSet, prefixSet bool
}

func (o *xtDigestOptions) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&o.specName, "spec-name", "", "runtime spec name (default: from the System.Version constant; checked against it)")
	fl.Uint32Var(&o.specVersion, "spec-version", 0, "runtime spec version (default: from System.Version; checked against it)")
	fl.Var((*prefixArg)(&o.base58Prefix), "base58-prefix", "SS58 prefix, a number or a network name (default: System.SS58Prefix; checked against it)")
	fl.Uint8Var(&o.decimals, "decimals", 0, "token decimals (default: those of --network)")
	fl.StringVar(&o.tokenSymbol, "token-symbol", "", "token symbol (default: that of --network)")
}

// merkleize computes the RFC-0078 form of md with the options, taking
// decimals and symbol from the network when not given.
func (o *xtDigestOptions) merkleize(md *metadata.Metadata, net Network) (*metadata.Merkleized, error) {
	want := metadata.MerkleExtraInfo{
		SpecName: o.specName, SpecVersion: o.specVersion, Base58Prefix: o.base58Prefix,
		Decimals: o.decimals, TokenSymbol: o.tokenSymbol,
	}
	if !o.decimalsSet {
		want.Decimals = uint8(net.Decimals)
	}
	if want.TokenSymbol == "" {
		want.TokenSymbol = net.Symbol
	}
	info, err := md.MerkleInfo(want, o.prefixSet)
	if err != nil {
		return nil, err
	}
	return md.Merkleize(info)
}

func newMetadataHashCmd(f *Factory) *cobra.Command {
	var metaPath string
	var opts xtDigestOptions
	cmd := &cobra.Command{
		Use:   "hash --metadata FILE [--spec-name S --spec-version N --base58-prefix P --decimals D --token-symbol T]",
		Short: "Compute the RFC-0078 metadata digest (the CheckMetadataHash value)",
		Long: `Compute the RFC-0078 "merkleized metadata" digest of runtime metadata (v15 or
later): the root of the merkle tree of the types a signer needs, the hash of
the extrinsic metadata, and spec name, spec version, SS58 prefix, decimals and
token symbol. This is the hash CheckMetadataHash adds to signed data and that
hardware wallets check. Spec name, version and prefix are read from the
metadata's constants; when given as flags they must agree.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if metaPath == "" {
				return app.Usagef("--metadata FILE is required")
			}
			net, err := f.Network()
			if err != nil {
				return err
			}
			md, err := loadMetadataArg(metaPath)
			if err != nil {
				return err
			}
			opts.decimalsSet = cmd.Flags().Changed("decimals")
			opts.prefixSet = cmd.Flags().Changed("base58-prefix")
			mk, err := opts.merkleize(md, net)
			if err != nil {
				return err
			}
			d := mk.Digest()
			return f.PrintJSON(map[string]string{"digest": xtHexString(d[:])})
		},
	}
	addMetadataFlag(cmd, &metaPath)
	opts.addFlags(cmd)
	return cmd
}
