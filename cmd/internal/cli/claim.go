package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/wallet/eth"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// claimLong is the help of ksm claim (the verbs are listed in addCommands).
const claimLong = `Claim tokens allocated to an Ethereum address (pallet claims).

The Ethereum key signs "<prefix><account id in hex>[statement]" as a
personal message (personal_sign, MyCrypto "Sign Message"); the prefix is the
runtime's Claims.Prefix ("Pay KSMs to the Kusama account:"). Claims on
Kusama are made on Asset Hub today (--network kusama-asset-hub); development
chains host them on the relay.

  ksm claim status ETH_ADDRESS
  ksm claim message --to ADDRESS [--statement regular|saft]
  ksm claim recover --to ADDRESS --signature 0x.. [--statement regular|saft]
  ksm claim submit --to ADDRESS (--eth-signature 0x.. | --eth-key-file FILE)
  ksm claim attest --from NAME`

// claimVestingJSON is the vesting schedule of a claim (amounts in planck).
type claimVestingJSON struct {
	Locked        any    `json:"locked"`
	PerBlock      any    `json:"perBlock"`
	StartingBlock uint64 `json:"startingBlock"`
}

// claimStatusJSON is `claim status --json`.
type claimStatusJSON struct {
	EthAddress    string            `json:"ethAddress"`
	HasClaim      bool              `json:"hasClaim"`
	Amount        any               `json:"amount"`
	Vesting       *claimVestingJSON `json:"vesting"`
	Statement     any               `json:"statement"`
	StatementText string            `json:"statementText,omitempty"`
	PreclaimedBy  []string          `json:"preclaimedBy"`
	blockAtJSON
}

func newClaimStatusCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "status ETH_ADDRESS",
		Short: "The claim of an Ethereum address: amount, vesting, required statement",
		Args:  exactArgs(1),
		RunE: parsedChainRun(f, "Claims", func(args []string) ([20]byte, error) {
			addr, err := eth.ParseAddress(args[0])
			if err != nil {
				return addr, app.Usagef("%v", err)
			}
			return addr, nil
		}, func(ctx context.Context, e *chainEnv, addr [20]byte) error {
			if err := e.sess.Route("Claims"); err != nil {
				return err
			}
			head, rt, err := e.sess.HeadRuntime(ctx)
			if err != nil {
				return err
			}
			st, err := e.sess.ClaimStatus(ctx, rt, addr)
			if err != nil {
				return err
			}
			j := claimStatusJSON{EthAddress: strings.ToLower(st.EthAddress), HasClaim: st.Amount != nil, Amount: numOrNull(st.Amount), StatementText: st.StatementText, PreclaimedBy: st.PreclaimedBy,
				blockAtJSON: blockAt(e.sess, *head)}
			if st.Vesting != nil {
				j.Vesting = &claimVestingJSON{Locked: numOrNull(st.Vesting.Locked), PerBlock: numOrNull(st.Vesting.PerBlock), StartingBlock: st.Vesting.StartingBlock}
			}
			if st.Statement != "" {
				j.Statement = st.Statement
			}
			if f.Opts.JSON {
				return f.PrintJSON(j)
			}
			if st.Amount == nil {
				fmt.Fprintf(f.IO.Out, "%s has no claim on %s\n", st.EthAddress, e.sess.ChainName())
				return nil
			}
			fmt.Fprintf(f.IO.Out, "%s can claim %s\n", st.EthAddress, e.sess.FormatAmount(st.Amount))
			if v := st.Vesting; v != nil {
				fmt.Fprintf(f.IO.Out, "vesting: %s locked, %s per block from block #%d\n", e.sess.FormatAmount(v.Locked), e.sess.FormatAmount(v.PerBlock), v.StartingBlock)
			}
			if st.Statement != "" {
				fmt.Fprintf(f.IO.Out, "statement required (%s): %s\n", st.Statement, st.StatementText)
			}
			for _, a := range st.PreclaimedBy {
				fmt.Fprintf(f.IO.Out, "pre-claimed by %s: it must attest with 'ksm claim attest --from <its key>'\n", a)
			}
			return nil
		}),
	}
}

// claimPrefixes are the Claims.Prefix of networks ksm knows, for the
// commands that work offline.
var claimPrefixes = map[string]string{
	"kusama":   "Pay KSMs to the Kusama account:",
	"polkadot": "Pay DOTs to the Polkadot account:",
}

// claimOffline gives the message prefix (from the chain with --rpc, else the
// network's known prefix) and the destination account.
func claimOffline(cmd *cobra.Command, f *Factory, to string) ([]byte, [32]byte, error) {
	var dest [32]byte
	if to == "" {
		return nil, dest, app.Usagef("--to ADDRESS is required (the account that receives the claim)")
	}
	if f.Opts.RPC != "" {
		e, err := openChainFor(cmd.Context(), f, "Claims")
		if err != nil {
			return nil, dest, err
		}
		defer e.Close()
		if dest, _, err = e.resolveAccount(to); err != nil {
			return nil, dest, err
		}
		rt, err := e.sess.Latest(cmd.Context())
		if err != nil {
			return nil, dest, err
		}
		p, err := app.ClaimPrefix(rt)
		if err != nil {
			return nil, dest, fmt.Errorf("this chain has no claims: %w", err)
		}
		return p, dest, nil
	}
	net, err := f.Network()
	if err != nil {
		return nil, dest, err
	}
	name := net.Name
	if net.Profile != nil && net.Profile.Relay != "" {
		name = net.Profile.Relay
	}
	prefix, ok := claimPrefixes[strings.TrimSuffix(name, "-asset-hub")]
	if !ok {
		return nil, dest, app.Usagef("ksm does not know the claims prefix of %s: pass --rpc of the chain", net.Name)
	}
	if dest, err = offlineAccount(f, to); err != nil {
		return nil, dest, err
	}
	return []byte(prefix), dest, nil
}

// offlineAccount reads an address (SS58 of any prefix, 0x-hex) or a key name.
func offlineAccount(f *Factory, arg string) ([32]byte, error) {
	var id [32]byte
	if strings.HasPrefix(arg, "0x") && len(arg) == 66 {
		b, err := hex.DecodeString(arg[2:])
		if err != nil {
			return id, app.Usagef("account %q: not hex", arg)
		}
		copy(id[:], b)
		return id, nil
	}
	if id, _, err := ss58.DecodeAccountID(arg); err == nil {
		return id, nil
	}
	if keystore.CheckName(arg) == nil {
		if home, err := f.HomeDir(); err == nil {
			if st, err := f.openStore(home); err == nil {
				if ent, err := st.Get(arg); err == nil {
					return keys.AccountID(ent.Scheme, ent.PublicKey), nil
				}
			}
		}
	}
	return id, app.Usagef("%q is neither an address nor a key name", arg)
}

func statementFlag(s string) ([]byte, error) {
	if s == "" || strings.EqualFold(s, "none") {
		return nil, nil
	}
	b, _, err := app.StatementText(s)
	if err != nil {
		return nil, app.Usagef("--statement: %v", err)
	}
	return b, nil
}

func newClaimMessageCmd(f *Factory) *cobra.Command {
	var to, statement string
	cmd := &cobra.Command{
		Use:   "message --to ADDRESS [--statement regular|saft]",
		Short: "The message the Ethereum key signs to claim to ADDRESS",
		Long: `Print the message to sign with the Ethereum key (personal_sign) to claim
to ADDRESS; with --statement the statement's text follows (claims that need
an attestation). The prefix comes from the chain with --rpc, else from the
network (kusama, polkadot). JSON: {message}.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			stmt, err := statementFlag(statement)
			if err != nil {
				return err
			}
			prefix, dest, err := claimOffline(cmd, f, to)
			if err != nil {
				return err
			}
			msg := string(app.ClaimMessage(prefix, dest, stmt))
			if f.Opts.JSON {
				return f.PrintJSON(map[string]string{"message": msg})
			}
			fmt.Fprintln(f.IO.Out, msg)
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "account that receives the claim (address or key name)")
	cmd.Flags().StringVar(&statement, "statement", "", "statement the claim needs: regular or saft")
	return cmd
}

func newClaimRecoverCmd(f *Factory) *cobra.Command {
	var to, statement, signature string
	cmd := &cobra.Command{
		Use:   "recover --to ADDRESS --signature 0x.. [--statement regular|saft]",
		Short: "The Ethereum address that signed a claim to ADDRESS",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			stmt, err := statementFlag(statement)
			if err != nil {
				return err
			}
			sig, err := eth.ParseSignature(signature)
			if err != nil {
				return app.Usagef("--signature: %v", err)
			}
			prefix, dest, err := claimOffline(cmd, f, to)
			if err != nil {
				return err
			}
			a, err := eth.RecoverPersonal(app.ClaimMessage(prefix, dest, stmt), sig)
			if err != nil {
				return app.Unverified(err)
			}
			lower := "0x" + hex.EncodeToString(a[:])
			if f.Opts.JSON {
				return f.PrintJSON(map[string]string{"ethAddress": lower, "ethAddressChecksum": eth.ChecksumHex(a)})
			}
			fmt.Fprintln(f.IO.Out, eth.ChecksumHex(a))
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "account the claim was signed for (address or key name)")
	cmd.Flags().StringVar(&signature, "signature", "", "the Ethereum signature, 65 bytes 0x-hex")
	cmd.Flags().StringVar(&statement, "statement", "", "statement signed with the claim: regular or saft")
	return cmd
}

// claimSubmitJSON is the dry-run view of `claim submit`.
type claimSubmitJSON struct {
	DryRun     bool   `json:"dryRun"`
	EthAddress string `json:"ethAddress"`
	To         string `json:"to"`
	Amount     any    `json:"amount"`
	Statement  any    `json:"statement"`
	Call       any    `json:"call"`
	Extrinsic  string `json:"extrinsic"`
	Chain      string `json:"chain"`
	Verified   bool   `json:"verified"`
}

func newClaimSubmitCmd(f *Factory) *cobra.Command {
	var to, sigText, keyFile, ethPwFile string
	var dryRun bool
	cmd := &cobra.Command{
		Use:         "submit --to ADDRESS (--eth-signature 0x.. | --eth-key-file FILE)",
		Annotations: map[string]string{chainFlagAnnotation: "true"},
		Short:       "Claim to ADDRESS (an unsigned Claims.claim or claim_attest)",
		Long: `Send the claim of an Ethereum address to ADDRESS. The claim is an unsigned
transaction: no key of ksm signs it and it costs no fee.

--eth-signature is a signature of 'ksm claim message' (made elsewhere);
--eth-key-file is a keystore v3 JSON file (geth, MyCrypto, MyEtherWallet;
its password from --eth-password-file, KSM_PASSWORD or a prompt) or a file
holding the raw private key in hex, with which ksm signs the message itself.

ksm recovers the signer first and checks that it has a claim needing
exactly the statement signed (claim_attest when the claim needs one): a
signature made for another account or chain is refused before sending.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runClaimSubmit(cmd.Context(), f, app.ClaimSubmitInput{To: to, EthSignature: sigText, EthKeyFile: keyFile}, ethPwFile, dryRun)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&to, "to", "", "account that receives the claim (address or key name)")
	fl.StringVar(&sigText, "eth-signature", "", "signature of the claim message, 65 bytes 0x-hex")
	fl.StringVar(&keyFile, "eth-key-file", "", "Ethereum key file: keystore v3 JSON or raw hex private key")
	fl.StringVar(&ethPwFile, "eth-password-file", "", "file holding the password of --eth-key-file")
	fl.BoolVar(&dryRun, "dry-run", false, "show the claim; do not submit")
	return cmd
}

// runClaimSubmit checks the claim's input, loads the Ethereum key (before
// any network step), composes the claim on the chain (app) and, once
// confirmed, sends it unsigned.
func runClaimSubmit(ctx context.Context, f *Factory, in app.ClaimSubmitInput, ethPwFile string, dryRun bool) error {
	st, _, err := openKeyring(f)
	if err != nil {
		return err
	}
	plan, err := app.PlanClaimSubmit(st, in)
	if err != nil {
		return err
	}
	var key *eth.Key
	if plan.NeedsKey() {
		if key, err = loadEthKey(f, in.EthKeyFile, ethPwFile); err != nil {
			return err
		}
		defer key.Wipe()
	}
	e, err := openChainFor(ctx, f, "Claims")
	if err != nil {
		return err
	}
	defer e.Close()
	res, err := app.ExecuteUnsigned(ctx, e.sess, plan.Unsigned(key, dryRun), &cliAsker{e: e})
	if err != nil {
		return executeErr(err)
	}
	if res.DryRun {
		if f.Opts.JSON {
			return f.PrintJSON(claimSubmitView(e, res.Review.Unsigned))
		}
		f.Infof("Dry run only: nothing was submitted.")
		return nil
	}
	return reportOutcome(e, res.Outcome)
}

// claimSubmitView is the dry-run JSON of a composed claim.
func claimSubmitView(e *chainEnv, u *app.UnsignedDraft) claimSubmitJSON {
	d := u.Subject.(*app.ClaimDraft)
	var stmt any
	if d.Status.Statement != "" {
		stmt = d.Status.Statement
	}
	return claimSubmitJSON{DryRun: true, EthAddress: strings.ToLower(eth.ChecksumHex(d.Eth)), To: e.sess.Account(d.Dest),
		Amount: numOrNull(d.Status.Amount), Statement: stmt, Call: u.Call, Extrinsic: xtHexString(u.Extrinsic), Chain: e.sess.ChainID(), Verified: e.sess.Chain.Verified()}
}

// loadEthKey reads an Ethereum key file (keystore v3 JSON or raw hex).
func loadEthKey(f *Factory, file, pwFile string) (*eth.Key, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, app.Usagef("--eth-key-file: %v", err)
	}
	defer wipeBytes(data)
	var pw []byte
	if eth.IsKeystoreJSON(data) {
		if pwFile != "" {
			b, err := os.ReadFile(pwFile)
			if err != nil {
				return nil, app.Usagef("--eth-password-file: %v", err)
			}
			pw = trimLineEnd(b)
		} else if pw, err = newPasswordSource(f, false).forFile(file); err != nil {
			return nil, err
		}
		defer wipeBytes(pw)
	}
	k, err := eth.LoadKey(data, pw)
	switch {
	case errors.Is(err, eth.ErrWrongPassword):
		return nil, fmt.Errorf("%s: %w", file, err)
	case err != nil:
		return nil, app.Usagef("%s: %v", file, err)
	}
	return k, nil
}

func newClaimAttestCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "attest --from NAME",
		Short: "Agree to the statement of a pre-claimed allocation (signed Claims.attest)",
		Long: `Attest the statement a pre-claim needs (Claims.Preclaims of the sender): a
signed Claims.attest with the statement's text, checked by the runtime's
PrevalidateAttests transaction extension.`,
		Args: exactArgs(0),
	}, func([]string) app.ClaimAttestInput { return app.ClaimAttestInput{} }, app.PlanClaimAttest)
}
