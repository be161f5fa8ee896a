package cli

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
)

func init() { registerSubcommand("verify", newVerifyJustificationCmd) }

type justificationOut struct {
	Valid        bool   `json:"valid"`
	TargetHash   string `json:"targetHash"`
	TargetNumber uint32 `json:"targetNumber"`
	Round        uint64 `json:"round"`
	Signatures   int    `json:"signatures"`
	Weight       uint64 `json:"weight"`
	Threshold    uint64 `json:"threshold"`
	Error        string `json:"error,omitempty"`
}

func newVerifyJustificationCmd(f *Factory) *cobra.Command {
	var (
		justification, authorities string
		setID                      uint64
	)
	cmd := &cobra.Command{
		Use:   "justification --justification FILE|HEX --set-id N --authorities FILE",
		Short: "Verify a GRANDPA justification against an authority set",
		Long: `Verify a SCALE GRANDPA justification (round, commit, votes ancestries) as
Substrate does: distinct signers from the authority set, ed25519 signatures
(ZIP-215 rules) over the precommit, round and set id, signed weight at least
total - floor((total-1)/3), and every precommit target a descendant of the
commit target proven by the votes ancestries, each ancestry header used.

--authorities is a JSON file: an array of 0x-hex ed25519 public keys (weight
1 each) or of [key, weight] pairs. Exit 3 with the reason when invalid.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if justification == "" || authorities == "" || !cmd.Flags().Changed("set-id") {
				return app.Usagef("--justification, --set-id and --authorities are required")
			}
			raw, err := verifyReadBytesArg(f, justification)
			if err != nil {
				return err
			}
			auths, err := readAuthoritiesFile(authorities)
			if err != nil {
				return err
			}
			set := &grandpa.AuthoritySet{SetID: setID, Authorities: auths}
			out := justificationOut{Threshold: set.Threshold()}
			j, err := grandpa.DecodeJustification(raw)
			if err != nil {
				// Garbage is bad input (2); a justification that decodes
				// but does not verify is exit 3.
				err = app.Input(err)
			} else {
				out.TargetHash, out.TargetNumber, out.Round = j.Commit.TargetHash.String(), j.Commit.TargetNumber, j.Round
				out.Signatures = len(j.Commit.Precommits)
				var res *grandpa.Result
				if res, err = grandpa.VerifyJustification(j, set); err == nil {
					out.Valid, out.Weight, out.Threshold = true, res.Weight, res.Threshold
				}
			}
			if err != nil {
				out.Error = err.Error()
			}
			if f.Opts.JSON {
				if perr := f.PrintJSON(out); perr != nil {
					return perr
				}
			} else if out.Valid {
				fmt.Fprintf(f.IO.Out, "valid justification of #%d %s\nround %d, set %d: %d signatures, weight %d of threshold %d\n",
					out.TargetNumber, out.TargetHash, out.Round, setID, out.Signatures, out.Weight, out.Threshold)
			}
			if err != nil {
				if errors.Is(err, app.ErrUsage) {
					return fmt.Errorf("justification does not decode: %w", err)
				}
				return app.Unverified(fmt.Errorf("invalid justification: %w", err))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&justification, "justification", "", "SCALE justification: 0x-hex, a file (raw or hex), or - for stdin")
	fl.Uint64Var(&setID, "set-id", 0, "GRANDPA authority set id")
	fl.StringVar(&authorities, "authorities", "", "JSON file: array of 0x-hex ed25519 keys or [key, weight] pairs")
	return cmd
}

// readAuthoritiesFile parses a JSON array of "0x..." keys or [key, weight]
// pairs (weight a JSON number or a decimal string).
func readAuthoritiesFile(path string) ([]grandpa.Authority, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, app.Input(err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, app.Usagef("--authorities %s: want a JSON array: %v", path, err)
	}
	auths := make([]grandpa.Authority, 0, len(items))
	for i, it := range items {
		var (
			key    string
			weight uint64 = 1
		)
		if err := json.Unmarshal(it, &key); err != nil {
			var pair []json.RawMessage
			if err := json.Unmarshal(it, &pair); err != nil || len(pair) != 2 {
				return nil, app.Usagef("--authorities entry %d: want \"0x..\" or [key, weight]", i)
			}
			if err := json.Unmarshal(pair[0], &key); err != nil {
				return nil, app.Usagef("--authorities entry %d: key must be a 0x-hex string", i)
			}
			ws := strings.Trim(string(pair[1]), `"`)
			if weight, err = strconv.ParseUint(ws, 10, 64); err != nil {
				return nil, app.Usagef("--authorities entry %d: bad weight %s", i, pair[1])
			}
		}
		kb, err := hex.DecodeString(strings.TrimPrefix(key, "0x"))
		if err != nil || len(kb) != 32 {
			return nil, app.Usagef("--authorities entry %d: key must be 32 bytes of 0x-hex", i)
		}
		var a grandpa.Authority
		copy(a.Key[:], kb)
		a.Weight = weight
		auths = append(auths, a)
	}
	return auths, nil
}
