package cli

import (
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// multisigLong is the help of ksm multisig (the verbs are listed in addCommands).
const multisigLong = `A multisig account is derived from its signatories and threshold (as the
Multisig pallet does); 'ksm multisig new' adds one to the address book. Any
submitting command proposes or approves a call for it with --as MULTISIG
--from SIGNATORY; the first approval always carries the call, so the chain
itself holds it for the others: 'ksm multisig pending' fetches it from the
block the operation's timepoint names and proves it against that block's
extrinsics root, and 'ksm multisig approve' approves (and, at the threshold,
executes) it without anyone passing call data around.`

// multisigJSON is what multisig new prints.
type multisigJSON struct {
	Name        string   `json:"name"`
	Address     string   `json:"address"`
	Threshold   uint16   `json:"threshold"`
	Signatories []string `json:"signatories"`
}

func newMultisigNewCmd(f *Factory) *cobra.Command {
	var threshold int
	cmd := &cobra.Command{
		Use:   "new NAME --threshold N SIGNATORY...",
		Short: "Add a multisig account to the address book",
		Long: `Derive the multisig of SIGNATORY... (key names or addresses, at least two)
with THRESHOLD approvals needed, and store it in the address book as NAME (a
watch-only entry with isMultisig, threshold and the signatories, as
polkadot-js keeps it). The address is printed. Nothing is sent: a multisig
exists on chain as soon as it holds funds.`,
		Example: `  ksm multisig new treasury --threshold 2 alice bob HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F
  ksm --json multisig new pair --threshold 1 alice bob`,
		Args: rangeArgs(3, 1+app.MaxSignatories),
		RunE: keyEnvRun(f, func(env *keyEnv, args []string) error {
			st := env.store
			var ids [][32]byte
			for _, a := range args[1:] {
				t, err := app.ResolveTarget(st, "SIGNATORY", a)
				if err != nil {
					return err
				}
				ids = append(ids, t.Account)
			}
			ms, err := app.NewMultisig(args[0], threshold, ids)
			if err != nil {
				return err
			}
			prefix := env.net.SS58Prefix
			if _, err := st.AddWatchMeta(args[0], keys.Sr25519, ms.Account[:], ms.Meta(prefix)); err != nil {
				return err
			}
			j := multisigJSON{Name: args[0], Address: ss58.MustEncode(ms.Account, prefix), Threshold: ms.Threshold}
			for _, s := range ms.Signatories {
				j.Signatories = append(j.Signatories, ss58.MustEncode(s, prefix))
			}
			if f.Opts.JSON {
				return f.PrintJSON(j)
			}
			f.Infof("Multisig %q: %d of %d (signatories sorted as the pallet requires)", j.Name, j.Threshold, len(j.Signatories))
			for _, s := range j.Signatories {
				f.Infof("  %s", s)
			}
			fmt.Fprintln(f.IO.Out, j.Address)
			return nil
		}),
	}
	cmd.Flags().IntVar(&threshold, "threshold", 0, "approvals needed (1 to the number of signatories)")
	return cmd
}

// pendingJSON is one open operation (multisig pending).
type pendingJSON struct {
	CallHash  string        `json:"callHash"`
	Timepoint timepointJSON `json:"timepoint"`
	Approvals []string      `json:"approvals"`
	Threshold uint16        `json:"threshold"`
	Depositor string        `json:"depositor"`
	Deposit   any           `json:"deposit"`
	Call      *value.Call   `json:"call"`
	CallHex   *string       `json:"callHex"`
	CallNote  string        `json:"callNote,omitempty"`
	Block     string        `json:"blockHash,omitempty"`
	Proven    bool          `json:"callProven"`
	// Chain names the chain read ("kusama-asset-hub").
	Chain string         `json:"chain"`
	Extra map[string]any `json:"-"`
}

type timepointJSON struct {
	Height uint64 `json:"height"`
	Index  uint32 `json:"index"`
}

func newMultisigPendingCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use: "pending MULTISIG",
		// A read, but of the chain where the accounts live (Asset Hub on
		// kusama); --chain relay reads the relay chain's.
		Annotations: map[string]string{chainFlagAnnotation: "true"},
		Short:       "Open operations of a multisig, with their call data proven",
		Long: `List the open operations of MULTISIG (an address book name or address of a
multisig 'ksm multisig new' added) from Multisig.Multisigs at the finalized
head: call hash, timepoint, approvals, depositor and deposit. The call data of
each is fetched from the block its timepoint names (its hash read from
System.BlockHash, proven), the body checked against that block's extrinsics
root, and the as_multi whose call hashes to the call hash found and decoded.
A body or call that does not verify fails with exit 3. When the first approval
gave only the hash (approve_as_multi) the call is null with callNote saying so.`,
		Example: `  ksm multisig pending treasury
  ksm --json multisig pending treasury`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, _, err := openKeyring(f)
			if err != nil {
				return err
			}
			ms, err := app.ResolveMultisig(st, "MULTISIG", args[0])
			if err != nil {
				return err
			}
			e, err := openChainFor(cmd.Context(), f, "Multisig")
			if err != nil {
				return err
			}
			defer e.Close()
			p, err := e.sess.MultisigPending(cmd.Context(), ms)
			if err != nil {
				return err
			}
			out := []pendingJSON{}
			for _, op := range p.Ops {
				j := pendingJSON{CallHash: fmt.Sprintf("0x%x", op.CallHash), Timepoint: timepointJSON{op.Height, op.Index}, Approvals: []string{},
					Threshold: ms.Threshold, Depositor: e.sess.Account(op.Depositor), Deposit: numOrNull(op.Deposit), Call: op.Decoded, CallNote: op.CallNote, Chain: e.sess.ChainID()}
				for _, a := range op.Approvals {
					j.Approvals = append(j.Approvals, e.sess.Account(a))
				}
				if op.Call != nil {
					h := xtHexString(op.Call)
					j.CallHex, j.Proven = &h, op.Proven
				}
				if op.BlockHash != ([32]byte{}) {
					j.Block = op.BlockHash.String()
				}
				out = append(out, j)
			}
			if f.Opts.JSON {
				return f.PrintJSON(out)
			}
			w := f.IO.Out
			fmt.Fprintf(w, "%s: %d-of-%d multisig, %d open operation(s) at block #%d\n", e.sess.Account(ms.Account), ms.Threshold, len(ms.Signatories), len(out), p.At.Number)
			for _, j := range out {
				fmt.Fprintf(w, "\n%s\n  timepoint  #%d, extrinsic %d\n  approvals  %d of %d\n", j.CallHash, j.Timepoint.Height, j.Timepoint.Index, len(j.Approvals), j.Threshold)
				for _, a := range j.Approvals {
					fmt.Fprintf(w, "             %s\n", a)
				}
				fmt.Fprintf(w, "  depositor  %s (deposit %v)\n", j.Depositor, e.sess.FormatAmount(nz(depositOf(p, j.CallHash))))
				if j.Call != nil {
					b, _ := json.MarshalIndent(j.Call, "             ", "  ")
					fmt.Fprintf(w, "  call       %s\n", b)
					if j.Proven {
						fmt.Fprintf(w, "             (the call data is the block's, proven against its extrinsics root)\n")
					} else if j.CallNote != "" {
						fmt.Fprintf(w, "             (%s)\n", j.CallNote)
					}
				} else {
					fmt.Fprintf(w, "  call       unknown: %s\n", j.CallNote)
				}
			}
			return nil
		},
	}
	return cmd
}

func newMultisigApproveCmd(f *Factory) *cobra.Command {
	var data string
	cmd := submitCmd(f, &cobra.Command{
		Use:   "approve MULTISIG CALLHASH --from NAME",
		Short: "Approve an open multisig operation (executing it at the threshold)",
		Long: `Approve open operation CALLHASH of MULTISIG as --from, one of its signatories.
The call is the one the chain holds (fetched and proven as 'ksm multisig
pending' does; --call-data HEX when the first approval gave only its hash,
checked against CALLHASH). The confirmation shows it decoded. The approval
that reaches the threshold carries the call (Multisig.as_multi, with its
weight from the runtime as max_weight) and executes it: the outcome is the
call's own (exit 4 when it fails). Other approvals are approve_as_multi.`,
		Example: `  ksm multisig approve treasury 0x1f2e…c3d4 --from bob
  ksm multisig approve treasury 0x1f2e…c3d4 --from bob --dry-run --json`,
		Args: exactArgs(2),
	}, func(args []string) app.MultisigInput {
		return app.MultisigInput{Multisig: args[0], CallHash: args[1], CallData: data}
	}, app.PlanMultisigApprove)
	cmd.Flags().StringVar(&data, "call-data", "", "the call, 0x-hex, when the chain does not hold it")
	return cmd
}

func newMultisigCancelCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "cancel MULTISIG CALLHASH --from NAME",
		Short: "Cancel an open multisig operation (its depositor only)",
		Long: `Cancel open operation CALLHASH of MULTISIG (Multisig.cancel_as_multi). Only
the depositor, the signatory whose approval opened it, can; the deposit is
returned to it.`,
		Example: `  ksm multisig cancel treasury 0x1f2e…c3d4 --from alice`,
		Args:    exactArgs(2),
	}, func(args []string) app.MultisigInput {
		return app.MultisigInput{Multisig: args[0], CallHash: args[1]}
	}, app.PlanMultisigCancel)
}

func depositOf(p *app.MultisigPending, h string) *big.Int {
	for _, op := range p.Ops {
		if fmt.Sprintf("0x%x", op.CallHash) == h {
			return op.Deposit
		}
	}
	return nil
}
