package cli

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/wallet/eth"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// keyLong is the help of ksm key (the verbs are listed in addCommands).
const keyLong = `Keys live in <home>/keys as polkadot-js keystore files (JSON v3, scrypt and
xsalsa20-poly1305), one per key, mode 0600. Files move both ways between ksm and
polkadot-js. Passwords come from --password-file, --password-stdin,
KSM_PASSWORD, the OS keyring (after --remember) or a prompt without echo.

A secret URI is <mnemonic|0x-seed>[//hard|/soft]*[///password]; a bare path
such as //Alice starts from the development phrase.`

// keyEnv is what key commands share: the store, its home and the network.
type keyEnv struct {
	home  string
	store *keystore.Store
	net   Network
}

// unlock asks pws for the password of the key name and decrypts the key;
// the caller wipes both (the password may still serve pws.keep or a new
// file).
func (env *keyEnv) unlock(pws *passwordSource, name string) (*keys.Pair, []byte, error) {
	pw, err := pws.forKey(env.home, name)
	if err != nil {
		return nil, nil, err
	}
	p, err := env.store.Unlock(name, pw)
	if err != nil {
		wipeBytes(pw)
		return nil, nil, err
	}
	return p, pw, nil
}

// openKeyEntry opens the key environment and reads the key named name.
func openKeyEntry(f *Factory, name string) (*keyEnv, *keystore.Entry, error) {
	env, err := openKeyEnv(f)
	if err != nil {
		return nil, nil, err
	}
	e, err := env.store.Get(name)
	if err != nil {
		return nil, nil, err
	}
	return env, e, nil
}

func openKeyEnv(f *Factory) (*keyEnv, error) {
	net, err := f.Network()
	if err != nil {
		return nil, err
	}
	st, home, err := openKeyring(f)
	if err != nil {
		return nil, err
	}
	st.Prefix = net.SS58Prefix
	return &keyEnv{home: home, store: st, net: net}, nil
}

// keyEnvRun is the run function of a command working on the keystore:
// the key environment is opened (openKeyEnv) and given to run.
func keyEnvRun(f *Factory, run func(env *keyEnv, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		env, err := openKeyEnv(f)
		if err != nil {
			return err
		}
		return run(env, args)
	}
}

// keyEntryRun is the run function of a command on the key its first
// argument names (openKeyEntry).
func keyEntryRun(f *Factory, run func(env *keyEnv, e *keystore.Entry, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		env, e, err := openKeyEntry(f, args[0])
		if err != nil {
			return err
		}
		return run(env, e, args)
	}
}

// keyJSON is a key as list and show give it (cli.md).
type keyJSON struct {
	Name         string `json:"name"`
	Scheme       string `json:"scheme"`
	PublicKey    string `json:"publicKey"`
	SS58Address  string `json:"ss58Address"`
	WatchOnly    bool   `json:"watchOnly"`
	EthAddress   string `json:"ethAddress,omitempty"`
	SecretPhrase string `json:"secretPhrase,omitempty"`
	// SecretFile is where `key new --secret-file` wrote the phrase.
	SecretFile string `json:"secretFile,omitempty"`
	// Reencrypted is set by an import that stored the secret under other
	// scrypt parameters than the imported file's.
	Reencrypted *keyReencryptJSON `json:"reencrypted,omitempty"`
}

// keyReencryptJSON says which scrypt parameters an imported file had and
// which the stored copy has.
type keyReencryptJSON struct {
	From scryptParamsJSON `json:"from"`
	To   scryptParamsJSON `json:"to"`
}

type scryptParamsJSON struct {
	N uint32 `json:"n"`
	P uint32 `json:"p"`
	R uint32 `json:"r"`
}

func scryptJSON(p keystore.Params) scryptParamsJSON { return scryptParamsJSON{N: p.N, P: p.P, R: p.R} }

func keyHex(b []byte) string { return "0x" + hex.EncodeToString(b) }

func keyEntryJSON(e *keystore.Entry, net Network) keyJSON {
	out := keyJSON{
		Name:        e.Name,
		Scheme:      string(e.Scheme),
		PublicKey:   keyHex(e.PublicKey),
		SS58Address: ss58.MustEncode(keys.AccountID(e.Scheme, e.PublicKey), net.SS58Prefix),
		WatchOnly:   e.WatchOnly,
	}
	if e.Scheme == keys.Ethereum {
		if a, err := eth.AddressFromPublicKey(e.PublicKey); err == nil {
			out.EthAddress = eth.ChecksumHex(a)
		}
	}
	return out
}

func printKeys(f *Factory, list []keyJSON) {
	if f.IO.IsStdoutTTY() {
		tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tSCHEME\tADDRESS\t")
		for _, k := range list {
			note := ""
			if k.WatchOnly {
				note = "watch-only"
			}
			addr := k.SS58Address
			if k.EthAddress != "" {
				addr = k.EthAddress
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.Name, k.Scheme, addr, note)
		}
		tw.Flush()
		return
	}
	for _, k := range list {
		fmt.Fprintf(f.IO.Out, "%s\t%s\t%s\t%s\t%v\n", k.Name, k.Scheme, k.SS58Address, k.PublicKey, k.WatchOnly)
	}
}

func newKeyListCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List keys (nothing is decrypted)",
		Args:  exactArgs(0),
		RunE: keyEnvRun(f, func(env *keyEnv, args []string) error {
			entries, listErr := env.store.List()
			out := []keyJSON{}
			for _, e := range entries {
				out = append(out, keyEntryJSON(e, env.net))
			}
			if listErr != nil {
				f.Warnf("%v", listErr)
			}
			if !env.store.Exists() {
				f.Infof("no keys: %s does not exist (the first key written creates it)", env.store.Dir())
			}
			if f.Opts.JSON {
				return f.PrintJSON(out)
			}
			if len(out) == 0 && f.IO.IsStdoutTTY() && env.store.Exists() {
				fmt.Fprintln(f.IO.ErrOut, "No keys yet: ksm key new --name NAME, or ksm key import.")
				return nil
			}
			printKeys(f, out)
			return nil
		}),
	}
}

func newKeyShowCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show one key (nothing is decrypted)",
		Args:  exactArgs(1),
		RunE: keyEntryRun(f, func(env *keyEnv, e *keystore.Entry, args []string) error {
			k := keyEntryJSON(e, env.net)
			if f.Opts.JSON {
				return f.PrintJSON(k)
			}
			if !f.IO.IsStdoutTTY() {
				printKeys(f, []keyJSON{k})
				return nil
			}
			fmt.Fprintf(f.IO.Out, "Name:        %s\nScheme:      %s\nPublic key:  %s\nAddress:     %s (%s)\n", k.Name, k.Scheme, k.PublicKey, k.SS58Address, env.net.Name)
			if k.EthAddress != "" {
				fmt.Fprintf(f.IO.Out, "Eth address: %s\n", k.EthAddress)
			}
			if k.WatchOnly {
				fmt.Fprintln(f.IO.Out, "Watch-only:  yes (no secret stored)")
			}
			return nil
		}),
	}
}

func newKeyRemoveCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Delete a key from the keystore (asks first; --yes does not)",
		Args:  exactArgs(1),
		RunE: keyEntryRun(f, func(env *keyEnv, e *keystore.Entry, args []string) error {
			if !f.Opts.Yes {
				if !f.IO.CanPrompt() {
					return app.Usagef("removing key %q needs confirmation: run on a terminal or pass --yes", e.Name)
				}
				what := "its secret is lost unless you have a backup"
				if e.WatchOnly {
					what = "a watch-only entry"
				}
				ok, err := f.IO.Confirm(fmt.Sprintf("Remove key %q (%s; %s)?", e.Name, keyEntryJSON(e, env.net).SS58Address, what))
				if err != nil {
					return err
				}
				if !ok {
					return ErrCancelled
				}
			}
			if err := env.store.Remove(e.Name); err != nil {
				return err
			}
			forgetPassword(env.home, e.Name)
			if f.Opts.JSON {
				return f.PrintJSON(keyRemovedJSON{Removed: e.Name})
			}
			fmt.Fprintf(f.IO.ErrOut, "Removed key %q\n", e.Name)
			return nil
		}),
	}
}

func newKeyRenameCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "rename OLD NEW",
		Short: "Rename a key",
		Args:  exactArgs(2),
		RunE: keyEnvRun(f, func(env *keyEnv, args []string) error {
			e, err := env.store.Rename(args[0], args[1])
			if err != nil {
				return err
			}
			forgetPassword(env.home, args[0])
			return keyPrintEntry(f, e, env.net, fmt.Sprintf("Renamed %q to %q", args[0], e.Name))
		}),
	}
}

func keyPrintEntry(f *Factory, e *keystore.Entry, net Network, msg string) error {
	return keyPrintJSON(f, keyEntryJSON(e, net), msg)
}

func keyPrintJSON(f *Factory, k keyJSON, msg string) error {
	if f.Opts.JSON {
		return f.PrintJSON(k)
	}
	fmt.Fprintf(f.IO.ErrOut, "%s\n", msg)
	if k.EthAddress != "" {
		fmt.Fprintln(f.IO.Out, k.EthAddress)
	} else {
		fmt.Fprintln(f.IO.Out, k.SS58Address)
	}
	return nil
}

// keyParsePublic reads a public key or address argument for scheme: 0x-hex
// of the public key, or SS58 of any network, as transfer takes addresses
// (for ecdsa an SS58 of the 33-byte public key, since an account id does
// not give the key back).
func keyParsePublic(arg string, scheme keys.Scheme, net Network) ([]byte, error) {
	want := scheme.PublicKeyLen()
	if strings.HasPrefix(arg, "0x") {
		b, err := hex.DecodeString(arg[2:])
		if err != nil || len(b) != want {
			return nil, fmt.Errorf("%w: want 0x and %d hex bytes for %s", keys.ErrInvalidPublicKey, want, scheme)
		}
		return b, nil
	}
	payload, _, err := ss58.Decode(arg)
	if err != nil {
		return nil, fmt.Errorf("address: %w", err)
	}
	if len(payload) != want {
		if scheme == keys.Ecdsa && len(payload) == 32 {
			return nil, fmt.Errorf("%w: an ecdsa account address does not give the public key; pass the 33-byte key as 0x-hex", keys.ErrInvalidPublicKey)
		}
		return nil, fmt.Errorf("%w: the address holds %d bytes, a %s key has %d", keys.ErrInvalidPublicKey, len(payload), scheme, want)
	}
	return payload, nil
}

func newKeyWatchCmd(f *Factory) *cobra.Command {
	var name, scheme string
	cmd := &cobra.Command{
		Use:   "watch ADDRESS --name NAME",
		Short: "Add a watch-only key: an address without a secret",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := keys.ParseScheme(scheme)
			if err != nil {
				return err
			}
			env, err := openKeyEnv(f)
			if err != nil {
				return err
			}
			pub, err := keyParsePublic(args[0], sc, env.net)
			if err != nil {
				return err
			}
			e, err := env.store.AddWatch(name, sc, pub)
			if err != nil {
				return err
			}
			return keyPrintEntry(f, e, env.net, fmt.Sprintf("Watching %q", e.Name))
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "name of the new entry (required)")
	cmd.Flags().StringVar(&scheme, "scheme", "sr25519", "signature scheme: sr25519, ed25519 or ecdsa")
	cmd.MarkFlagRequired("name")
	return cmd
}

func newKeyExportCmd(f *Factory) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "export NAME --keystore FILE",
		Short: "Write a key as a polkadot-js keystore file (- for standard output)",
		Args:  exactArgs(1),
		RunE: keyEntryRun(f, func(_ *keyEnv, e *keystore.Entry, args []string) error {
			if e.WatchOnly {
				return fmt.Errorf("key %q: %w", e.Name, keystore.ErrWatchOnly)
			}
			b, err := e.File.Marshal()
			if err != nil {
				return err
			}
			if file == "-" {
				_, err = f.IO.Out.Write(b)
				return err
			}
			// Written afresh (0600) even over an existing file of another mode.
			if err := writePrivateFile(file, b, f.Opts.Yes); errors.Is(err, errFileExists) {
				return app.Usagef("%s exists; pass --yes to overwrite it", file)
			} else if err != nil {
				return err
			}
			if f.Opts.JSON {
				return f.PrintJSON(keyExportJSON{Name: e.Name, Keystore: file})
			}
			fmt.Fprintf(f.IO.ErrOut, "Wrote key %q to %s (polkadot-js JSON, same password)\n", e.Name, file)
			return nil
		}),
	}
	cmd.Flags().StringVar(&file, "keystore", "", "file to write (required; - for standard output)")
	cmd.MarkFlagRequired("keystore")
	return cmd
}

// keyRemovedJSON is what key remove prints.
type keyRemovedJSON struct {
	Removed string `json:"removed"`
}

// keyExportJSON is what key export prints: the key and the file written.
type keyExportJSON struct {
	Name     string `json:"name"`
	Keystore string `json:"keystore"`
}
