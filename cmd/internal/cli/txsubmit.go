package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
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
when it was included but failed.`,
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
			e, err := openChain(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			head, err := e.sess.Chain.BestHead(ctx)
			if err != nil {
				return err
			}
			rt, err := e.sess.Runtime(ctx, head.Hash)
			if err != nil {
				return err
			}
			x, err := rt.Format.Decode(ext)
			if err != nil {
				return app.Usagef("not an extrinsic of this runtime (%s %d): %v", rt.Version.SpecName, rt.Version.SpecVersion, err)
			}
			call, err := rt.Codec.DecodeCall(x.Call)
			if err != nil {
				return app.Usagef("the extrinsic's call does not decode with this runtime's metadata: %v", err)
			}
			inner, err := rt.Calls.Split(x.Call)
			if err == nil {
				for _, c := range inner {
					if err := e.sess.Route(c.Pallet); err != nil {
						return err
					}
				}
			}
			w := f.IO.ErrOut
			h := app.ExtrinsicHash(ext)
			fmt.Fprintf(w, "Extrinsic: %s (v%d, %d bytes)\n", h, x.Version, len(ext))
			if x.Address != nil {
				if id, ok := x.Address.AccountID(); ok {
					fmt.Fprintf(w, "Signer:    %s\n", e.sess.Account(id))
				}
			}
			if x.Extra.HasNonce {
				fmt.Fprintf(w, "Nonce:     %d\n", x.Extra.Nonce)
			}
			if x.Extra.HasEra {
				fmt.Fprintf(w, "Era:       %s\n", x.Extra.Era)
			}
			b, _ := json.MarshalIndent(call, "           ", "  ")
			fmt.Fprintf(w, "Call:      %s\n", b)
			if fee, err := e.sess.QueryFee(ctx, rt, head.Hash, ext); err == nil {
				fmt.Fprintf(w, "Fee:       about %s\n", e.sess.FormatAmount(fee))
			}
			if x.Signed {
				if _, err := e.sess.DryRunSigned(ctx, rt, head.Hash, ext); err != nil {
					return err
				}
			}
			if dryRun {
				f.Infof("Dry run only: nothing was submitted.")
				return nil
			}
			if err := confirmUnsigned(f, "Submit this transaction?"); err != nil {
				return err
			}
			out, err := e.sess.SubmitDecoded(ctx, ext, x, *head, progressPrinter(f))
			if err != nil {
				return err
			}
			return reportOutcome(e, out)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "decode, estimate and dry-run only; do not submit")
	return cmd
}
