package cli

// Checks of a command's arguments that need no network: key names against
// the keystore, addresses, amounts against the network's token. Commands run
// them before opening the chain, so that a typo fails at once with exit 2
// instead of after a connection attempt of up to 30 s.

import (
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// offline is what a command knows before any network step: the network's
// profile and the keystore (opened without creating anything).
type offline = keyEnv

func openOffline(f *Factory) (*offline, error) { return openKeyEnv(f) }

// lookupAccount reads a key name of st or an address (SS58 of any prefix,
// or a 0x-hex account id); it returns the key's name when it is one.
func lookupAccount(st *keystore.Store, arg string) ([32]byte, string, error) {
	if ent, err := st.Get(arg); err == nil {
		return keys.AccountID(ent.Scheme, ent.PublicKey), ent.Name, nil
	}
	if strings.HasPrefix(arg, "0x") {
		b, err := xtHex(arg, "account")
		if err != nil {
			return [32]byte{}, "", err
		}
		if len(b) != 32 {
			return [32]byte{}, "", app.Usagef("account %s: %d bytes, want 32", arg, len(b))
		}
		var id [32]byte
		copy(id[:], b)
		return id, "", nil
	}
	id, _, err := ss58.DecodeAccountID(arg)
	if err != nil {
		return [32]byte{}, "", app.Usagef("%q is neither a key name nor an address: %v", arg, err)
	}
	return id, "", nil
}

// lookupSigner looks up the signing key --from names.
func lookupSigner(st *keystore.Store, name string) (*keystore.Entry, [32]byte, error) {
	if name == "" {
		return nil, [32]byte{}, app.Usagef("--from NAME is required (the key that signs)")
	}
	ent, err := st.Get(name)
	if err != nil {
		return nil, [32]byte{}, app.Usagef("--from: %w", err)
	}
	if ent.WatchOnly {
		return nil, [32]byte{}, app.Usagef("key %q is watch-only: it cannot sign", ent.Name)
	}
	return ent, keys.AccountID(ent.Scheme, ent.PublicKey), nil
}

// accounts checks that each argument is a key name or an address.
func (o *offline) accounts(args ...string) error {
	for _, a := range args {
		if _, _, err := lookupAccount(o.store, a); err != nil {
			return err
		}
	}
	return nil
}

// amount parses an amount of the network's token; it must be positive.
func (o *offline) amount(what, text string) (*big.Int, error) {
	v, err := value.ParseAmount(text, o.net.Decimals, o.net.Symbol)
	if err != nil {
		return nil, app.Usagef("%s: %w", what, err)
	}
	if v.Sign() <= 0 {
		return nil, app.Usagef("%s must be positive, got %s", what, text)
	}
	return v, nil
}

// submitsAnnotation marks a command with the submitting flags
// (submitFlags.add); checkArgsFirst finds them by it.
const submitsAnnotation = "ksm:submits"

// submitFlags checks, offline, that the key --from names exists and can
// sign and that --tip is an amount.
func (o *offline) submitFlags(cmd *cobra.Command) error {
	from, _ := cmd.Flags().GetString("from")
	if _, _, err := lookupSigner(o.store, from); err != nil {
		return err
	}
	if tip, _ := cmd.Flags().GetString("tip"); tip != "" {
		if _, err := value.ParseAmount(tip, o.net.Decimals, o.net.Symbol); err != nil {
			return app.Usagef("--tip: %w", err)
		}
	}
	if as, _ := cmd.Flags().GetString("as"); as != "" {
		if err := o.accounts(as); err != nil {
			return app.Usagef("--as: %w", err)
		}
	}
	return nil
}

// negativeNumber recognises a flag error caused by a negative number given
// as an argument ("-1" reads as the shorthand flag -1): amounts and
// indices are positional, and none may be negative.
func negativeNumber(err error) (string, bool) {
	msg := err.Error()
	const marker = "' in -"
	if !strings.HasPrefix(msg, "unknown shorthand flag: ") {
		return "", false
	}
	i := strings.Index(msg, marker)
	if i < 0 {
		return "", false
	}
	arg := msg[i+len(marker)-1:]
	if len(arg) < 2 || (arg[1] < '0' || arg[1] > '9') && arg[1] != '.' {
		return "", false
	}
	return arg, true
}

// argCheck checks one positional argument offline.
type argCheck func(o *offline, arg string) error

// isAccount: a key name of the keystore or an address.
func isAccount(o *offline, arg string) error { return o.accounts(arg) }

// isAmount: a positive amount of the network's token.
func isAmount(o *offline, arg string) error {
	_, err := o.amount("amount", arg)
	return err
}

// isIndex: a referendum, para, pool or era number.
func isIndex(_ *offline, arg string) error {
	if _, err := strconv.ParseUint(arg, 10, 32); err != nil {
		return app.Usagef("%q is not a number (a non-negative integer)", arg)
	}
	return nil
}

// anyArg leaves an argument to the command (a track, a vote direction).
func anyArg(*offline, string) error { return nil }

// amountOr accepts an amount or one of the words (all, rewards).
func amountOr(words ...string) argCheck {
	return func(o *offline, arg string) error {
		if slices.Contains(words, strings.ToLower(arg)) {
			return nil
		}
		if err := isAmount(o, arg); err != nil {
			return app.Usagef("%w (or %s)", err, strings.Join(words, ", "))
		}
		return nil
	}
}

// argChecks lists, per command, what its positional arguments must be;
// with rest, the last check applies to every further argument. A command's
// own parsing after opening the chain stays the authority; these checks only
// make a mistake fail before the network is touched.
var argChecks = map[string]struct {
	checks []argCheck
	rest   bool
}{
	"ksm account":          {checks: []argCheck{isAccount}},
	"ksm balance":          {checks: []argCheck{isAccount}},
	"ksm transfer":         {checks: []argCheck{isAccount, isAmount}},
	"ksm stake bond":       {checks: []argCheck{isAmount}},
	"ksm stake bond-extra": {checks: []argCheck{isAmount}},
	"ksm stake unbond":     {checks: []argCheck{amountOr("all")}},
	"ksm stake rebond":     {checks: []argCheck{amountOr("all")}},
	"ksm stake nominate":   {checks: []argCheck{isAccount}, rest: true},
	"ksm stake payout":     {checks: []argCheck{isAccount, isIndex}},
	"ksm stake status":     {checks: []argCheck{isAccount}},
	"ksm pool join":        {checks: []argCheck{isAmount, isIndex}},
	"ksm pool bond-extra":  {checks: []argCheck{amountOr("rewards")}},
	"ksm pool unbond":      {checks: []argCheck{amountOr("all")}},
	"ksm pool status":      {checks: []argCheck{isAccount}},
	"ksm gov show":         {checks: []argCheck{isIndex}},
	"ksm gov votes":        {checks: []argCheck{isAccount}},
	"ksm gov remove-vote":  {checks: []argCheck{isIndex}},
	"ksm gov vote":         {checks: []argCheck{isIndex}},
	"ksm gov delegate":     {checks: []argCheck{anyArg, isAccount}},
	"ksm gov unlock":       {checks: []argCheck{anyArg, isAccount}},
	"ksm para register":    {checks: []argCheck{isIndex}},
	"ksm para deregister":  {checks: []argCheck{isIndex}},
	"ksm para status":      {checks: []argCheck{isIndex}},
	"ksm para contribute":  {checks: []argCheck{isIndex, isAmount}},
	"ksm para withdraw":    {checks: []argCheck{isIndex, isAccount}},
	"ksm para refund":      {checks: []argCheck{isIndex}},
}

// checkBeforeNetwork makes the offline checks of cmd (argChecks, and the
// flags of a submitting command) run when the command first reaches for
// the network (openLightWith), after its own checks of its flags: a mistake
// fails there with exit 2, before anything is dialled.
func checkBeforeNetwork(f *Factory, cmd *cobra.Command, args []string) {
	ac, hasArgs := argChecks[cmd.CommandPath()]
	submits := cmd.Annotations[submitsAnnotation] != ""
	if !hasArgs && !submits {
		f.beforeNetwork = nil
		return
	}
	f.beforeNetwork = func() error {
		o, err := openOffline(f)
		if err != nil {
			return err
		}
		for i, a := range args {
			switch {
			case i < len(ac.checks):
				err = ac.checks[i](o, a)
			case ac.rest && len(ac.checks) > 0:
				err = ac.checks[len(ac.checks)-1](o, a)
			}
			if err != nil {
				return err
			}
		}
		if submits {
			return o.submitFlags(cmd)
		}
		return nil
	}
}
