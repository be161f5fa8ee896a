package cli

import (
	"context"

	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/tx/value"
)

func newTxSubmitCmd(f *Factory) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:         "submit HEX",
		Annotations: map[string]string{chainFlagAnnotation: "true"},
		Short:       "Submit a signed extrinsic (from 'ksm tx sign' or another signer) and follow it",
		Long: `Submit a signed extrinsic given as 0x-hex (or '-' to read it from stdin), once,
and follow it to a final block. It is decoded with the chain's metadata and
shown first (signer, nonce, era, call), dry-run where the endpoint can, and
submitted after confirmation (--yes skips it; --dry-run stops before
submitting). The outcome is as for every submitting command; exit code 4
when it was included but failed.

On a relay network with an Asset Hub (kusama, ...) the chain is found by the
call: the extrinsic must decode with that chain's runtime and its calls must
not be of a pallet that lives on the other chain only (when both take it,
the chain hosting the call's pallet). --chain relay|asset-hub names it.
With --dry-run --json: {extrinsicHash, signer, nonce, call, fee, chain,
verified}.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			text, err := xtReadArg(f, args[0])
			if err != nil {
				return err
			}
			ext, err := xtHex(text, "extrinsic")
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			e, cands, err := openSubmitChains(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			n, err := f.Network()
			if err != nil {
				return err
			}
			on, err := app.ChooseExtrinsicChain(ctx, n.Profile, cands, ext)
			if err != nil {
				return err
			}
			s, head, rt, x, call := on.Sess, on.Head, on.Runtime, on.Decoded, on.Call
			if len(cands) > 1 {
				f.Infof("the call %s.%s goes to %s", call.Pallet, call.Name, s.ChainName())
			}
			w := f.IO.ErrOut
			h := app.ExtrinsicHash(ext)
			fmt.Fprintf(w, "Extrinsic: %s (v%d, %d bytes)\n", h, x.Version, len(ext))
			view := txSubmitDryRunJSON{ExtrinsicHash: h.String(), Call: call, Fee: nil, Chain: s.ChainID(), Verified: s.Chain.Verified()}
			if x.Address != nil {
				if id, ok := x.Address.AccountID(); ok {
					view.Signer = s.Account(id)
					fmt.Fprintf(w, "Signer:    %s\n", view.Signer)
				}
			}
			if x.Extra.HasNonce {
				view.Nonce = &x.Extra.Nonce
				fmt.Fprintf(w, "Nonce:     %d\n", x.Extra.Nonce)
			}
			if x.Extra.HasEra {
				fmt.Fprintf(w, "Era:       %s\n", x.Extra.Era)
			}
			b, _ := json.MarshalIndent(call, "           ", "  ")
			fmt.Fprintf(w, "Call:      %s\n", b)
			if fee, err := s.QueryFee(ctx, rt, head.Hash, ext); err == nil {
				view.Fee = numOrNull(fee)
				fmt.Fprintf(w, "Fee:       about %s\n", s.FormatAmount(fee))
			}
			if x.Signed {
				if _, err := s.DryRunSigned(ctx, rt, head.Hash, ext); err != nil {
					return err
				}
			}
			if dryRun {
				f.Infof("Dry run only: nothing was submitted.")
				if f.Opts.JSON {
					return f.PrintJSON(view)
				}
				return nil
			}
			if err := confirm(f, "Submit this transaction?", "submit"); err != nil {
				return err
			}
			out, err := s.SubmitDecoded(ctx, ext, x, *head, progressPrinter(f))
			if err != nil {
				return err
			}
			return reportOutcome(e, out)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "decode, estimate and dry-run only; do not submit")
	return cmd
}

// txSubmitDryRunJSON is `tx submit --dry-run --json`: the extrinsic as
// decoded on the chain it goes to.
type txSubmitDryRunJSON struct {
	ExtrinsicHash string      `json:"extrinsicHash"`
	Signer        string      `json:"signer,omitempty"`
	Nonce         *uint64     `json:"nonce,omitempty"`
	Call          *value.Call `json:"call"`
	// Fee is the estimated fee (null when the chain could not say).
	Fee      any    `json:"fee"`
	Chain    string `json:"chain"`
	Verified bool   `json:"verified"`
}

// openSubmitChains opens the chains a signed extrinsic may be for: with
// --chain, or on a single-chain network, the one chain; on a relay network
// with an Asset Hub both (Asset Hub first), each with its profile, for
// app.ChooseExtrinsicChain to pick by the call's pallet.
func openSubmitChains(ctx context.Context, f *Factory) (*chainEnv, []app.ExtrinsicCandidate, error) {
	r, err := routeFor(f, "")
	if err != nil {
		return nil, nil, err
	}
	if r.chosen || !backend.MultiChain(r.net, f.Backend) {
		e, err := openRoute(ctx, f, r, "", 0, nil)
		if err != nil {
			return nil, nil, err
		}
		return e, []app.ExtrinsicCandidate{{Sess: e.sess, Profile: e.sess.Profile}}, nil
	}
	e, err := openNetwork(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	if len(e.others) == 0 {
		// A development chain behind the endpoint: the one chain.
		return e, []app.ExtrinsicCandidate{{Sess: e.sess}}, nil
	}
	cands := []app.ExtrinsicCandidate{{Sess: e.sess, Profile: app.AssetHubOf(r.net.Profile)}}
	for _, o := range e.others {
		cands = append(cands, app.ExtrinsicCandidate{Sess: o, Profile: r.net.Profile})
	}
	return e, cands, nil
}
