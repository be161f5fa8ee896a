package cli

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tx/value"
)

// callCodec loads the metadata and a value codec writing addresses of the
// active network.
func callCodec(f *Factory, metaPath string) (*value.Codec, error) {
	md, err := loadMetadataArg(metaPath)
	if err != nil {
		return nil, err
	}
	net, err := f.Network()
	if err != nil {
		return nil, err
	}
	return value.New(md, net.SS58Prefix), nil
}

type callHexJSON struct {
	CallHex string `json:"callHex"`
}

func newTxEncodeCallCmd(f *Factory) *cobra.Command {
	var metaPath string
	cmd := &cobra.Command{
		Use:   "encode-call --metadata FILE [CALL-JSON]",
		Short: "Encode a call given as JSON into call bytes",
		Long: `Encode a runtime call written as value JSON,
  {"pallet": "Balances", "name": "transfer_keep_alive", "args": {"dest": {"Id": "<address>"}, "value": 1000000000000}},
into its SCALE bytes (pallet index, call index, arguments). The JSON is read
from stdin when not given as an argument. Names are as in the metadata;
integers may be numbers or decimal strings, bytes 0x-hex, accounts SS58 or
0x-hex, enums {"Variant": value} or "Variant" (see ksm's value JSON).`,
		Example: `  ksm tx encode-call --metadata kusama.scale '{"pallet":"System","name":"remark","args":{"remark":"0x68656c6c6f"}}'
  echo '{"pallet":"Staking","name":"chill","args":{}}' | ksm tx encode-call --metadata kusama.scale --json`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			codec, err := callCodec(f, metaPath)
			if err != nil {
				return err
			}
			var text []byte
			if len(args) == 1 {
				text = []byte(args[0])
			} else {
				if text, err = f.IO.ReadAll(); err != nil {
					return err
				}
			}
			if strings.TrimSpace(string(text)) == "" {
				return app.Usagef("no call JSON given (as an argument or on stdin)")
			}
			v, err := value.ParseJSON(text)
			if err != nil {
				return app.Usagef("%v", err)
			}
			b, err := codec.EncodeCall(v)
			if err != nil {
				return app.Input(err)
			}
			out := callHexJSON{CallHex: "0x" + hex.EncodeToString(b)}
			return printJSONOr(f, out, func() error {
				_, err := fmt.Fprintln(f.IO.Out, out.CallHex)
				return err
			})
		},
	}
	addMetadataFlag(cmd, &metaPath)
	return cmd
}

type decodedCallJSON struct {
	Pallet string       `json:"pallet"`
	Name   string       `json:"name"`
	Index  [2]uint8     `json:"index"`
	Args   value.Object `json:"args"`
}

func newTxDecodeCallCmd(f *Factory) *cobra.Command {
	var metaPath string
	cmd := &cobra.Command{
		Use:   "decode-call --metadata FILE HEX",
		Short: "Decode call bytes into pallet, call name and arguments",
		Long: `Decode a runtime call (0x-hex of pallet index, call index and SCALE arguments)
against runtime metadata. The JSON output is {pallet, name, index, args} where
index is [palletIndex, callIndex] and args is value JSON; accounts are shown as
addresses of the active --network.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			codec, err := callCodec(f, metaPath)
			if err != nil {
				return err
			}
			s := strings.TrimSpace(args[0])
			raw, err := hex.DecodeString(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"))
			if err != nil {
				return app.Usagef("call: not hex: %v", err)
			}
			call, err := codec.DecodeCall(raw)
			if err != nil {
				return app.Input(err)
			}
			out := decodedCallJSON{Pallet: call.Pallet, Name: call.Name, Index: [2]uint8{call.PalletIndex, call.CallIndex}, Args: call.Args}
			if out.Args == nil {
				out.Args = value.Object{}
			}
			return printJSONOr(f, out, func() error { return printCall(f, codec, call) })
		},
	}
	addMetadataFlag(cmd, &metaPath)
	return cmd
}

func printCall(f *Factory, codec *value.Codec, call *value.Call) error {
	w := f.IO.Out
	fmt.Fprintf(w, "%s.%s  (pallet %d, call %d)\n", call.Pallet, call.Name, call.PalletIndex, call.CallIndex)
	if len(call.Docs) > 0 {
		fmt.Fprintf(w, "  %s\n", strings.TrimSpace(call.Docs[0]))
	}
	for _, a := range call.Args {
		b, err := value.Object{a}.MarshalJSON()
		if err != nil {
			return err
		}
		s := string(b)
		fmt.Fprintf(w, "  %s\n", s[1:len(s)-1])
	}
	return nil
}
