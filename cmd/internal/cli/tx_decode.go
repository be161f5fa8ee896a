package cli

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
)

// xtEnv is what the extrinsic commands work with: the metadata, its
// extrinsic format, a value codec writing addresses for the active network.
type xtEnv struct {
	md     *metadata.Metadata
	format *extrinsic.Format
	codec  *value.Codec
	net    Network
}

func xtLoad(f *Factory, path string) (*xtEnv, error) {
	if path == "" {
		return nil, app.Usagef("--metadata FILE is required")
	}
	net, err := f.Network()
	if err != nil {
		return nil, err
	}
	md, err := loadMetadataArg(path)
	if err != nil {
		return nil, err
	}
	format, err := extrinsic.New(md)
	if err != nil {
		return nil, err
	}
	return &xtEnv{md: md, format: format, codec: value.New(md, net.SS58Prefix), net: net}, nil
}

// xtHex decodes 0x-hex (the 0x is optional; white space around is ignored).
func xtHex(s, what string) ([]byte, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, app.Usagef("%s: not hex: %v", what, err)
	}
	return b, nil
}

func xtHash32(s, what string) ([32]byte, error) {
	var h [32]byte
	b, err := xtHex(s, what)
	if err != nil {
		return h, err
	}
	if len(b) != 32 {
		return h, app.Usagef("%s: %d bytes, want 32", what, len(b))
	}
	copy(h[:], b)
	return h, nil
}

func xtHexString(b []byte) string { return "0x" + hex.EncodeToString(b) }

// xtEra is the JSON form of an era.
type xtEra struct {
	Type   string  `json:"type"`
	Period uint64  `json:"period,omitempty"`
	Phase  *uint64 `json:"phase,omitempty"`
}

func xtEraJSON(e extrinsic.Era) xtEra {
	if !e.Mortal {
		return xtEra{Type: "immortal"}
	}
	ph := e.Phase
	return xtEra{Type: "mortal", Period: e.Period, Phase: &ph}
}

func xtNumber(v *big.Int) any {
	if v == nil {
		v = new(big.Int)
	}
	return value.Number(v)
}

// xtCallJSON decodes a call for display; a call that does not decode is
// an error (nothing is shown or signed that ksm cannot read).
func (e *xtEnv) callJSON(call []byte) (value.Object, error) {
	c, err := e.codec.DecodeCall(call)
	if err != nil {
		return nil, err
	}
	return c.Object(), nil
}

// modeName is the CheckMetadataHash mode's variant name, or nil when the
// runtime has no such extension.
func (e *xtEnv) modeName(x extrinsic.Extra) any {
	if !x.HasMode {
		return nil
	}
	switch x.MetadataHashMode {
	case 0:
		return "Disabled"
	case 1:
		return "Enabled"
	}
	return int(x.MetadataHashMode)
}

type xtDecoded struct {
	Version       uint8        `json:"version"`
	Signed        bool         `json:"signed"`
	Signer        string       `json:"signer,omitempty"`
	SignatureType string       `json:"signatureType,omitempty"`
	Era           *xtEra       `json:"era,omitempty"`
	Nonce         any          `json:"nonce,omitempty"`
	Tip           any          `json:"tip,omitempty"`
	Call          value.Object `json:"call"`
	CallHex       string       `json:"callHex"`
	Hash          string       `json:"hash"`
}

func newTxDecodeCmd(f *Factory) *cobra.Command {
	var metaPath string
	cmd := &cobra.Command{
		Use:   "decode --metadata FILE HEX",
		Short: "Decode an extrinsic: signer, era, nonce, tip and call",
		Long: `Decode an extrinsic (0x-hex, with or without its compact length prefix, as
found in a block body) against runtime metadata: format version, whether it is
signed, the signer's address, signature scheme, era, nonce, tip and the call
with its arguments. The hash is blake2b-256 of the length-prefixed bytes.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := xtLoad(f, metaPath)
			if err != nil {
				return err
			}
			raw, err := xtHex(args[0], "extrinsic")
			if err != nil {
				return err
			}
			x, err := env.format.Decode(raw)
			if err != nil {
				// Accept the body without its length prefix too.
				body, err2 := env.format.DecodeBody(raw)
				if err2 != nil {
					return fmt.Errorf("decode extrinsic: %w", err)
				}
				x = body
				if raw, err = env.format.Encode(x); err != nil {
					return err
				}
			}
			out, err := env.decodedJSON(x, raw)
			if err != nil {
				return err
			}
			return f.PrintJSON(out)
		},
	}
	addMetadataFlag(cmd, &metaPath)
	return cmd
}

func (e *xtEnv) decodedJSON(x *extrinsic.Decoded, raw []byte) (*xtDecoded, error) {
	call, err := e.callJSON(x.Call)
	if err != nil {
		return nil, err
	}
	h := hash.Blake2b256(raw)
	out := &xtDecoded{Version: x.Version, Signed: x.Signed, Call: call, CallHex: xtHexString(x.Call), Hash: xtHexString(h[:])}
	if x.Signed || x.General {
		if x.Address != nil {
			if id, ok := x.Address.AccountID(); ok {
				out.Signer = e.codec.FormatAccount(id)
			} else {
				out.Signer = xtHexString(x.AddressRaw)
			}
		} else if x.Signed {
			out.Signer = xtHexString(x.AddressRaw)
		}
		if x.Signature != nil {
			out.SignatureType = x.Signature.Scheme
		}
		if x.Extra.HasEra {
			era := xtEraJSON(x.Extra.Era)
			out.Era = &era
		}
		if x.Extra.HasNonce {
			out.Nonce = xtNumber(new(big.Int).SetUint64(x.Extra.Nonce))
		}
		if x.Extra.HasTip {
			out.Tip = xtNumber(x.Extra.Tip)
		}
	}
	return out, nil
}

// xtReadArg returns the argument, or "-" / a file name's content.
func xtReadArg(f *Factory, arg string) (string, error) {
	if arg == "-" {
		b, err := f.IO.ReadAll()
		return string(b), err
	}
	if strings.HasPrefix(arg, "@") {
		b, err := os.ReadFile(arg[1:])
		return string(b), err
	}
	return arg, nil
}
