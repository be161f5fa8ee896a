// Package cli holds the cobra commands of ksm: one file per noun, a Factory
// with the IO streams and global options, and the one mapping from errors to
// the exit codes of the command-line contract.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
)

// Main runs ksm with the process's arguments and streams and returns the exit code.
func Main() int {
	f := NewFactory(iostreams.System())
	f.Backend = mainHooks
	return runMain(f)
}

// runMain is Main with the factory given (tests set its seams).
func runMain(f *Factory) int {
	// Ctrl-C cancels ctx: whatever ksm is doing (connecting, syncing,
	// prompting, reading a password) stops and it exits 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// After the first Ctrl-C a second one ends ksm the default way, should
	// a step not heed the cancellation.
	go func() {
		<-ctx.Done()
		stop()
	}()
	return Run(ctx, f, os.Args[1:])
}

// mainHooks are the backend seams of Main: zero in production; the tests
// that run ksm as a process set them in TestMain (a fake clock).
var mainHooks backend.Hooks

// Run executes ksm with args and returns the exit code; errors are printed
// on f's stderr.
func Run(ctx context.Context, f *Factory, args []string) int {
	f.IO.CancelOn(ctx)
	root := NewRootCmd(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	code := ExitCode(err)
	// Interrupted, a command fails in whatever way its step failed (a
	// dial cut short reads as unreachable); it is still a cancellation.
	if ctx.Err() != nil {
		code = ExitCancelled
	}
	if code == ExitCancelled && !errors.Is(err, ErrCancelled) {
		err = ErrCancelled
	}
	fmt.Fprintf(f.IO.ErrOut, "ksm: %v\n", err)
	if hint := usageHint(err); hint != "" {
		fmt.Fprintln(f.IO.ErrOut, hint)
	}
	// --json counts even when the command line failed to parse before it.
	if f.Opts.JSON || slices.Contains(args, "--json") {
		writeJSONError(f.IO.ErrOut, err, code)
	}
	return code
}

// NewRootCmd builds the ksm command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "ksm",
		Short: "Kusama wallet and staking toolkit with an embedded light client",
		Long: `ksm holds your Kusama keys, verifies the chain itself with an embedded GRANDPA
light client, and does claims, staking, voting and parachain bonding from a
terminal or a script.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          unknownSubcommand,
		// A malformed endpoint is refused before any command runs.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			checkBeforeNetwork(f, cmd, args)
			if f.collect != nil {
				// A row of ksm batch: the batch's settings, resolved already.
				return nil
			}
			if err := f.applySettings(cmd); err != nil {
				return err
			}
			return f.checkEndpoints()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// On a terminal ksm opens the TUI; piped or with --json, help.
			if f.IO.IsStdinTTY() && f.IO.IsStdoutTTY() && !f.Opts.JSON {
				return runTUI(cmd.Context(), f)
			}
			return cmd.Help()
		},
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		if arg, ok := negativeNumber(err); ok {
			return app.Usagef("%s: amount must be positive (amounts and indices are never negative)", arg)
		}
		return &syntaxError{err: err, cmd: cmd.CommandPath()}
	})

	pf := root.PersistentFlags()
	pf.StringVar(&f.Opts.Home, "home", "", "data directory (default $KSM_HOME, else the OS config dir + /ksm)")
	pf.StringVar(&f.Opts.Network, "network", "kusama", "network: kusama, polkadot, westend, paseo, their asset hubs (kusama-asset-hub, ...: read through the relay chain), or a chain-spec JSON file")
	pf.StringVar(&f.Opts.RPC, "rpc", "", "JSON-RPC endpoint (ws, wss, http, https); its answers are verified (on a parachain network: the parachain's endpoint)")
	pf.StringVar(&f.Opts.RelayRPC, "relay-rpc", "", "on a parachain network (kusama-asset-hub): JSON-RPC endpoint of its relay chain, which proves the parachain's heads (default: the relay's libp2p network)")
	pf.StringVar(&f.Opts.AssetHubRPC, "asset-hub-rpc", "", "on a relay network (kusama, ...): JSON-RPC endpoint of its Asset Hub, verified against the heads the relay chain proves (default: Asset Hub's libp2p network)")
	pf.StringVar(&f.Opts.Checkpoint, "checkpoint", "", "chain spec with a lightSyncState to start from when no newer verified state is kept under --home (ksm chain checkpoint export, or a node's sync_state_genSyncSpec)")
	pf.BoolVar(&f.Opts.AcceptOldCheckpoint, "accept-old-checkpoint", false, "start from a checkpoint past the network's maximum age (its number and hash are printed to compare with an explorer)")
	pf.DurationVar(&f.Opts.FollowTimeout, "follow-timeout", app.DefaultFollowTimeout, "how long a submitted transaction may go without news (a new status, a new block) before ksm stops following it; it may still be included until its era ends")
	pf.BoolVar(&f.Opts.TrustRPC, "trust-rpc", false, "accept an endpoint that cannot prove its answers (dev chains)")
	pf.BoolVar(&f.Opts.JSON, "json", false, "machine-readable output on stdout")
	pf.BoolVar(&f.Opts.Yes, "yes", false, "do not ask for confirmation")
	pf.StringVar(&f.Opts.PasswordFile, "password-file", "", "read the keystore password from a file")
	pf.BoolVar(&f.Opts.PasswordStdin, "password-stdin", false, "read the keystore password from standard input")

	addCommands(root, f)
	addChainFlags(root, f)
	refuseUnknownSubcommands(root)
	addExamples(root)
	return root
}

// addCommands builds the command tree below the root: one line per noun,
// each noun listing its verbs, so the whole tree is read in one place.
// Cobra sorts the commands by name in help and completions.
func addCommands(root *cobra.Command, f *Factory) {
	root.AddCommand(
		newAccountCmd(f),
		newBalanceCmd(f),
		newNounCmd(f, &cobra.Command{Use: "batch", Short: "Run many transactions from a file (JSON Lines or CSV): plan them, then run them with a journal that never pays twice"},
			newBatchPlanCmd, newBatchRunCmd),
		newNounCmd(f, &cobra.Command{Use: "chain", Short: "Light-client status and sync: GRANDPA-verified finality"},
			newChainCheckpointCmd, newChainStatusCmd, newChainSyncCmd),
		newNounCmd(f, &cobra.Command{Use: "claim", Short: "Claim an allocation of the 2017 sale with an Ethereum key", Long: claimLong},
			newClaimStatusCmd, newClaimMessageCmd, newClaimRecoverCmd, newClaimSubmitCmd, newClaimAttestCmd),
		newConfigCmd(f),
		newNounCmd(f, &cobra.Command{Use: "gov", Short: "OpenGov: referenda, conviction votes and delegations", Long: govLong},
			newGovReferendaCmd, newGovShowCmd, newGovVoteCmd, newGovVotesCmd, newGovRemoveVoteCmd, newGovDelegateCmd,
			newGovUndelegateCmd, newGovUnlockCmd, newGovTracksCmd),
		newNounCmd(f, &cobra.Command{Use: "key", Short: "Create, import, list, derive and use keys (polkadot-js compatible keystore)", Long: keyLong},
			newKeyNewCmd, newKeyImportCmd, newKeyListCmd, newKeyShowCmd, newKeyInspectCmd, newKeyDeriveCmd,
			newKeyExportCmd, newKeyRemoveCmd, newKeyRenameCmd, newKeyWatchCmd, newKeySignCmd, newKeyVerifyCmd),
		newNounCmd(f, &cobra.Command{Use: "metadata", Short: "Inspect runtime metadata and compute its RFC-0078 digest"},
			newMetadataHashCmd, newMetadataInspectCmd),
		newNounCmd(f, &cobra.Command{Use: "multisig", Short: "Multisig accounts: create, list open operations, approve, cancel", Long: multisigLong},
			newMultisigNewCmd, newMultisigPendingCmd, newMultisigApproveCmd, newMultisigCancelCmd),
		newNounCmd(f, &cobra.Command{Use: "para", Short: "Parachain bonding on the relay chain: para ids, registration, crowdloans", Long: paraLong},
			newParaReserveCmd, newParaRegisterCmd, newParaDeregisterCmd, newParaStatusCmd, newParaContributeCmd,
			newParaWithdrawCmd, newParaRefundCmd),
		newNounCmd(f, &cobra.Command{Use: "pool", Short: "Join nomination pools, claim their rewards, unbond and withdraw", Long: poolLong},
			newPoolJoinCmd, newPoolBondExtraCmd, newPoolClaimCmd, newPoolUnbondCmd, newPoolWithdrawCmd, newPoolStatusCmd),
		newNounCmd(f, &cobra.Command{Use: "proxy", Short: "Add, remove and list proxies; create and kill pure proxy accounts", Long: proxyLong},
			newProxyAddCmd, newProxyRemoveCmd, newProxyListCmd, newProxyPureCmd),
		newNounCmd(f, &cobra.Command{Use: "query", Short: "Read chain state, verified against the finalized state root"},
			newQueryStorageCmd),
		newNounCmd(f, &cobra.Command{Use: "stake", Short: "Bond, nominate, unbond and claim staking rewards", Long: stakeLong},
			newStakeBondCmd, newStakeBondExtraCmd, newStakeUnbondCmd, newStakeRebondCmd, newStakeWithdrawCmd,
			newStakeNominateCmd, newStakeChillCmd, newStakePayeeCmd, newStakePayoutCmd, newStakeStatusCmd),
		newTransferCmd(f),
		newTUICmd(f),
		newNounCmd(f, &cobra.Command{Use: "tx", Short: "Encode, decode, build and sign transactions"},
			newTxBuildCmd, newTxEncodeCallCmd, newTxDecodeCallCmd, newTxDecodeCmd, newTxDecodePayloadCmd, newTxSignCmd,
			newTxSubmitCmd, newTxCallCmd),
		newNounCmd(f, &cobra.Command{Use: "verify", Short: "Verify chain data offline: checkpoints, genesis, headers, justifications, proofs"},
			newVerifyCheckpointCmd, newVerifyGenesisCmd, newVerifyHeaderCmd, newVerifyJustificationCmd,
			newVerifyProofCmd),
		newVersionCmd(f),
	)
}

// refuseUnknownSubcommands makes every command that only groups others
// (ksm key, ksm tx, ...) fail on an unknown or mistyped subcommand with exit
// 2 and suggestions, instead of printing its help and exiting 0; alone, it
// still prints its help.
func refuseUnknownSubcommands(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		refuseUnknownSubcommands(c)
	}
	if !cmd.HasSubCommands() || cmd.Run != nil || cmd.RunE != nil {
		return
	}
	cmd.Args = unknownSubcommand
	cmd.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
}

// unknownSubcommand refuses any argument of a command that takes none but
// has subcommands: it names the nearest subcommands ("did you mean").
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if !cmd.HasSubCommands() {
		msg = fmt.Sprintf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, set only on its own path
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
	}
	return commandSyntaxErrorf(cmd.CommandPath(), "%s", msg)
}

// exactArgs is cobra.ExactArgs with a usage error (exit 2).
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return commandSyntaxErrorf(cmd.CommandPath(), "%s takes %d argument(s), got %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

// rangeArgs is cobra.RangeArgs with a usage error (exit 2).
func rangeArgs(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			return commandSyntaxErrorf(cmd.CommandPath(), "%s takes %d to %d arguments, got %d", cmd.CommandPath(), min, max, len(args))
		}
		return nil
	}
}

// addMetadataFlag adds --metadata, the runtime metadata file a command
// reads, to cmd.
func addMetadataFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "metadata", "", "runtime metadata file (binary or hex)")
}
