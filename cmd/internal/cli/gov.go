package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

// govLong is the help of ksm gov (the verbs are listed in addCommands).
const govLong = `Read referenda and vote on them (OpenGov: Referenda and ConvictionVoting).

On Kusama governance lives on Asset Hub today: use --network kusama-asset-hub
(add --rpc AH_ENDPOINT to submit). Development chains host it on the relay.`

// perbillText writes a Perbill as a percentage.
func perbillText(p int64) string {
	return strconv.FormatFloat(float64(p)/1e7, 'f', 2, 64) + "%"
}

// referendumJSON is a referendum as `gov referenda` and `gov show` print it.
type referendumJSON struct {
	Index           uint32 `json:"index"`
	Status          string `json:"status"`
	Track           *int   `json:"track,omitempty"`
	TrackName       string `json:"trackName,omitempty"`
	Phase           string `json:"phase,omitempty"`
	Origin          any    `json:"origin,omitempty"`
	Proposal        any    `json:"proposal,omitempty"`
	Call            any    `json:"call,omitempty"`
	CallNote        string `json:"callNote,omitempty"`
	Submitted       uint64 `json:"submitted,omitempty"`
	Ayes            any    `json:"ayes,omitempty"`
	Nays            any    `json:"nays,omitempty"`
	Support         any    `json:"support,omitempty"`
	Approval        *int64 `json:"approval,omitempty"`
	SupportFraction *int64 `json:"supportFraction,omitempty"`
	NeedApproval    *int64 `json:"needApproval,omitempty"`
	NeedSupport     *int64 `json:"needSupport,omitempty"`
	Passing         *bool  `json:"passing,omitempty"`
	DecisionDeposit *bool  `json:"decisionDepositPlaced,omitempty"`
	DecidingSince   uint64 `json:"decidingSince,omitempty"`
	ConfirmingEnd   uint64 `json:"confirmingEnd,omitempty"`
	End             uint64 `json:"end,omitempty"`
	Block           uint64 `json:"block,omitempty"`
	// BlockNumber, BlockHash and Verified name the block `gov show` read
	// and whether it was proven (not repeated in `gov referenda` lists).
	BlockNumber uint64 `json:"blockNumber,omitempty"`
	BlockHash   string `json:"blockHash,omitempty"`
	Verified    *bool  `json:"verified,omitempty"`
	// Chain names the chain read ("kusama-asset-hub").
	Chain string `json:"chain"`
}

// trackJSON is a track of `gov tracks`, with the chain read.
type trackJSON struct {
	app.Track
	Chain string `json:"chain"`
}

func referendumView(r *app.Referendum, chain string) referendumJSON {
	j := referendumJSON{Index: r.Index, Status: r.Status, Block: r.Block, Chain: chain}
	if r.Status != "Ongoing" {
		return j
	}
	t := int(r.TrackID)
	j.Track, j.TrackName, j.Phase, j.Origin, j.Proposal, j.Submitted = &t, r.TrackName, r.Phase, r.Origin, r.Proposal, r.Submitted
	j.Ayes, j.Nays, j.Support = numOrNull(r.Ayes), numOrNull(r.Nays), numOrNull(r.Support)
	j.Approval, j.SupportFraction, j.NeedApproval, j.NeedSupport = &r.Approval, &r.SupportFraction, &r.NeedApproval, &r.NeedSupport
	j.Passing, j.DecisionDeposit = &r.Passing, &r.DecisionDeposit
	j.DecidingSince, j.ConfirmingEnd, j.End = r.DecidingSince, r.ConfirmingEnd, r.End
	return j
}

func newGovReferendaCmd(f *Factory) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "referenda",
		Short: "List ongoing referenda with their track, tally and the curves' thresholds",
		Long: `List the ongoing referenda: track (named from the Referenda.Tracks constant),
phase (preparing, deciding, confirming), tally, approval (ayes / (ayes + nays))
and support (support / active issuance) against the thresholds the track's
curves require at the time elapsed in the decision period, and the block the
current phase ends. --all lists finished referenda too. JSON: an array;
fractions are parts per billion.`,
		Args: exactArgs(0),
		RunE: govRun(f, func(ctx context.Context, e *chainEnv, g *app.GovState, args []string) error {
			rs, err := e.sess.Referenda(ctx, g, !all)
			if err != nil {
				return err
			}
			if f.Opts.JSON {
				out := make([]referendumJSON, 0, len(rs))
				for _, r := range rs {
					out = append(out, referendumView(r, e.sess.ChainID()))
				}
				return f.PrintJSON(out)
			}
			if len(rs) == 0 {
				f.Infof("No ongoing referenda at block #%d.", g.At.Number)
				return nil
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "#\tTRACK\tPHASE\tAYES\tNAYS\tAPPROVAL\tSUPPORT\tPASSING\tENDS")
			for _, r := range rs {
				if r.Status != "Ongoing" {
					fmt.Fprintf(tw, "%d\t-\t%s\t\t\t\t\t\t#%d\n", r.Index, strings.ToLower(r.Status), r.Block)
					continue
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s/%s\t%s/%s\t%v\t#%d\n", r.Index, r.TrackName, r.Phase,
					e.sess.FormatAmount(r.Ayes), e.sess.FormatAmount(r.Nays),
					perbillText(r.Approval), perbillText(r.NeedApproval), perbillText(r.SupportFraction), perbillText(r.NeedSupport), r.Passing, r.End)
			}
			return tw.Flush()
		}),
	}
	cmd.Flags().BoolVar(&all, "all", false, "list finished referenda too")
	return cmd
}

// referendumArg is the referendum index the first argument names.
func referendumArg(args []string) (uint32, error) { return app.ParseReferendumIndex(args[0]) }

func newGovShowCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show N",
		Short: "Show a referendum, with its proposal decoded when the preimage is available",
		Args:  exactArgs(1),
		RunE: parsedChainRun(f, "ConvictionVoting", referendumArg, func(ctx context.Context, e *chainEnv, idx uint32) error {
			g, err := e.sess.Gov(ctx)
			if err != nil {
				return err
			}
			r, err := e.sess.Referendum(ctx, g, idx)
			if err != nil {
				return err
			}
			j := referendumView(r, e.sess.ChainID())
			verified := e.sess.Chain.Verified()
			j.BlockNumber, j.BlockHash, j.Verified = g.At.Number, g.At.Hash.String(), &verified
			if r.Status == "Ongoing" {
				c, note, err := e.sess.ProposalCall(ctx, g, r.Proposal)
				if err != nil {
					return err
				}
				if c != nil {
					j.Call = c
				}
				j.CallNote = note
			}
			if f.Opts.JSON {
				return f.PrintJSON(j)
			}
			b, _ := json.MarshalIndent(j, "", "  ")
			fmt.Fprintln(f.IO.Out, string(b))
			return nil
		}),
	}
}

func newGovVoteCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	var amount, conviction, splitAye, splitNay string
	cmd := &cobra.Command{
		Use:   "vote N aye|nay|abstain --amount X [--conviction none|1x..6x] --from NAME",
		Short: "Vote on a referendum (standard, split or split-abstain)",
		Long: `Vote on referendum N with ConvictionVoting.vote.

  aye|nay --amount X --conviction C   a standard vote: X locked with conviction C
                                      (none: 0.1x votes and no lock; 1x..6x)
  --split-aye X --split-nay Y         a split vote (no conviction)
  abstain --amount X [--split-aye A --split-nay N]
                                      a split-abstain vote

A vote on a referendum that does not exist or is no longer ongoing is refused
before signing.`,
		Example: `  ksm gov vote 12 aye --amount 10 --conviction 2x --from alice
  ksm gov vote 12 --split-aye 3 --split-nay 1 --from alice
  ksm gov vote 12 abstain --amount 5 --from alice`,
		Args: rangeArgs(1, 2),
	}
	cmd.RunE = planRun(f, &sf, func(args []string) app.GovInput {
		in := app.GovInput{Referendum: args[0], Amount: amount, SplitAye: splitAye, SplitNay: splitNay,
			Conviction: conviction, ConvictionSet: cmd.Flags().Changed("conviction")}
		if len(args) == 2 {
			in.Direction = args[1]
		}
		return in
	}, app.PlanGovVote)
	sf.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&amount, "amount", "", "balance to vote with (standard) or to abstain with")
	fl.StringVar(&conviction, "conviction", "none", "none (0.1x, no lock) or 1x..6x")
	fl.StringVar(&splitAye, "split-aye", "", "split vote: balance for aye")
	fl.StringVar(&splitNay, "split-nay", "", "split vote: balance for nay")
	return cmd
}

// votesJSON is what `gov votes` prints.
type votesJSON struct {
	Address string            `json:"address"`
	Tracks  []app.TrackVoting `json:"tracks"`
	blockAtJSON
}

func newGovVotesCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "votes [NAME|ADDRESS]",
		Short: "An account's votes and delegations, by track (ConvictionVoting.VotingFor)",
		Args:  rangeArgs(0, 1),
		RunE: govRun(f, func(ctx context.Context, e *chainEnv, g *app.GovState, args []string) error {
			who, err := govAccountArg(e, args)
			if err != nil {
				return err
			}
			tv, err := e.sess.Votes(ctx, g, who)
			if err != nil {
				return err
			}
			if tv == nil {
				tv = []app.TrackVoting{}
			}
			if f.Opts.JSON {
				return f.PrintJSON(votesJSON{Address: e.sess.Account(who), Tracks: tv, blockAtJSON: blockAt(e.sess, g.At)})
			}
			if len(tv) == 0 {
				f.Infof("%s has no votes or delegations.", e.sess.Account(who))
				return nil
			}
			for _, t := range tv {
				switch t.Kind {
				case "Delegating":
					fmt.Fprintf(f.IO.Out, "track %s (%d): delegating %s to %s, conviction %s\n", t.TrackName, t.Track,
						e.sess.FormatAmount(t.Delegate.Balance), t.Delegate.Target, t.Delegate.Conviction)
				default:
					for _, v := range t.Votes {
						b, _ := json.Marshal(v.Vote)
						fmt.Fprintf(f.IO.Out, "track %s (%d): referendum %d: %s\n", t.TrackName, t.Track, v.Referendum, b)
					}
					if len(t.Votes) == 0 {
						b, _ := json.Marshal(t.Prior)
						fmt.Fprintf(f.IO.Out, "track %s (%d): no votes; prior lock %s\n", t.TrackName, t.Track, b)
					}
				}
			}
			return nil
		}),
	}
}

// govAccountArg resolves an optional NAME|ADDRESS argument (the only key
// when absent).
func govAccountArg(e *chainEnv, args []string) ([32]byte, error) {
	if len(args) == 1 {
		id, _, err := e.resolveAccount(args[0])
		return id, err
	}
	list, err := e.store.List()
	if err != nil {
		return [32]byte{}, err
	}
	if len(list) != 1 {
		return [32]byte{}, app.Usagef("name the account (NAME or ADDRESS): the keystore has %d keys", len(list))
	}
	id, _, err := e.resolveAccount(list[0].Name)
	return id, err
}

func newGovRemoveVoteCmd(f *Factory) *cobra.Command {
	var track string
	cmd := submitCmd(f, &cobra.Command{
		Use:   "remove-vote N [--track T] --from NAME",
		Short: "Remove a vote (ConvictionVoting.remove_vote)",
		Long: `Remove the sender's vote on referendum N. The track is found from the
referendum when it is ongoing, else from the sender's votes; --track names it.`,
		Args: exactArgs(1),
	}, func(args []string) app.GovInput { return app.GovInput{Referendum: args[0], Track: track} }, app.PlanGovRemoveVote)
	cmd.Flags().StringVar(&track, "track", "", "the referendum's track (name or id)")
	return cmd
}

func newGovDelegateCmd(f *Factory) *cobra.Command {
	var amount, conviction string
	cmd := submitCmd(f, &cobra.Command{
		Use:   "delegate TRACK TO --amount X [--conviction C] --from NAME",
		Short: "Delegate votes on a track (ConvictionVoting.delegate)",
		Args:  exactArgs(2),
	}, func(args []string) app.GovInput {
		return app.GovInput{Track: args[0], Target: args[1], Amount: amount, Conviction: conviction}
	}, app.PlanGovDelegate)
	cmd.Flags().StringVar(&amount, "amount", "", "balance to delegate")
	cmd.Flags().StringVar(&conviction, "conviction", "none", "none or 1x..6x")
	return cmd
}

func newGovUndelegateCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "undelegate TRACK --from NAME",
		Short: "End a delegation on a track (ConvictionVoting.undelegate)",
		Args:  exactArgs(1),
	}, func(args []string) app.GovInput { return app.GovInput{Track: args[0]} }, app.PlanGovUndelegate)
}

func newGovUnlockCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "unlock TRACK [TARGET] --from NAME",
		Short: "Remove expired voting locks on a track (ConvictionVoting.unlock)",
		Args:  rangeArgs(1, 2),
	}, func(args []string) app.GovInput {
		in := app.GovInput{Track: args[0]}
		if len(args) == 2 {
			in.Target = args[1]
		}
		return in
	}, app.PlanGovUnlock)
}

func newGovTracksCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "tracks",
		Short: "List the referenda tracks (Referenda.Tracks)",
		Args:  exactArgs(0),
		RunE: govRun(f, func(ctx context.Context, e *chainEnv, g *app.GovState, args []string) error {
			if f.Opts.JSON {
				out := make([]trackJSON, 0, len(g.Tracks))
				for _, t := range g.Tracks {
					out = append(out, trackJSON{Track: t, Chain: e.sess.ChainID()})
				}
				return f.PrintJSON(out)
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tDECISION DEPOSIT\tDECISION PERIOD\tAPPROVAL CURVE\tSUPPORT CURVE")
			for _, t := range g.Tracks {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", t.ID, t.Name, e.sess.FormatAmount(t.DecisionDeposit), t.DecisionPeriod, t.MinApproval.Kind, t.MinSupport.Kind)
			}
			return tw.Flush()
		}),
	}
}

// govRun is the run function of a command reading governance state: the
// chain is opened and its state read (openGov), given to run and closed
// after.
func govRun(f *Factory, run func(ctx context.Context, e *chainEnv, g *app.GovState, args []string) error) func(*cobra.Command, []string) error {
	return openedRun(argsAsGiven, func(ctx context.Context) (*govEnv, error) { return openGov(ctx, f) },
		func(ctx context.Context, e *govEnv, args []string) error { return run(ctx, e.chainEnv, e.g, args) })
}

// govEnv is an open chain and its governance state.
type govEnv struct {
	*chainEnv
	g *app.GovState
}

// openGov opens the chain and reads its governance state (the Referenda
// pallet's routing and tracks); the caller closes the chain.
func openGov(ctx context.Context, f *Factory) (*govEnv, error) {
	e, err := openChainFor(ctx, f, "ConvictionVoting")
	if err != nil {
		return nil, err
	}
	g, err := e.sess.Gov(ctx)
	if err != nil {
		e.Close()
		return nil, err
	}
	return &govEnv{chainEnv: e, g: g}, nil
}
