package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

// proxyLong is the help of ksm proxy (the verbs are listed in addCommands).
const proxyLong = `Proxies let one account (the delegate) dispatch calls for another, within a
proxy type (Any, NonTransfer, Staking, Governance, ...; the runtime's ProxyType
enum). Once a key is a proxy of an account, every submitting command acts for
that account with --as ACCOUNT --from KEY.

On Kusama proxies live on the relay chain and on Asset Hub alike (a proxy is
set on one chain only).`

func newProxyAddCmd(f *Factory) *cobra.Command {
	var typ string
	var delay uint64
	cmd := submitCmd(f, &cobra.Command{
		Use:   "add DELEGATE --type TYPE [--delay N] --from NAME",
		Short: "Make DELEGATE a proxy of the sender (Proxy.add_proxy)",
		Long: `Make DELEGATE (a key name or an address) a proxy of the --from account for
calls of TYPE (the runtime's ProxyType variants; any case). A deposit is
reserved while the proxy exists. With --delay N the proxy must announce each
call and wait N blocks (ksm refuses to act through such a proxy with --as).`,
		Example: `  ksm proxy add HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F --type Staking --from stash
  ksm proxy add hot --type Any --delay 100 --from cold --dry-run`,
		Args: exactArgs(1),
	}, func(args []string) app.ProxyInput {
		return app.ProxyInput{Delegate: args[0], Type: typ, Delay: delay}
	}, app.PlanProxyAdd)
	cmd.Flags().StringVar(&typ, "type", "", "proxy type (Any, NonTransfer, Staking, Governance, ...; from the runtime)")
	cmd.Flags().Uint64Var(&delay, "delay", 0, "announcement delay in blocks")
	return cmd
}

func newProxyRemoveCmd(f *Factory) *cobra.Command {
	var typ string
	cmd := submitCmd(f, &cobra.Command{
		Use:   "remove DELEGATE --type TYPE --from NAME",
		Short: "Remove a proxy of the sender (Proxy.remove_proxy)",
		Long: `Remove DELEGATE as a proxy of TYPE of the --from account. The proxy must
exist on chain (its delay is read from there); its deposit share is returned.`,
		Example: `  ksm proxy remove hot --type Any --from cold`,
		Args:    exactArgs(1),
	}, func(args []string) app.ProxyInput {
		return app.ProxyInput{Delegate: args[0], Type: typ}
	}, app.PlanProxyRemove)
	cmd.Flags().StringVar(&typ, "type", "", "proxy type of the proxy to remove")
	return cmd
}

// proxyListJSON is what proxy list prints (cli.md).
type proxyListJSON struct {
	Account     string         `json:"account"`
	Proxies     []proxyDefJSON `json:"proxies"`
	Deposit     any            `json:"deposit"`
	ActsFor     []actsForJSON  `json:"actsFor"`
	Checked     int            `json:"checked"`
	SignatoryOf []multisigJSON `json:"signatoryOf"`
	Types       []string       `json:"proxyTypes"`
	blockAtJSON
}

type proxyDefJSON struct {
	Delegate string `json:"delegate"`
	Type     string `json:"type"`
	Delay    uint64 `json:"delay"`
}

type actsForJSON struct {
	Real  string `json:"real"`
	Name  string `json:"name,omitempty"`
	Type  string `json:"type"`
	Delay uint64 `json:"delay"`
}

func newProxyListCmd(f *Factory) *cobra.Command {
	var also []string
	cmd := &cobra.Command{
		Use: "list ACCOUNT [--check ACCOUNT]...",
		// A read, but of the chain where the accounts live (Asset Hub on
		// kusama); --chain relay reads the relay chain's.
		Annotations: map[string]string{chainFlagAnnotation: "true"},
		Short:       "Who may act for ACCOUNT, and whom it may act for (verified)",
		Long: `List the proxies of ACCOUNT (a key or address book name, or an address),
read from Proxy.Proxies at the finalized head, proven by the light client.

The other direction, whom ACCOUNT may act for, is not indexed by the chain
(Proxy.Proxies is keyed by the account acted for): ksm checks the proxies of
every key and address book entry of the keystore and of each --check ACCOUNT,
and says how many it checked. An account acted for that ksm does not know of is
not found this way.`,
		Example: `  ksm proxy list stash
  ksm --json proxy list hot --check HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, _, err := openKeyring(f)
			if err != nil {
				return err
			}
			who, err := app.ResolveTarget(st, "ACCOUNT", args[0])
			if err != nil {
				return err
			}
			var cands [][32]byte
			for _, a := range also {
				t, err := app.ResolveTarget(st, "--check", a)
				if err != nil {
					return err
				}
				cands = append(cands, t.Account)
			}
			e, err := openChainFor(cmd.Context(), f, "Proxy")
			if err != nil {
				return err
			}
			defer e.Close()
			r, err := e.sess.ProxyList(cmd.Context(), st, who.Account, cands)
			if err != nil {
				return err
			}
			var types []string
			if rt, err := e.sess.Runtime(cmd.Context(), r.At.Hash); err == nil {
				types, _ = rt.Calls.ProxyTypes()
			}
			j := proxyListJSON{Account: e.sess.Account(r.Account), Proxies: []proxyDefJSON{}, Deposit: numOrNull(r.Deposit), ActsFor: []actsForJSON{},
				Checked: r.Checked, Types: types, SignatoryOf: []multisigJSON{}, blockAtJSON: blockAt(e.sess, r.At)}
			for _, d := range r.Proxies {
				j.Proxies = append(j.Proxies, proxyDefJSON{Delegate: e.sess.Account(d.Delegate), Type: d.Type, Delay: d.Delay})
			}
			for _, a := range r.ActsFor {
				j.ActsFor = append(j.ActsFor, actsForJSON{Real: e.sess.Account(a.Real), Name: a.Name, Type: a.Type, Delay: a.Delay})
			}
			for _, m := range r.SignatoryOf {
				mj := multisigJSON{Name: m.Name, Address: e.sess.Account(m.Account), Threshold: m.Threshold}
				for _, s := range m.Signatories {
					mj.Signatories = append(mj.Signatories, e.sess.Account(s))
				}
				j.SignatoryOf = append(j.SignatoryOf, mj)
			}
			if f.Opts.JSON {
				return f.PrintJSON(j)
			}
			w := f.IO.Out
			fmt.Fprintf(w, "%s at block #%d\n", j.Account, j.BlockNumber)
			fmt.Fprintf(w, "May act for it (%d; deposit %s):\n", len(r.Proxies), e.sess.FormatAmount(nz(r.Deposit)))
			for _, d := range j.Proxies {
				fmt.Fprintf(w, "  %s  %s  delay %d\n", d.Delegate, d.Type, d.Delay)
			}
			fmt.Fprintf(w, "It may act for (among %d accounts checked):\n", r.Checked)
			for _, a := range j.ActsFor {
				name := ""
				if a.Name != "" {
					name = " (" + a.Name + ")"
				}
				fmt.Fprintf(w, "  %s%s  %s  delay %d\n", a.Real, name, a.Type, a.Delay)
			}
			for _, m := range j.SignatoryOf {
				fmt.Fprintf(w, "  %s (%s)  signatory of this %d-of-%d multisig\n", m.Address, m.Name, m.Threshold, len(m.Signatories))
			}
			if len(types) > 0 {
				fmt.Fprintf(w, "Proxy types of this runtime: %s\n", strings.Join(types, ", "))
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&also, "check", nil, "also check whether ACCOUNT may act for this account (repeatable)")
	return cmd
}

func newProxyPureCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pure",
		Short: "Create and kill pure proxy accounts",
		Args:  exactArgs(0),
	}
	cmd.AddCommand(newProxyPureCreateCmd(f), newProxyPureKillCmd(f))
	return cmd
}

// pureJSON is what proxy pure create adds to the outcome.
type pureJSON struct {
	Address  string `json:"address"`
	Name     string `json:"name"`
	Spawner  string `json:"spawner"`
	Type     string `json:"type"`
	Index    uint16 `json:"index"`
	Height   uint64 `json:"height"`
	ExtIndex uint32 `json:"extIndex"`
}

func newProxyPureCreateCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	var typ, name string
	var delay uint64
	var index uint16
	cmd := &cobra.Command{
		Use:   "pure create --type TYPE --from NAME [--name NAME]",
		Short: "Create a pure proxy account controlled by the sender (Proxy.create_pure)",
		Long: `Create a new keyless account whose only access is the --from key, its proxy of
TYPE. Its address, read from the Proxy.PureCreated event, is printed and
stored in the address book as a watch-only entry (--name, default
pure-<first characters>) with what 'ksm proxy pure kill' needs. Use it with
--as NAME on any submitting command.`,
		Example: `  ksm proxy pure create --type Any --from main --name vault
  ksm transfer bob 1 --as vault --from main`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := app.ProxyInput{Signing: sf.signing(), Type: typ, Delay: delay, Index: index}
			return submitPlanThen(cmd.Context(), f, func(kr app.Keyring) (*app.Plan, error) { return app.PlanProxyPureCreate(kr, in) },
				func(e *chainEnv, out *app.Outcome) error {
					rt, err := e.sess.Runtime(cmd.Context(), out.BlockHash)
					if err != nil {
						return err
					}
					p, ok := app.PureCreated(rt, out)
					if !ok {
						return fmt.Errorf("transaction %s succeeded but its events name no pure account (Proxy.PureCreated)", out.ExtrinsicHash)
					}
					n := name
					addr := e.sess.Account(p.Pure)
					if n == "" {
						n = "pure-" + addr[:8]
					}
					if _, err := e.store.AddWatchMeta(n, keys.Sr25519, p.Pure[:], app.PureMeta(p, e.sess.Account)); err != nil {
						f.Warnf("the pure account %s was created but could not be stored as %q: %v", addr, n, err)
					} else {
						f.Infof("Pure account %s stored in the address book as %q (watch-only; use --as %s)", addr, n, n)
					}
					e.pure = &pureJSON{Address: addr, Name: n, Spawner: e.sess.Account(p.Spawner), Type: p.Type, Index: p.Index, Height: p.Height, ExtIndex: p.ExtIndex}
					if !f.Opts.JSON {
						fmt.Fprintln(f.IO.Out, addr)
					}
					return nil
				})
		},
	}
	sf.add(cmd)
	cmd.Use = "create --type TYPE --from NAME [--name NAME]"
	fl := cmd.Flags()
	fl.StringVar(&typ, "type", "", "proxy type of the sender over the pure account")
	fl.Uint64Var(&delay, "delay", 0, "announcement delay in blocks")
	fl.Uint16Var(&index, "index", 0, "disambiguation index (several pure accounts in one transaction)")
	fl.StringVar(&name, "name", "", "address book name of the new account")
	return cmd
}

func newProxyPureKillCmd(f *Factory) *cobra.Command {
	var typ string
	var index uint16
	var height uint64
	var ext uint32
	cmd := submitCmd(f, &cobra.Command{
		Use:   "kill PURE --from SPAWNER",
		Short: "Kill a pure proxy account (Proxy.kill_pure, dispatched by it)",
		Long: `Remove a pure account for good: the call is dispatched by PURE itself through
--from, the key that created it, and returns the deposit. Whatever PURE
holds is lost: move it out first. Type, index and the block and extrinsic
index of its creation come from the address book entry 'ksm proxy pure create'
stored, or from the flags.`,
		Example: `  ksm proxy pure kill vault --from main
  ksm proxy pure kill 5Ff... --from main --type Any --height 1234 --ext-index 2`,
		Args: exactArgs(1),
	}, func(args []string) app.ProxyInput {
		return app.ProxyInput{Pure: args[0], Type: typ, Index: index, Height: height, ExtIndex: ext}
	}, app.PlanProxyPureKill)
	fl := cmd.Flags()
	fl.StringVar(&typ, "type", "", "proxy type it was created with")
	fl.Uint16Var(&index, "index", 0, "disambiguation index it was created with")
	fl.Uint64Var(&height, "height", 0, "block number of its creation")
	fl.Uint32Var(&ext, "ext-index", 0, "extrinsic index of its creation in that block")
	return cmd
}
