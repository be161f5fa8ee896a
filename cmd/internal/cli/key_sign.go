package cli

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// inspectJSON is subkey's inspect output (its field names).
type inspectJSON struct {
	Scheme        string `json:"scheme"`
	SecretPhrase  string `json:"secretPhrase,omitempty"`
	SecretSeed    string `json:"secretSeed,omitempty"`
	PublicKey     string `json:"publicKey,omitempty"`
	AccountID     string `json:"accountId"`
	SS58Address   string `json:"ss58Address"`
	SS58PublicKey string `json:"ss58PublicKey,omitempty"`
	NetworkID     string `json:"networkId"`
}

func newKeyInspectCmd(f *Factory) *cobra.Command {
	var scheme string
	var prefix prefixFlag
	var public bool
	cmd := &cobra.Command{
		Use:   "inspect SURI|ADDRESS",
		Short: "Show the keys and addresses of a secret URI or an address (subkey inspect)",
		Long: `Show the public key, account id and addresses of a secret URI, an SS58 address
or (with --public) a 0x-hex public key. "-" reads the secret URI from standard
input, which keeps it out of shell history. secretSeed is shown when the
URI has no soft junction. --prefix re-encodes: an address of any network is
shown in the format of the prefix given (a number or a network name).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := keys.ParseScheme(scheme)
			if err != nil || sc == keys.Ethereum {
				return app.Usagef("unknown scheme %q (want sr25519, ed25519 or ecdsa)", scheme)
			}
			net, err := f.Network()
			if err != nil {
				return err
			}
			outPrefix := net.SS58Prefix
			if prefix.set {
				outPrefix = prefix.value
			}
			arg := args[0]
			if arg == "-" {
				if arg, err = f.IO.ReadLine(); err != nil {
					return fmt.Errorf("read secret URI: %w", err)
				}
			}
			var out inspectJSON
			if public || keyLooksLikeAddress(arg) {
				out, err = keyInspectPublic(arg, sc, outPrefix, net, public, prefix.set)
			} else {
				out, err = keyInspectURI(arg, sc, outPrefix, net)
			}
			if err != nil {
				return err
			}
			if f.Opts.JSON {
				return f.PrintJSON(out)
			}
			w := f.IO.Out
			if out.SecretPhrase != "" {
				fmt.Fprintf(w, "Secret phrase:       %s\n", out.SecretPhrase)
			}
			if out.SecretSeed != "" {
				fmt.Fprintf(w, "  Network ID:        %s\n  Secret seed:       %s\n", out.NetworkID, out.SecretSeed)
			} else {
				fmt.Fprintf(w, "  Network ID:        %s\n", out.NetworkID)
			}
			if out.PublicKey != "" {
				fmt.Fprintf(w, "  Public key (hex):  %s\n", out.PublicKey)
			}
			fmt.Fprintf(w, "  Account ID:        %s\n", out.AccountID)
			if out.SS58PublicKey != "" {
				fmt.Fprintf(w, "  Public key (SS58): %s\n", out.SS58PublicKey)
			}
			fmt.Fprintf(w, "  SS58 Address:      %s\n", out.SS58Address)
			return nil
		},
	}
	cmd.Flags().StringVar(&scheme, "scheme", "sr25519", "signature scheme: sr25519, ed25519 or ecdsa")
	cmd.Flags().Var(&prefix, "prefix", "SS58 format of the addresses shown: a number or a network name (polkadot, kusama, substrate, ...; default: the network's); an address given is re-encoded in it")
	cmd.Flags().BoolVar(&public, "public", false, "the argument is a public key (0x-hex) or address, not a secret")
	return cmd
}

// keyLooksLikeAddress: an SS58 string has no spaces or slashes and does not
// start with 0x.
func keyLooksLikeAddress(s string) bool {
	return s != "" && !strings.ContainsAny(s, " /") && !strings.HasPrefix(s, "0x")
}

func keyInspectURI(suri string, sc keys.Scheme, prefix uint16, net Network) (inspectJSON, error) {
	u, err := keys.ParseURI(suri)
	if err != nil {
		return inspectJSON{}, err
	}
	defer u.Wipe()
	p, err := u.Pair(sc)
	if err != nil {
		return inspectJSON{}, err
	}
	defer p.Wipe()
	out := keyPublicJSON(sc, p.PublicKey(), prefix, net)
	if seed, ok := p.Seed(); ok {
		out.SecretSeed = keyHex(seed)
		wipeBytes(seed)
	}
	trimmed := strings.TrimSpace(suri)
	if !strings.HasPrefix(u.Phrase, "0x") && !strings.HasPrefix(trimmed, "/") {
		// subkey shows the phrase it was given (without path or password).
		out.SecretPhrase = u.Phrase
	}
	return out, nil
}

func keyPublicJSON(sc keys.Scheme, pub []byte, prefix uint16, net Network) inspectJSON {
	id := keys.AccountID(sc, pub)
	out := inspectJSON{
		Scheme:      string(sc),
		PublicKey:   keyHex(pub),
		AccountID:   keyHex(id[:]),
		SS58Address: ss58.MustEncode(id, prefix),
		NetworkID:   networkNameForPrefix(prefix, net),
	}
	if s, err := ss58.Encode(pub, prefix); err == nil {
		out.SS58PublicKey = s
	}
	return out
}

// keyInspectPublic shows a public key or an address. An address must be of
// the active network's format unless reencode (--prefix given): it is then
// shown in the format of prefix, whatever its own.
func keyInspectPublic(arg string, sc keys.Scheme, prefix uint16, net Network, explicitPublic, reencode bool) (inspectJSON, error) {
	if strings.HasPrefix(arg, "0x") {
		if !explicitPublic {
			return inspectJSON{}, errors.New("a 0x argument is a seed; pass --public to inspect a public key")
		}
		b, err := hex.DecodeString(arg[2:])
		if err != nil || len(b) != sc.PublicKeyLen() {
			return inspectJSON{}, fmt.Errorf("%w: want 0x and %d hex bytes for %s", keys.ErrInvalidPublicKey, sc.PublicKeyLen(), sc)
		}
		return keyPublicJSON(sc, b, prefix, net), nil
	}
	payload, got, err := ss58.Decode(arg)
	if err != nil {
		return inspectJSON{}, fmt.Errorf("address: %w", err)
	}
	if got != prefix && !reencode {
		return inspectJSON{}, fmt.Errorf("%w: address has SS58 prefix %d, %s uses %d (pass --prefix %d to inspect it as such)", ss58.ErrWrongNetwork, got, networkNameForPrefix(prefix, net), prefix, got)
	}
	switch {
	case len(payload) == sc.PublicKeyLen():
		return keyPublicJSON(sc, payload, prefix, net), nil
	case len(payload) == 32:
		// An account id whose public key is unknown (ecdsa).
		var id [32]byte
		copy(id[:], payload)
		return inspectJSON{Scheme: string(sc), AccountID: keyHex(payload), SS58Address: ss58.MustEncode(id, prefix), NetworkID: networkNameForPrefix(prefix, net)}, nil
	}
	return inspectJSON{}, fmt.Errorf("%w: address of %d bytes", keys.ErrInvalidPublicKey, len(payload))
}

// keyMessage returns the bytes of a MESSAGE argument: UTF-8, or with --hex
// 0x-hex.
func keyMessage(arg string, isHex bool) ([]byte, error) {
	if !isHex {
		return []byte(arg), nil
	}
	b, err := hex.DecodeString(strings.TrimPrefix(arg, "0x"))
	if err != nil {
		return nil, app.Usagef("message is not hex: %v", err)
	}
	return b, nil
}

func newKeySignCmd(f *Factory) *cobra.Command {
	var isHex, remember, raw bool
	cmd := &cobra.Command{
		Use:   "sign NAME MESSAGE",
		Short: "Sign a message (UTF-8, or hex with --hex) with a stored key",
		Long: `Sign MESSAGE wrapped as <Bytes>MESSAGE</Bytes>, as polkadot-js signRaw and the
browser extension do (a message already so wrapped is signed as it is): a
wrapped message can never be a transaction, so nobody can get a transaction
signed by passing it off as a message. --raw signs the bytes as they are, with
a warning. sr25519 signs in the "substrate" context, ed25519 plainly, ecdsa
over blake2b-256 of the message (65 bytes r||s||v).`,
		Example: `  ksm key sign main "I own this account"
  ksm --json key sign main 0x1234 --hex
  ksm key verify --public ADDRESS --signature 0x.. "I own this account"`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			msg, err := keyMessage(args[1], isHex)
			if err != nil {
				return err
			}
			if raw {
				f.Warnf("--raw: signing the message bytes unwrapped; if they came from someone else they may be a transaction signed in your name")
			} else {
				msg = keys.WrapBytes(msg)
			}
			env, e, err := openKeyEntry(f, args[0])
			if err != nil {
				return err
			}
			pws := newPasswordSource(f, remember)
			p, pw, err := env.unlock(pws, e.Name)
			if err != nil {
				return err
			}
			defer wipeBytes(pw)
			defer p.Wipe()
			pws.keep(env.home, e.Name, pw)
			sig, err := p.Sign(msg)
			if err != nil {
				return err
			}
			if f.Opts.JSON {
				return f.PrintJSON(keySignatureJSON{Signature: keyHex(sig), Wrapped: !raw})
			}
			fmt.Fprintln(f.IO.Out, keyHex(sig))
			return nil
		},
	}
	cmd.Flags().BoolVar(&raw, "raw", false, "sign the message bytes without the <Bytes> wrapping (warns)")
	cmd.Flags().BoolVar(&isHex, "hex", false, "MESSAGE is 0x-hex bytes")
	cmd.Flags().BoolVar(&remember, "remember", false, "remember the password in the OS keyring")
	return cmd
}

func newKeyVerifyCmd(f *Factory) *cobra.Command {
	var scheme, public, signature string
	var isHex bool
	cmd := &cobra.Command{
		Use:   "verify --scheme S --public 0x.. --signature 0x.. MESSAGE",
		Short: "Verify a signature (exit 0 valid, 3 invalid)",
		Long: `Verify a signature over MESSAGE wrapped as <Bytes>MESSAGE</Bytes> (what
'ksm key sign' and polkadot-js signRaw sign), then over the raw bytes; the
JSON output says which matched ({valid, wrapped}).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := keys.ParseScheme(scheme)
			if err != nil {
				return err
			}
			net, err := f.Network()
			if err != nil {
				return err
			}
			pub, err := keyParsePublic(public, sc, net)
			if err != nil {
				return err
			}
			sig, err := hex.DecodeString(strings.TrimPrefix(signature, "0x"))
			if err != nil || !strings.HasPrefix(signature, "0x") {
				return app.Usagef("--signature must be 0x-hex")
			}
			msg, err := keyMessage(args[0], isHex)
			if err != nil {
				return err
			}
			res := keyVerifyMessage(sc, pub, msg, sig)
			if f.Opts.JSON {
				if err := f.PrintJSON(res); err != nil {
					return err
				}
			} else if res.Valid {
				how := "wrapped in <Bytes>"
				if !*res.Wrapped {
					how = "raw bytes"
				}
				fmt.Fprintf(f.IO.Out, "valid (%s)\n", how)
			}
			if !res.Valid {
				return app.Unverified(fmt.Errorf("invalid %s signature", sc))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&scheme, "scheme", "sr25519", "signature scheme: sr25519, ed25519, ecdsa or ethereum")
	cmd.Flags().StringVar(&public, "public", "", "public key (0x-hex) or SS58 address of the signer (required)")
	cmd.Flags().StringVar(&signature, "signature", "", "signature, 0x-hex (required)")
	cmd.Flags().BoolVar(&isHex, "hex", false, "MESSAGE is 0x-hex bytes")
	cmd.MarkFlagRequired("public")
	cmd.MarkFlagRequired("signature")
	return cmd
}

// keySignatureJSON is what `key sign --json` prints.
type keySignatureJSON struct {
	Signature string `json:"signature"`
	// Wrapped is false for a --raw signature.
	Wrapped bool `json:"wrapped"`
}

// keyVerifyJSON is what `key verify --json` prints; wrapped says which form
// of the message the signature is over (absent when it is invalid).
type keyVerifyJSON struct {
	Valid   bool  `json:"valid"`
	Wrapped *bool `json:"wrapped,omitempty"`
}

// keyVerifyMessage checks sig over msg wrapped in <Bytes>…</Bytes>, then
// over msg as it is.
func keyVerifyMessage(sc keys.Scheme, pub, msg, sig []byte) keyVerifyJSON {
	for _, wrapped := range []bool{true, false} {
		m := msg
		if wrapped {
			m = keys.WrapBytes(msg)
		}
		if keys.Verify(sc, pub, m, sig) {
			return keyVerifyJSON{Valid: true, Wrapped: &wrapped}
		}
	}
	return keyVerifyJSON{}
}
