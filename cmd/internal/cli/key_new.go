package cli

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

func newKeyNewCmd(f *Factory) *cobra.Command {
	var name, scheme, secretFile string
	var words int
	var remember, noCheck, showSecret bool
	cmd := &cobra.Command{
		Use:   "new --name NAME",
		Short: "Make a new key from a fresh mnemonic",
		Long: `Make a new key from a fresh BIP39 mnemonic. The mnemonic is shown once on the
terminal and never stored; on a terminal ksm then asks for one of its words to
check the backup. --secret-file FILE writes it to FILE (mode 0600, not an
existing file) instead of the terminal.

With --json the phrase would go to standard output, where logs and pipes keep
it: pass --show-secret to have it in the JSON (secretPhrase), or
--secret-file FILE; without either, --json is refused (exit 2).`,
		Example: `  ksm key new --name main
  ksm --json --password-file pw.txt key new --name bot --secret-file bot.phrase
  ksm --json key new --name test --show-secret`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := keys.ParseScheme(scheme)
			if err != nil || sc == keys.Ethereum {
				return app.Usagef("unknown scheme %q (want sr25519, ed25519 or ecdsa)", scheme)
			}
			if err := keystore.CheckName(name); err != nil {
				return err
			}
			if f.Opts.JSON && !showSecret && secretFile == "" {
				return app.Usagef("--json would print the secret phrase on standard output: pass --show-secret to include it, or --secret-file FILE to write it to a file (mode 0600)")
			}
			if secretFile != "" {
				if _, err := os.Lstat(secretFile); err == nil {
					return app.Usagef("--secret-file %s exists; ksm does not overwrite a file that may hold another secret", secretFile)
				}
			}
			env, err := openKeyEnv(f)
			if err != nil {
				return err
			}
			if _, err := env.store.Get(name); err == nil {
				return fmt.Errorf("%w: %q", keystore.ErrExists, name)
			}
			phrase, err := keys.NewMnemonic(words)
			if err != nil {
				return err
			}
			pair, err := keys.FromURI(phrase, sc)
			if err != nil {
				return err
			}
			defer pair.Wipe()
			pws := newPasswordSource(f, remember)
			pw, err := pws.newPassword(name)
			if err != nil {
				return err
			}
			defer wipeBytes(pw)
			if secretFile == "" && !f.Opts.JSON {
				fmt.Fprintf(f.IO.ErrOut, "\nSecret phrase of %q — write it down; ksm shows it only now:\n\n  %s\n\n", name, phrase)
				if f.IO.CanPrompt() && !noCheck && !f.Opts.Yes {
					if err := keyCheckBackup(f, phrase); err != nil {
						return err
					}
				}
			}
			if secretFile != "" {
				// Written before the key is stored: a key whose phrase
				// was lost on the way must not exist.
				if err := writePrivateFile(secretFile, []byte(phrase+"\n"), false); errors.Is(err, errFileExists) {
					return app.Usagef("--secret-file %s exists; ksm does not overwrite a file that may hold another secret", secretFile)
				} else if err != nil {
					return fmt.Errorf("secret file: %w", err)
				}
			}
			e, err := env.store.Add(name, pair, pw, nil)
			if err != nil {
				if secretFile != "" {
					os.Remove(secretFile)
				}
				return err
			}
			pws.keep(env.home, e.Name, pw)
			k := keyEntryJSON(e, env.net)
			k.SecretFile = secretFile
			if f.Opts.JSON {
				if showSecret {
					k.SecretPhrase = phrase
				}
				return f.PrintJSON(k)
			}
			msg := fmt.Sprintf("Created key %q (%s)", e.Name, sc)
			if secretFile != "" {
				msg += fmt.Sprintf("; its secret phrase is in %s (mode 0600): keep it offline", secretFile)
			}
			return keyPrintEntry(f, e, env.net, msg)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "name of the new key (required)")
	cmd.Flags().StringVar(&scheme, "scheme", "sr25519", "signature scheme: sr25519, ed25519 or ecdsa")
	cmd.Flags().IntVar(&words, "words", 12, "mnemonic length: 12, 15, 18, 21 or 24 words")
	cmd.Flags().BoolVar(&remember, "remember", false, "remember the password in the OS keyring")
	cmd.Flags().BoolVar(&noCheck, "no-check", false, "do not ask for a word of the mnemonic to check the backup")
	cmd.Flags().BoolVar(&showSecret, "show-secret", false, "with --json, include the secret phrase (secretPhrase) in the output")
	cmd.Flags().StringVar(&secretFile, "secret-file", "", "write the secret phrase to this new file (mode 0600) instead of showing it")
	cmd.MarkFlagRequired("name")
	return cmd
}

// keyBackupWord picks which word of n the backup check asks for; tests
// replace it.
var keyBackupWord = func(n int) (int, error) {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0, err
	}
	return int(i.Int64()), nil
}

// keyCheckBackup asks for a random word of the phrase, three tries.
func keyCheckBackup(f *Factory, phrase string) error {
	words := strings.Fields(phrase)
	i, err := keyBackupWord(len(words))
	if err != nil {
		return err
	}
	for try := 0; try < 3; try++ {
		ans, err := f.IO.Prompt(fmt.Sprintf("Check your backup: what is word #%d? ", i+1))
		if err != nil {
			return err
		}
		if strings.TrimSpace(strings.ToLower(ans)) == words[i] {
			fmt.Fprintln(f.IO.ErrOut, "Correct.")
			return nil
		}
		fmt.Fprintln(f.IO.ErrOut, "That is not it.")
	}
	return fmt.Errorf("backup check failed, no key saved: %w", ErrCancelled)
}

func newKeyImportCmd(f *Factory) *cobra.Command {
	var name, scheme, file string
	var suriStdin, remember bool
	cmd := &cobra.Command{
		Use:   "import --name NAME (--suri-stdin | --keystore FILE)",
		Short: "Import a key from a secret URI or a polkadot-js keystore file",
		Long: `Import a key from a secret URI (read from standard input with --suri-stdin, else
asked without echo) or from a polkadot-js keystore file (--keystore; the
file's password stays the key's password). With --suri-stdin and
--password-stdin, the first line is the URI and the second the password.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if suriStdin && file != "" {
				return app.Usagef("--suri-stdin and --keystore exclude each other")
			}
			if err := keystore.CheckName(name); err != nil {
				return err
			}
			env, err := openKeyEnv(f)
			if err != nil {
				return err
			}
			if _, err := env.store.Get(name); err == nil {
				return fmt.Errorf("%w: %q", keystore.ErrExists, name)
			}
			pws := newPasswordSource(f, remember)
			if file != "" {
				if cmd.Flags().Changed("scheme") {
					return app.Usagef("--scheme does not apply to --keystore: the file says its key type")
				}
				b, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				parsed, err := keystore.ParseFile(b)
				if err != nil {
					return fmt.Errorf("%s: %w", file, err)
				}
				pw, err := pws.forFile(file)
				if err != nil {
					return err
				}
				defer wipeBytes(pw)
				e, err := env.store.Import(name, b, pw, nil)
				if err != nil {
					return fmt.Errorf("%s: %w", file, err)
				}
				pws.keep(env.home, e.Name, pw)
				k := keyEntryJSON(e, env.net)
				if from, err := parsed.ScryptParams(); err == nil && from != env.store.WriteParams() {
					to := env.store.WriteParams()
					k.Reencrypted = &keyReencryptJSON{From: scryptJSON(from), To: scryptJSON(to)}
					fmt.Fprintf(f.IO.ErrOut, "Note: %s was encrypted with scrypt %s; ksm stored it re-encrypted with %s (same password)\n", file, from, to)
				}
				return keyPrintJSON(f, k, fmt.Sprintf("Imported key %q (%s) from %s", e.Name, e.Scheme, file))
			}
			sc, err := keys.ParseScheme(scheme)
			if err != nil {
				return err
			}
			var suri string
			if suriStdin {
				if suri, err = f.IO.ReadLine(); err != nil {
					return fmt.Errorf("read secret URI from standard input: %w", err)
				}
			} else {
				b, err := f.IO.PromptSecret("Secret URI (mnemonic or 0x-seed, with any //path///password): ")
				if err != nil {
					if errors.Is(err, iostreams.ErrNoTTY) {
						return app.Usagef("no terminal to ask for the secret URI: use --suri-stdin or --keystore")
					}
					return err
				}
				suri = string(b)
				wipeBytes(b)
			}
			pair, err := keys.FromURI(suri, sc)
			suri = ""
			if err != nil {
				return err
			}
			defer pair.Wipe()
			pw, err := pws.newPassword(name)
			if err != nil {
				return err
			}
			defer wipeBytes(pw)
			e, err := env.store.Add(name, pair, pw, nil)
			if err != nil {
				return err
			}
			pws.keep(env.home, e.Name, pw)
			return keyPrintEntry(f, e, env.net, fmt.Sprintf("Imported key %q (%s)", e.Name, sc))
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "name of the key (required)")
	cmd.Flags().StringVar(&scheme, "scheme", "sr25519", "signature scheme of a secret URI: sr25519, ed25519 or ecdsa")
	cmd.Flags().StringVar(&file, "keystore", "", "polkadot-js keystore JSON file to import")
	cmd.Flags().BoolVar(&suriStdin, "suri-stdin", false, "read the secret URI from the first line of standard input")
	cmd.Flags().BoolVar(&remember, "remember", false, "remember the password in the OS keyring")
	cmd.MarkFlagRequired("name")
	return cmd
}

func newKeyDeriveCmd(f *Factory) *cobra.Command {
	var child string
	cmd := &cobra.Command{
		Use:   "derive NAME PATH --name CHILD",
		Short: "Store the key at a derivation path (//hard, /soft) below a stored key",
		Long: `Derive a child key from a stored key and store it under --name with the
parent's password. PATH is //hard and /soft junctions (soft only for sr25519);
the result equals importing <parent's secret URI>PATH.`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := keys.ParsePath(args[1])
			if err != nil {
				return err
			}
			if len(path) == 0 {
				return app.Usagef("empty derivation path")
			}
			if err := keystore.CheckName(child); err != nil {
				return err
			}
			env, err := openKeyEnv(f)
			if err != nil {
				return err
			}
			parent, err := env.store.Get(args[0])
			if err != nil {
				return err
			}
			if parent.WatchOnly {
				return fmt.Errorf("key %q: %w", parent.Name, keystore.ErrWatchOnly)
			}
			if _, err := env.store.Get(child); err == nil {
				return fmt.Errorf("%w: %q", keystore.ErrExists, child)
			}
			p, pw, err := env.unlock(newPasswordSource(f, false), parent.Name)
			if err != nil {
				return err
			}
			defer wipeBytes(pw)
			defer p.Wipe()
			c, err := p.Derive(path)
			if err != nil {
				return err
			}
			defer c.Wipe()
			extra := map[string]any{}
			if g, ok := parent.File.Meta["genesisHash"]; ok {
				extra["genesisHash"] = g
			}
			e, err := env.store.Add(child, c, pw, extra)
			if err != nil {
				return err
			}
			return keyPrintEntry(f, e, env.net, fmt.Sprintf("Derived %q from %q", e.Name, parent.Name))
		},
	}
	cmd.Flags().StringVar(&child, "name", "", "name of the derived key (required)")
	cmd.MarkFlagRequired("name")
	return cmd
}
