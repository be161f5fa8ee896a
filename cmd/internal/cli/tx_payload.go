package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/value"
)

// xtPayload is the JSON form of a decoded signing payload (cli.md).
type xtPayload struct {
	Call               value.Object `json:"call"`
	CallHex            string       `json:"callHex"`
	Era                xtEra        `json:"era"`
	Nonce              any          `json:"nonce"`
	Tip                any          `json:"tip"`
	SpecVersion        uint32       `json:"specVersion"`
	TransactionVersion uint32       `json:"transactionVersion"`
	GenesisHash        string       `json:"genesisHash"`
	BlockHash          string       `json:"blockHash"`
	MetadataHashMode   any          `json:"metadataHashMode"`
	MetadataHash       *string      `json:"metadataHash"`
}

func (e *xtEnv) payloadJSON(p *extrinsic.Payload) (*xtPayload, error) {
	call, err := e.callJSON(p.Call)
	if err != nil {
		return nil, err
	}
	a := p.Additional
	block := a.BlockHash
	if !a.HasBlockHash {
		block = a.GenesisHash
	}
	out := &xtPayload{
		Call: call, CallHex: xtHexString(p.Call), Era: xtEraJSON(p.Extra.Era),
		Nonce: xtNumber(new(big.Int).SetUint64(p.Extra.Nonce)), Tip: xtNumber(p.Extra.Tip),
		SpecVersion: a.SpecVersion, TransactionVersion: a.TxVersion,
		GenesisHash: xtHexString(a.GenesisHash[:]), BlockHash: xtHexString(block[:]),
		MetadataHashMode: e.modeName(p.Extra),
	}
	if a.MetadataHash != nil {
		s := xtHexString(a.MetadataHash[:])
		out.MetadataHash = &s
	}
	return out, nil
}

func (e *xtEnv) decodePayloadHex(s string) (*xtPayload, error) {
	b, err := xtHex(s, "signing payload")
	if err != nil {
		return nil, err
	}
	p, err := e.format.DecodePayload(b)
	if err != nil {
		if len(b) == 32 {
			return nil, errors.New("32 bytes: this looks like the blake2b-256 hash of a long payload, which cannot be decoded; give the payload itself")
		}
		return nil, err
	}
	return e.payloadJSON(p)
}

func newTxDecodePayloadCmd(f *Factory) *cobra.Command {
	var metaPath string
	cmd := &cobra.Command{
		Use:   "decode-payload --metadata FILE [HEX]",
		Short: "Decode a signing payload: call, era, nonce, tip, versions, hashes",
		Long: `Decode a transaction signing payload (call ‖ extensions' extra ‖ extensions'
additional signed data, as a hardware or air-gapped signer receives it)
against runtime metadata, and show the call with its arguments, era, nonce,
tip, spec and transaction versions, genesis and block hash, and the
CheckMetadataHash mode and hash.

Without HEX, reads one payload per line of standard input and writes one JSON
object per line; a line that does not decode gives {"line": N, "error": "..."}
and makes the exit status 1 after all lines.`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := xtLoad(f, metaPath)
			if err != nil {
				return err
			}
			if len(args) == 1 {
				out, err := env.decodePayloadHex(args[0])
				if err != nil {
					return err
				}
				return f.PrintJSON(out)
			}
			enc := json.NewEncoder(f.IO.Out)
			enc.SetEscapeHTML(false)
			sc := bufio.NewScanner(f.IO.In)
			sc.Buffer(make([]byte, 64*1024), 16<<20)
			failed, n := 0, 0
			for sc.Scan() {
				n++
				line := strings.TrimSpace(sc.Text())
				if line == "" {
					continue
				}
				out, err := env.decodePayloadHex(line)
				if err != nil {
					failed++
					if err := enc.Encode(struct {
						Line  int    `json:"line"`
						Error string `json:"error"`
					}{n, err.Error()}); err != nil {
						return err
					}
					continue
				}
				if err := enc.Encode(out); err != nil {
					return err
				}
			}
			if err := sc.Err(); err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("%d of the payloads did not decode", failed)
			}
			return nil
		},
	}
	addMetadataFlag(cmd, &metaPath)
	return cmd
}
