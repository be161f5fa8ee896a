package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// passwordCache is where --remember keeps passwords: the OS keyring.
// Tests replace it.
var passwordCache keystore.PasswordCache = keystore.OSKeyring{}

// noKeyringWarned makes the "no keyring" note appear once per process.
var noKeyringWarned sync.Once

// passwordSource reads keystore passwords from, in this order:
// --password-file, --password-stdin, $KSM_PASSWORD, the OS keyring (for a
// key whose password was remembered), a prompt without echo.
type passwordSource struct {
	f        *Factory
	remember bool
	used     bool // stdin already consumed (a second read would block)
}

func newPasswordSource(f *Factory, remember bool) *passwordSource {
	return &passwordSource{f: f, remember: remember}
}

// explicit returns a password given by flag or environment, if any.
func (p *passwordSource) explicit() ([]byte, bool, error) {
	f := p.f
	switch {
	case f.Opts.PasswordFile != "":
		b, err := os.ReadFile(f.Opts.PasswordFile)
		if err != nil {
			return nil, false, fmt.Errorf("password file: %w", err)
		}
		p.checkPasswordFileMode(f.Opts.PasswordFile)
		return trimLineEnd(b), true, nil
	case f.Opts.PasswordStdin:
		if p.used {
			return nil, false, app.Usagef("--password-stdin gives one password; this command needs two (use --password-file or KSM_PASSWORD for one of them)")
		}
		p.used = true
		line, err := f.IO.ReadLine()
		if err != nil {
			return nil, false, fmt.Errorf("read password from standard input: %w", err)
		}
		return []byte(line), true, nil
	case f.Getenv("KSM_PASSWORD") != "":
		return []byte(f.Getenv("KSM_PASSWORD")), true, nil
	}
	return nil, false, nil
}

func trimLineEnd(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// forKey returns the password of the stored key name (to unlock it).
func (p *passwordSource) forKey(home, name string) ([]byte, error) {
	if pw, ok, err := p.explicit(); ok || err != nil {
		return pw, err
	}
	if isRemembered(home, name) {
		if s, err := passwordCache.Get(keyringAccount(home, name)); err == nil {
			return []byte(s), nil
		} else if errors.Is(err, keystore.ErrNoKeyring) {
			p.noKeyring(err)
		}
	}
	pw, err := p.f.IO.PromptSecret(fmt.Sprintf("Password for key %q: ", name))
	if errors.Is(err, iostreams.ErrNoTTY) {
		return nil, app.Usagef("key %q needs its password: use --password-file, --password-stdin or KSM_PASSWORD, or run on a terminal", name)
	}
	return pw, err
}

// forFile returns the password of a keystore file being imported.
func (p *passwordSource) forFile(file string) ([]byte, error) {
	if pw, ok, err := p.explicit(); ok || err != nil {
		return pw, err
	}
	pw, err := p.f.IO.PromptSecret(fmt.Sprintf("Password of %s: ", file))
	if errors.Is(err, iostreams.ErrNoTTY) {
		return nil, app.Usagef("%s needs its password: use --password-file, --password-stdin or KSM_PASSWORD, or run on a terminal", file)
	}
	return pw, err
}

// newPassword returns a password for a key being written; a prompted one
// is asked twice.
func (p *passwordSource) newPassword(name string) ([]byte, error) {
	pw, err := p.askNewPassword(name)
	if err == nil {
		if why := weakPassword(pw); why != "" {
			p.f.Warnf("weak password for key %q: %s; anyone who gets the key file can try passwords offline", name, why)
		}
	}
	return pw, err
}

func (p *passwordSource) askNewPassword(name string) ([]byte, error) {
	if pw, ok, err := p.explicit(); ok || err != nil {
		if err == nil && len(pw) == 0 {
			return nil, app.Usagef("the keystore password is empty")
		}
		return pw, err
	}
	for {
		pw, err := p.f.IO.PromptSecret(fmt.Sprintf("New password for key %q: ", name))
		if errors.Is(err, iostreams.ErrNoTTY) {
			return nil, app.Usagef("a password for key %q is needed: use --password-file, --password-stdin or KSM_PASSWORD, or run on a terminal", name)
		}
		if err != nil {
			return nil, err
		}
		if len(pw) == 0 {
			fmt.Fprintln(p.f.IO.ErrOut, "The password cannot be empty.")
			continue
		}
		again, err := p.f.IO.PromptSecret("Repeat the password: ")
		if err != nil {
			return nil, err
		}
		if bytes.Equal(pw, again) {
			return pw, nil
		}
		fmt.Fprintln(p.f.IO.ErrOut, "The passwords differ; try again.")
	}
}

// keep remembers the password of name in the OS keyring when --remember
// was given; without a keyring service it says so once and goes on.
func (p *passwordSource) keep(home, name string, pw []byte) {
	if !p.remember {
		return
	}
	if err := passwordCache.Set(keyringAccount(home, name), string(pw)); err != nil {
		p.noKeyring(err)
		return
	}
	if err := markRemembered(home, name, true); err != nil {
		p.f.Warnf("could not note that the password of %q is remembered: %v", name, err)
	}
}

// forget drops a remembered password (key removed or renamed).
func forgetPassword(home, name string) {
	if isRemembered(home, name) {
		_ = passwordCache.Delete(keyringAccount(home, name))
		_ = markRemembered(home, name, false)
	}
}

func (p *passwordSource) noKeyring(err error) {
	noKeyringWarned.Do(func() {
		if errors.Is(err, keystore.ErrNoKeyring) {
			p.f.Warnf("no OS keyring service here; the password is not remembered")
		} else {
			p.f.Warnf("OS keyring: %v", err)
		}
	})
}

// keyringAccount names a key's entry in the OS keyring: the key's file,
// so that two homes do not share entries.
func keyringAccount(home, name string) string {
	return filepath.Join(home, "keys", strings.ToLower(name))
}

// The names of keys whose password is in the OS keyring are listed in
// <home>/keys/.remembered, so that ksm asks the keyring only for them (a
// keyring query can be slow or pop up a dialog).
func rememberedPath(home string) string { return filepath.Join(home, "keys", ".remembered") }

func isRemembered(home, name string) bool {
	b, err := os.ReadFile(rememberedPath(home))
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}

func markRemembered(home, name string, on bool) error {
	b, _ := os.ReadFile(rememberedPath(home))
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.EqualFold(l, name) {
			keep = append(keep, l)
		}
	}
	if on {
		keep = append(keep, strings.ToLower(name))
	}
	tmp := rememberedPath(home) + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(keep, "\n")+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, rememberedPath(home))
}

// wipeBytes overwrites a password or secret after use.
func wipeBytes(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
