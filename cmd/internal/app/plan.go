package app

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// KeyRef is a stored key that can sign: its name, account and scheme.
type KeyRef struct {
	Name    string
	Account [32]byte
	Scheme  string
}

// Target is an account a plan names: a stored key's or an address.
type Target struct {
	Account [32]byte
	// KeyName is the key it was named by ("" for an address).
	KeyName string
}

// Signing is the part of every verb's input that says who signs and how.
type Signing struct {
	// From is the name of the key that signs and pays.
	From string
	// As is the account the call acts for ("" the signer itself): a key
	// or address book name, or an address. The call is wrapped in
	// Proxy.proxy and multisig approvals as the chain's relationships
	// between From and As require (actas.go).
	As      string
	Options TxOptions
}

// SigningPart returns the signing part of an input that embeds Signing.
func (s *Signing) SigningPart() *Signing { return s }

// TxOptions are the choices every transaction has, as typed.
type TxOptions struct {
	// Tip for the block author, an amount ("" none).
	Tip string
	// Mortality is the era in blocks (rounded to a power of two); 0 signs
	// an immortal transaction.
	Mortality uint64
	// SkipDryRun submits without the dry runs.
	SkipDryRun bool
	// DryRun stops after preparing: nothing is signed or sent.
	DryRun bool
}

// DefaultTxOptions are the options of a transaction nothing was said of.
func DefaultTxOptions() TxOptions { return TxOptions{Mortality: DefaultEraPeriod} }

// apply fills the option-given parts of a request.
func (o TxOptions) apply(s *Session, req *Request) error {
	if o.Tip != "" {
		t, err := s.ParseAmount(o.Tip)
		if err != nil {
			return fieldError("--tip", err)
		}
		req.Tip = t
	}
	req.SkipDryRun = o.SkipDryRun
	if o.Mortality == 0 {
		req.Immortal = true
	} else {
		req.EraPeriod = o.Mortality
	}
	return nil
}

// Draft is the call a plan composed on the chain, with its summary and
// warnings.
type Draft struct {
	Request Request
	Title   string
	// Details are lines shown with the review (a table of targets, ...).
	Details  string
	Warnings []string
	// Acting, when set, says the call acts for another account (--as, a
	// multisig approval): the inner call and how the signer reaches it.
	Acting *Acting
	// Nothing, when set, says there is nothing to do (no call): Execute
	// returns it in Result.Nothing without preparing anything.
	Nothing string
}

// Composer is the chain a plan composes its call on: the session, its
// finalized head and the head's runtime.
type Composer struct {
	// From is the account the call acts for: the signing key, or the
	// account --as names (then Name is its key or address book name, or
	// empty, and Scheme empty).
	From KeyRef
	// Signer is the key that signs and pays the fee.
	Signer KeyRef
	Sess   *Session
	Head   chainclient.Header
	Rt     *Runtime
}

// Amount formats planck in the chain's token.
func (c *Composer) Amount(v *big.Int) string { return c.Sess.FormatAmount(v) }

// ParseAmount reads an amount already checked by CheckAmount in the
// chain's token.
func (c *Composer) ParseAmount(field, text string) (*big.Int, error) {
	a, err := c.Sess.ParseAmount(text)
	if err != nil {
		return nil, fieldError(field, err)
	}
	if a.Sign() <= 0 {
		return nil, inputErrorf(field, "must be positive (more than zero)")
	}
	return a, nil
}

// Plan is one transaction's use case, its inputs checked: which key signs,
// the options, and how the call is composed once the chain is open.
type Plan struct {
	// Verb names the use case ("transfer", "stake bond", ...).
	Verb    string
	From    KeyRef
	Options TxOptions
	// As is the account the call acts for ("" the signer itself).
	As string
	// Pallet, when set, must be served by the chain and be in its runtime;
	// it routes the plan to its chain of the network (RouteChain). NewPlan
	// takes the verb's from the routing table (VerbPallets) when not given.
	Pallet string
	build  func(ctx context.Context, c *Composer) (*Draft, error)
}

// NewPlan is a plan for a call composed by build: the options are
// checked and the signing key resolved in kr. Each verb's plan function
// checks its own inputs first and ends with NewPlan; callers with a use
// case of their own (a call given as JSON, say) call it directly.
func NewPlan(kr Keyring, verb string, sg Signing, pallet string, build func(ctx context.Context, c *Composer) (*Draft, error)) (*Plan, error) {
	if err := sg.Options.Check(); err != nil {
		return nil, err
	}
	from, err := ResolveSigner(kr, sg.From)
	if err != nil {
		return nil, err
	}
	if pallet == "" {
		pallet = PalletOfVerb(verb)
	}
	if sg.As != "" {
		if _, err := ResolveTarget(kr, "--as", sg.As); err != nil {
			return nil, err
		}
	}
	return &Plan{Verb: verb, From: from, Options: sg.Options, As: sg.As, Pallet: pallet, build: build}, nil
}

// Check checks the options as typed.
func (o TxOptions) Check() error {
	if o.Tip != "" {
		if err := CheckAmount(o.Tip, true); err != nil {
			return fieldError("--tip", err)
		}
	}
	return nil
}

// compose opens the plan's view of the chain and composes its call.
func (p *Plan) compose(ctx context.Context, s *Session, kr Keyring) (*Draft, error) {
	if p.Pallet != "" {
		if err := s.Route(p.Pallet); err != nil {
			return nil, err
		}
	}
	h, rt, err := s.HeadRuntime(ctx)
	if err != nil {
		return nil, err
	}
	if p.Pallet != "" {
		if _, err := rt.Meta.Pallet(p.Pallet); err != nil {
			return nil, fmt.Errorf("%s has no %s pallet (%s): %w", s.ChainName(), p.Pallet, p.Verb, err)
		}
	}
	c := &Composer{From: p.From, Signer: p.From, Sess: s, Head: *h, Rt: rt}
	if p.As == "" {
		return p.build(ctx, c)
	}
	return p.composeAs(ctx, kr, c)
}

// ResolveSigner looks up the key that signs: it must exist and hold a secret.
func ResolveSigner(kr Keyring, name string) (KeyRef, error) {
	if name == "" {
		return KeyRef{}, inputErrorf("", "--from NAME is required (the key that signs)")
	}
	ent, err := kr.Get(name)
	if err != nil {
		if errors.Is(err, keystore.ErrNotFound) || errors.Is(err, keystore.ErrBadName) {
			return KeyRef{}, fieldError("--from", err)
		}
		return KeyRef{}, err
	}
	if ent.WatchOnly {
		return KeyRef{}, inputErrorf("--from", "key %q is watch-only: it cannot sign", ent.Name)
	}
	return KeyRef{Name: ent.Name, Account: keys.AccountID(ent.Scheme, ent.PublicKey), Scheme: string(ent.Scheme)}, nil
}

// ResolveTarget reads a key name or an address (SS58 of any prefix, or a
// 0x-hex account id of 32 bytes).
func ResolveTarget(kr Keyring, field, arg string) (Target, error) {
	if kr != nil && keystore.CheckName(arg) == nil {
		if ent, err := kr.Get(arg); err == nil {
			return Target{Account: keys.AccountID(ent.Scheme, ent.PublicKey), KeyName: ent.Name}, nil
		}
	}
	if strings.HasPrefix(arg, "0x") {
		b, err := decodeHex(arg)
		if err != nil || len(b) != 32 {
			return Target{}, inputErrorf(field, "%q is not a 32-byte hex account id", arg)
		}
		var t Target
		copy(t.Account[:], b)
		return t, nil
	}
	id, _, err := ss58.DecodeAccountID(arg)
	if err != nil {
		return Target{}, inputErrorf(field, "%q is neither a key name nor an address: %v", arg, err)
	}
	return Target{Account: id}, nil
}

// resolveOptionalTarget resolves an optional TARGET-like argument: nil,
// meaning the sender, when arg is empty.
func resolveOptionalTarget(kr Keyring, field, arg string) (*Target, error) {
	if arg == "" {
		return nil, nil
	}
	t, err := ResolveTarget(kr, field, arg)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// accountOr is t's account, or the sender's when t is nil.
func (c *Composer) accountOr(t *Target) [32]byte {
	if t == nil {
		return c.From.Account
	}
	return t.Account
}

func decodeHex(s string) ([]byte, error) {
	s = strings.TrimPrefix(s, "0x")
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("odd length")
	}
	return hexBytes(s)
}

// CheckAmount checks the form of an amount before the chain's token is
// known: a positive decimal number, optionally followed by a symbol or
// "planck" (a whole number then). The chain's decimals and symbol are
// checked when it is open (Composer.ParseAmount). zero allows 0.
func CheckAmount(text string, zero bool) error {
	t := strings.TrimSpace(text)
	var v *big.Int
	var err error
	if strings.HasSuffix(strings.ToLower(t), "planck") {
		v, err = value.ParseAmount(t, 0, "")
	} else {
		// A symbol is trailing letters; any number of decimals for now.
		t = strings.TrimSpace(strings.TrimRightFunc(t, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }))
		v, err = value.ParseAmount(t, 64, "")
	}
	if err != nil {
		return fmt.Errorf("%w: %q is not an amount (a number such as 1.5, 1.5KSM or 1500000000000planck)", value.ErrAmount, text)
	}
	if v.Sign() == 0 && !zero {
		return fmt.Errorf("%w: %q: must be positive (more than zero)", value.ErrAmount, text)
	}
	return nil
}

// checkAmountField is CheckAmount as an InputError about field.
func checkAmountField(field, text string) error {
	if err := CheckAmount(text, false); err != nil {
		return fieldError(field, err)
	}
	return nil
}
