package cli

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

func init() { registerSubcommand("verify", newVerifyHeaderCmd) }

func newVerifyHeaderCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "header FILE|HEX",
		Short: "Decode a SCALE block header, hash it and show its digest",
		Long: `Decode a SCALE-encoded block header given as 0x-hex or as a file (raw bytes or
hex text; "-" reads standard input), check that it re-encodes to the same
bytes, and print its hash (blake2b-256), fields, digest items with their BABE
and GRANDPA meaning, and any GRANDPA authority-set change it signals.
Exit 2 when the bytes are not a valid header.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := verifyReadBytesArg(f, args[0])
			if err != nil {
				return err
			}
			h, err := header.Decode(raw)
			if err != nil {
				return app.Input(err)
			}
			if !bytes.Equal(h.Encode(), raw) {
				return app.Usagef("header does not re-encode to its input")
			}
			out, err := headerOutOf(h)
			if err != nil {
				return app.Input(err)
			}
			if f.Opts.JSON {
				return f.PrintJSON(out)
			}
			printHeader(f, out)
			return nil
		},
	}
}

// verifyReadBytesArg reads a FILE|HEX argument: 0x-hex, "-" for standard
// input, or a file holding raw bytes or hex text.
func verifyReadBytesArg(f *Factory, arg string) ([]byte, error) {
	if strings.HasPrefix(arg, "0x") || strings.HasPrefix(arg, "0X") {
		b, err := hex.DecodeString(arg[2:])
		if err != nil {
			return nil, app.Usagef("bad hex argument: %v", err)
		}
		return b, nil
	}
	var data []byte
	if arg == "-" {
		b, err := f.IO.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		data = b
	} else {
		b, err := os.ReadFile(arg)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				if hb, herr := hex.DecodeString(arg); herr == nil && len(hb) > 0 {
					return hb, nil // bare hex without 0x
				}
			}
			return nil, app.Input(err)
		}
		data = b
	}
	text := strings.TrimSpace(string(data))
	text = strings.TrimPrefix(strings.TrimPrefix(text, "0x"), "0X")
	if len(text) > 0 && len(text)%2 == 0 {
		if b, err := hex.DecodeString(text); err == nil {
			return b, nil
		}
	}
	return data, nil
}

type digestItemJSON struct {
	Type    string `json:"type"`
	Engine  string `json:"engine,omitempty"`
	Data    string `json:"data"`
	Decoded any    `json:"decoded,omitempty"`
}

type headerAuthorityJSON struct {
	Key    string `json:"key"`
	Weight uint64 `json:"weight"`
}

type grandpaChangeJSON struct {
	Kind        string                `json:"kind"`
	Delay       uint32                `json:"delay"`
	Median      *uint32               `json:"median,omitempty"`
	Authorities []headerAuthorityJSON `json:"authorities"`
}

type headerOut struct {
	Hash           string             `json:"hash"`
	ParentHash     string             `json:"parentHash"`
	Number         uint32             `json:"number"`
	StateRoot      string             `json:"stateRoot"`
	ExtrinsicsRoot string             `json:"extrinsicsRoot"`
	Digest         []digestItemJSON   `json:"digest"`
	GrandpaChange  *grandpaChangeJSON `json:"grandpaChange,omitempty"`
}

func hex0x(b []byte) string { return "0x" + hex.EncodeToString(b) }

func grandpaChangeOf(l header.GrandpaLog) *grandpaChangeJSON {
	c := &grandpaChangeJSON{Kind: l.Kind.String(), Delay: l.Change.Delay, Authorities: []headerAuthorityJSON{}}
	if l.Kind == header.GrandpaForcedChange {
		m := l.Median
		c.Median = &m
	}
	for _, a := range l.Change.NextAuthorities {
		c.Authorities = append(c.Authorities, headerAuthorityJSON{Key: hex0x(a.Key[:]), Weight: a.Weight})
	}
	return c
}

func headerOutOf(h *header.Header) (*headerOut, error) {
	out := &headerOut{
		Hash:           h.Hash().String(),
		ParentHash:     h.ParentHash.String(),
		Number:         h.Number,
		StateRoot:      h.StateRoot.String(),
		ExtrinsicsRoot: h.ExtrinsicsRoot.String(),
		Digest:         []digestItemJSON{},
	}
	for i, it := range h.Digest {
		d := digestItemJSON{Type: it.Kind.String(), Data: hex0x(it.Data)}
		if it.Kind.HasEngine() {
			d.Engine = it.Engine.String()
		}
		switch {
		case it.Kind == header.DigestPreRuntime && it.Engine == header.EngineBABE:
			p, err := header.DecodeBABEPreDigest(it.Data)
			if err != nil {
				return nil, fmt.Errorf("digest item %d: %w", i, err)
			}
			d.Decoded = map[string]any{"babePreDigest": p.Kind.String(), "authorityIndex": p.AuthorityIndex, "slot": p.Slot}
		case it.Kind == header.DigestConsensus && it.Engine == header.EngineBABE:
			l, err := header.DecodeBABELog(it.Data)
			if err != nil {
				return nil, fmt.Errorf("digest item %d: %w", i, err)
			}
			m := map[string]any{"babe": l.Kind.String()}
			switch l.Kind {
			case header.BABENextEpochData:
				m["authorities"] = len(l.NextEpoch.Authorities)
				m["randomness"] = hex0x(l.NextEpoch.Randomness[:])
			case header.BABEOnDisabled:
				m["index"] = l.DisabledIndex
			case header.BABENextConfigData:
				m["c"] = l.NextConfig.C
				m["allowedSlots"] = l.NextConfig.AllowedSlots
			}
			d.Decoded = m
		case it.Kind == header.DigestConsensus && it.Engine == header.EngineGRANDPA:
			l, err := header.DecodeGrandpaLog(it.Data)
			if err != nil {
				return nil, fmt.Errorf("digest item %d: %w", i, err)
			}
			m := map[string]any{"grandpa": l.Kind.String()}
			switch l.Kind {
			case header.GrandpaScheduledChange, header.GrandpaForcedChange:
				m["authorities"] = len(l.Change.NextAuthorities)
				m["delay"] = l.Change.Delay
				if l.Kind == header.GrandpaForcedChange {
					m["median"] = l.Median
				}
				if out.GrandpaChange != nil {
					return nil, fmt.Errorf("digest item %d: a second GRANDPA authority-set change", i)
				}
				out.GrandpaChange = grandpaChangeOf(l)
			case header.GrandpaOnDisabled:
				m["index"] = l.DisabledIndex
			case header.GrandpaPause, header.GrandpaResume:
				m["delay"] = l.Delay
			}
			d.Decoded = m
		}
		out.Digest = append(out.Digest, d)
	}
	return out, nil
}

func printHeader(f *Factory, h *headerOut) {
	w := f.IO.Out
	fmt.Fprintf(w, "hash             %s\n", h.Hash)
	fmt.Fprintf(w, "number           %d\n", h.Number)
	fmt.Fprintf(w, "parent hash      %s\n", h.ParentHash)
	fmt.Fprintf(w, "state root       %s\n", h.StateRoot)
	fmt.Fprintf(w, "extrinsics root  %s\n", h.ExtrinsicsRoot)
	fmt.Fprintf(w, "digest           %d items\n", len(h.Digest))
	for i, d := range h.Digest {
		desc := fmt.Sprintf("%d bytes", (len(d.Data)-2)/2)
		if m, ok := d.Decoded.(map[string]any); ok {
			desc = describeDecoded(m)
		}
		fmt.Fprintf(w, "  %2d %-10s %-4s %s\n", i, d.Type, d.Engine, desc)
	}
	if c := h.GrandpaChange; c != nil {
		fmt.Fprintf(w, "GRANDPA change   %s to %d authorities, delay %d\n", c.Kind, len(c.Authorities), c.Delay)
	}
}

func describeDecoded(m map[string]any) string {
	for _, k := range []string{"babePreDigest", "babe", "grandpa"} {
		if v, ok := m[k]; ok {
			s := fmt.Sprint(v)
			for _, f := range []string{"slot", "authorityIndex", "authorities", "delay", "median", "index"} {
				if x, ok := m[f]; ok {
					s += fmt.Sprintf(" %s=%v", f, x)
				}
			}
			return s
		}
	}
	return ""
}
