package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
)

// TestREADMECommandsAreReal: every `ksm ...` line of the README's code
// blocks (its quick start above all) names a command of the tree with flags
// it has and arguments it takes, and that command has a section in
// docs/cli.md: a reader who copies a line gets that command, not a usage
// error. Lines with "..." (elided flags) and what follows a shell
// redirection or comment are left out of the check.
func TestREADMECommandsAreReal(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	sections, _ := cliDocSections(readCLIDoc(t))
	checked := 0
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "    ") {
			continue
		}
		for _, cmdline := range strings.Split(strings.TrimSpace(line), "&&") {
			cmdline = strings.TrimSpace(cmdline)
			if i := strings.Index(cmdline, " #"); i >= 0 {
				cmdline = cmdline[:i]
			}
			if i := strings.IndexAny(cmdline, "<>|"); i >= 0 {
				cmdline = cmdline[:i]
			}
			fields := strings.Fields(cmdline)
			if len(fields) < 2 || fields[0] != "ksm" || strings.Contains(cmdline, "...") || strings.Contains(cmdline, "…") {
				continue
			}
			io, _, _, _ := iostreams.Test()
			root := NewRootCmd(NewFactory(io))
			root.InitDefaultCompletionCmd()
			args := make([]string, 0, len(fields)-1)
			for _, a := range fields[1:] {
				args = append(args, strings.Trim(a, `'`))
			}
			c, rest, err := root.Find(args)
			if err != nil || c == root {
				t.Errorf("README: %q is no command (%v)", cmdline, err)
				continue
			}
			if err := c.ParseFlags(rest); err != nil {
				t.Errorf("README: %q: %v", cmdline, err)
				continue
			}
			if c.Args != nil {
				if err := c.Args(c, c.Flags().Args()); err != nil {
					t.Errorf("README: %q: %v", cmdline, err)
					continue
				}
			}
			if _, ok := sections[c.CommandPath()]; !ok {
				t.Errorf("README: %q: docs/cli.md has no section for %q", cmdline, c.CommandPath())
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d README command lines checked: the README's code blocks were not found", checked)
	}
	t.Logf("%d README command lines checked", checked)
}
