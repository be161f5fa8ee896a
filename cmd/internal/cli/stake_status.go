package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
)

// stakeStatusJSON is `ksm stake status --json`: amounts in planck (value
// JSON numbers), commission in parts per billion, the block the state was
// read at and whether it was verified.
type stakeStatusJSON struct {
	Address       string             `json:"address"`
	Key           string             `json:"key,omitempty"`
	Bonded        bool               `json:"bonded"`
	Stash         string             `json:"stash,omitempty"`
	Controller    string             `json:"controller,omitempty"`
	Total         any                `json:"total"`
	Active        any                `json:"active"`
	Unlocking     []unlockJSON       `json:"unlocking"`
	Withdrawable  any                `json:"withdrawable"`
	Payee         any                `json:"payee"`
	Nominating    bool               `json:"nominating"`
	NominatedIn   *uint32            `json:"nominatedInEra"`
	Nominations   []nominationJSON   `json:"nominations"`
	IsValidator   bool               `json:"isValidator"`
	CurrentEra    uint32             `json:"currentEra"`
	ActiveEra     uint32             `json:"activeEra"`
	EraSeconds    *int64             `json:"eraLengthSeconds"`
	BondingEras   uint32             `json:"bondingDurationEras"`
	HistoryDepth  uint32             `json:"historyDepth"`
	SlashingSpans uint32             `json:"slashingSpans"`
	Pending       []pendingAmountRow `json:"pendingRewards"`
	PendingTotal  any                `json:"pendingRewardsTotal"`
	readAtJSON
}

type unlockJSON struct {
	Value        any    `json:"value"`
	Era          uint32 `json:"era"`
	ErasLeft     uint32 `json:"erasLeft"`
	SecondsLeft  *int64 `json:"secondsLeft"`
	Withdrawable bool   `json:"withdrawable"`
}

type nominationJSON struct {
	Validator   string `json:"validator"`
	IsValidator bool   `json:"isValidator"`
	Commission  uint64 `json:"commission"`
	Blocked     bool   `json:"blocked"`
	Elected     bool   `json:"elected"`
	Active      bool   `json:"active"`
}

type pendingAmountRow struct {
	Validator string  `json:"validator"`
	Era       uint32  `json:"era"`
	Page      *uint32 `json:"page"`
	Amount    any     `json:"amount"`
}

func stakeStatusView(e *chainEnv, st *app.StakeStatus, key string) stakeStatusJSON {
	s := e.sess
	j := stakeStatusJSON{
		Address: s.Account(st.Account), Key: key, Bonded: st.Bonded,
		Total: numOrNull(st.Total), Active: numOrNull(st.Active), Withdrawable: numOrNull(st.Withdrawable),
		Unlocking: []unlockJSON{}, Payee: st.Payee, Nominating: st.Nominating, Nominations: []nominationJSON{},
		IsValidator: st.IsValidator, CurrentEra: st.CurrentEra, ActiveEra: st.ActiveEra,
		BondingEras: st.BondingEras, HistoryDepth: st.HistoryDepth, SlashingSpans: st.SlashingSpans,
		readAtJSON: readAt(s, st.Block),
	}
	if st.Bonded {
		j.Stash, j.Controller = s.Account(st.Stash), s.Account(st.Controller)
	}
	if st.EraLength > 0 {
		sec := int64(st.EraLength / time.Second)
		j.EraSeconds = &sec
	}
	if st.Nominating {
		n := st.NominatedIn
		j.NominatedIn = &n
	}
	for _, c := range st.Unlocking {
		u := unlockJSON{Value: numOrNull(c.Value), Era: c.Era, ErasLeft: c.ErasLeft, Withdrawable: c.Withdrawable}
		if c.Withdrawable || st.EraLength > 0 {
			sec := int64(c.Remaining / time.Second)
			u.SecondsLeft = &sec
		}
		j.Unlocking = append(j.Unlocking, u)
	}
	for _, n := range st.Nominations {
		j.Nominations = append(j.Nominations, nominationJSON{Validator: s.Account(n.Validator), IsValidator: n.IsValidator,
			Commission: n.Commission, Blocked: n.Blocked, Elected: n.Elected, Active: n.Active})
	}
	if st.PendingChecked {
		j.Pending = []pendingAmountRow{}
		for _, p := range st.Pending {
			j.Pending = append(j.Pending, pendingAmountRow{Validator: s.Account(p.Validator), Era: p.Era, Page: p.Page, Amount: numOrNull(p.Amount)})
		}
		j.PendingTotal = numOrNull(st.PendingTotal)
	}
	return j
}

func printStakeStatus(e *chainEnv, st *app.StakeStatus, key string) {
	s := e.sess
	w := accountWriter(e, st.Account, key)
	fmt.Fprintf(w, "  era\tcurrent %d, active %d", st.CurrentEra, st.ActiveEra)
	if st.EraLength > 0 {
		fmt.Fprintf(w, " (an era is about %s)", app.HumanDuration(st.EraLength))
	}
	fmt.Fprintf(w, "\n")
	if !st.Bonded {
		fmt.Fprintf(w, "  not bonded\n")
		_ = w.Flush()
		return
	}
	if st.Controller != st.Stash {
		fmt.Fprintf(w, "  stash\t%s\n  controller\t%s\n", s.Account(st.Stash), s.Account(st.Controller))
	}
	fmt.Fprintf(w, "  bonded\t%s\n", s.FormatAmount(st.Total))
	fmt.Fprintf(w, "  active\t%s\n", s.FormatAmount(st.Active))
	for _, c := range st.Unlocking {
		when := "withdrawable now"
		if !c.Withdrawable {
			when = fmt.Sprintf("in %d era(s)", c.ErasLeft)
			if c.Remaining > 0 {
				when += ", about " + app.HumanDuration(c.Remaining)
			}
		}
		fmt.Fprintf(w, "  unlocking\t%s\tera %d: %s\n", s.FormatAmount(c.Value), c.Era, when)
	}
	if st.Withdrawable.Sign() > 0 {
		fmt.Fprintf(w, "  withdrawable\t%s\t(ksm stake withdraw)\n", s.FormatAmount(st.Withdrawable))
	}
	if st.PayeeText != "" {
		fmt.Fprintf(w, "  rewards to\t%s\n", st.PayeeText)
	}
	if st.IsValidator {
		fmt.Fprintf(w, "  validating\tyes\n")
	}
	if st.Nominating {
		fmt.Fprintf(w, "  nominations\t%d (submitted in era %d)\n", len(st.Nominations), st.NominatedIn)
		_ = w.Flush()
		w = tabwriter.NewWriter(e.f.IO.Out, 0, 4, 2, ' ', 0)
		for _, n := range st.Nominations {
			state := "inactive"
			switch {
			case n.Active:
				state = "active (backed in era " + fmt.Sprint(st.ActiveEra) + ")"
			case n.Elected:
				state = "elected, not backed by this stake"
			case !n.IsValidator:
				state = "not a validator"
			}
			extra := ""
			if n.IsValidator {
				extra = "commission " + app.PerbillPercent(n.Commission)
				if n.Blocked {
					extra += ", blocked"
				}
			}
			fmt.Fprintf(w, "    %s\t%s\t%s\n", s.Account(n.Validator), state, extra)
		}
		_ = w.Flush()
		w = tabwriter.NewWriter(e.f.IO.Out, 0, 4, 2, ' ', 0)
	} else {
		fmt.Fprintf(w, "  nominations\tnone\n")
	}
	if st.PendingChecked {
		if len(st.Pending) == 0 {
			fmt.Fprintf(w, "  pending rewards\tnone within %d eras\n", st.HistoryDepth)
		} else {
			fmt.Fprintf(w, "  pending rewards\tabout %s in %d validator era(s)\t(ksm stake payout --all)\n", s.FormatAmount(st.PendingTotal), len(st.Pending))
		}
	}
	_ = w.Flush()
}

func newStakeStatusCmd(f *Factory) *cobra.Command {
	var noRewards bool
	cmd := &cobra.Command{
		Use:   "status [ADDRESS|NAME]",
		Short: "Show bond, unlocking chunks, nominations and pending rewards",
		Long: `Show an account's staking state at the finalized head: bonded and active
amounts, unlocking chunks with the era each frees and the estimated time
(era length = SessionsPerEra × EpochDuration × ExpectedBlockTime from
metadata), the reward destination, its nominations with whether each is
backed in the active era, and unclaimed rewards within the history depth
(--no-rewards skips that scan). Without an argument, every key.

--json prints one object (an array without an argument): address, key,
bonded, stash, controller, total, active, withdrawable (planck),
unlocking [{value, era, erasLeft, secondsLeft (estimate; null when the era
length is unknown), withdrawable}], payee (value JSON of the
RewardDestination, null when none), nominating, nominatedInEra,
nominations [{validator, isValidator, commission (parts per billion),
blocked, elected (in the active era's exposures), active (backed by this
stake there)}], isValidator, currentEra, activeEra, eraLengthSeconds,
bondingDurationEras, historyDepth, slashingSpans, pendingRewards
[{validator, era, page, amount}] and pendingRewardsTotal (null with
--no-rewards), blockNumber and blockHash (the state's block), decimals,
symbol and verified.`,
		Args: rangeArgs(0, 1),
		RunE: palletRun(f, "Staking", func(ctx context.Context, e *stakeEnv, args []string) error {
			return showEach(f, e.chainEnv, args, "no keys yet: give an ADDRESS",
				func(t statusTarget) (*app.StakeStatus, error) {
					return e.sess.StakeStatus(ctx, e.rt, e.head, t.id, app.StakeStatusOptions{Rewards: !noRewards})
				},
				func(st *app.StakeStatus, key string) stakeStatusJSON { return stakeStatusView(e.chainEnv, st, key) },
				func(st *app.StakeStatus, key string) { printStakeStatus(e.chainEnv, st, key) })
		}),
	}
	cmd.Flags().BoolVar(&noRewards, "no-rewards", false, "skip the scan for unclaimed rewards")
	return cmd
}

// readAtJSON is where a command read an account's state: the block, the
// chain and its token, and whether the state was verified.
type readAtJSON struct {
	BlockNumber uint64 `json:"blockNumber"`
	BlockHash   string `json:"blockHash"`
	Decimals    int    `json:"decimals"`
	Symbol      string `json:"symbol"`
	Chain       string `json:"chain"`
	Verified    bool   `json:"verified"`
}

// readAt is the state of s read at block.
func readAt(s *app.Session, block chainclient.Header) readAtJSON {
	return readAtJSON{BlockNumber: block.Number, BlockHash: block.Hash.String(), Decimals: s.Token.Decimals, Symbol: s.Token.Symbol,
		Chain: s.ChainID(), Verified: s.Chain.Verified()}
}

// blockAtJSON is the block a command read chain state at, the chain, and
// whether the state was verified (readAtJSON adds the token).
type blockAtJSON struct {
	BlockNumber uint64 `json:"blockNumber"`
	BlockHash   string `json:"blockHash"`
	Chain       string `json:"chain"`
	Verified    bool   `json:"verified"`
}

// blockAt is the state of s read at block.
func blockAt(s *app.Session, block chainclient.Header) blockAtJSON {
	return blockAtJSON{BlockNumber: block.Number, BlockHash: block.Hash.String(), Chain: s.ChainID(), Verified: s.Chain.Verified()}
}

// accountWriter is the table a status command writes an account's block
// of text in, started with the account's address (and key name).
func accountWriter(e *chainEnv, account [32]byte, key string) *tabwriter.Writer {
	w := tabwriter.NewWriter(e.f.IO.Out, 0, 4, 2, ' ', 0)
	title := e.sess.Account(account)
	if key != "" {
		title += "  (key " + key + ")"
	}
	fmt.Fprintf(w, "%s\n", title)
	return w
}

// statusTarget is an account a status command reports on, with the name of
// its key when it is one.
type statusTarget struct {
	id  [32]byte
	key string
}

// statusTargets is the account of args[0] (an address or a key name), or
// every key in the keystore when no argument is given; noKeys is the usage
// error's message when there is none.
func statusTargets(e *chainEnv, args []string, noKeys string) ([]statusTarget, error) {
	if len(args) == 1 {
		id, key, err := e.resolveAccount(args[0])
		if err != nil {
			return nil, err
		}
		return []statusTarget{{id, key}}, nil
	}
	list, err := e.store.List()
	if err != nil && len(list) == 0 {
		return nil, err
	}
	var targets []statusTarget
	for _, ent := range list {
		id, _, _ := e.resolveAccount(ent.Name)
		targets = append(targets, statusTarget{id, ent.Name})
	}
	if len(targets) == 0 {
		return nil, app.Usagef("%s", noKeys)
	}
	return targets, nil
}

// showEach reads each target (statusTargets) with fetch and shows it:
// under --json one object (view) when the command was given an argument,
// else an array; as text (print) one block a target, separated by blank
// lines.
func showEach[T, J any](f *Factory, e *chainEnv, args []string, noKeys string, fetch func(statusTarget) (T, error), view func(T, string) J, print func(T, string)) error {
	targets, err := statusTargets(e, args, noKeys)
	if err != nil {
		return err
	}
	views := make([]J, 0, len(targets))
	for i, t := range targets {
		v, err := fetch(t)
		if err != nil {
			return err
		}
		if f.Opts.JSON {
			views = append(views, view(v, t.key))
			continue
		}
		if i > 0 {
			fmt.Fprintln(f.IO.Out)
		}
		print(v, t.key)
	}
	if f.Opts.JSON {
		if len(args) == 1 {
			return f.PrintJSON(views[0])
		}
		return f.PrintJSON(views)
	}
	return nil
}
