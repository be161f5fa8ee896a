package cli

import (
	"os"
	"runtime"
	"strings"
	"unicode/utf8"
)

// minPasswordLen is the length below which a new keystore password is
// called weak.
const minPasswordLen = 8

// commonPasswords are a few passwords every guessing list starts with, and
// the names a Kusama user would try first. A small rule, not a dictionary:
// it catches the obvious, the length rule does the rest.
var commonPasswords = map[string]bool{
	"password": true, "password1": true, "passw0rd": true, "iloveyou": true, "letmein1": true,
	"welcome1": true, "sunshine": true, "princess": true, "football": true, "baseball": true,
	"superman": true, "trustno1": true, "changeme": true, "starwars": true, "whatever": true,
	"qwertyuiop": true, "qwerty123": true, "1q2w3e4r": true, "1qaz2wsx": true, "zaq12wsx": true,
	"asdfghjkl": true, "kusama123": true, "polkadot": true, "polkadot1": true, "substrate": true,
	"bitcoin1": true, "ethereum": true, "p@ssw0rd": true, "administrator": true,
}

// weakPassword says why pw is weak as a keystore password, or "" when the
// small rule finds nothing: shorter than 8 characters, one of the common
// passwords, one repeated character, or a run such as 12345678 or abcdefgh.
func weakPassword(pw []byte) string {
	s := string(pw)
	if utf8.RuneCountInString(s) < minPasswordLen {
		return "shorter than 8 characters"
	}
	lower := strings.ToLower(s)
	if commonPasswords[lower] {
		return "one of the most common passwords"
	}
	if isRun(lower) {
		return "a repeated character or a simple sequence"
	}
	return ""
}

// isRun reports a string of one repeated byte, or of bytes each one above
// (or below) the one before: aaaaaaaa, 12345678, 87654321, abcdefgh.
func isRun(s string) bool {
	same, up, down := true, true, true
	for i := 1; i < len(s); i++ {
		d := int(s[i]) - int(s[i-1])
		same = same && d == 0
		up = up && d == 1
		down = down && d == -1
	}
	return same || up || down
}

// checkPasswordFileMode warns, as ssh does for private keys, when the
// password file can be read or written by the group or others.
func (p *passwordSource) checkPasswordFileMode(path string) {
	if runtime.GOOS == "windows" {
		return // no Unix permission bits
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm()&0o077 == 0 {
		return
	}
	p.f.Warnf("password file %s is accessible by others (mode %04o); restrict it: chmod 600 %s", path, st.Mode().Perm(), path)
}
