package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
)

// cliDocSections splits docs/cli.md at its command headings ("### `ksm key
// new`", "## `ksm`: global flags") and returns the text under each, by
// command path, and the paths of headings marked "(planned)".
func cliDocSections(doc string) (sections map[string]string, planned map[string]bool) {
	heading := regexp.MustCompile("^#+ `(ksm[^`]*)`(.*)$")
	sections, planned = map[string]string{}, map[string]bool{}
	current := ""
	for _, line := range strings.Split(doc, "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			current = m[1]
			sections[current] += ""
			if strings.Contains(m[2], "(planned)") {
				planned[current] = true
			}
			continue
		}
		if strings.HasPrefix(line, "#") {
			current = ""
			continue
		}
		if current != "" {
			sections[current] += line + "\n"
		}
	}
	return sections, planned
}

// submittingFlags returns the flags of the table under "## Commands that
// submit a transaction": a command section saying "Takes the submitting
// flags." mentions them all.
func submittingFlags(t *testing.T, doc string) map[string]bool {
	t.Helper()
	_, rest, ok := strings.Cut(doc, "\n## Commands that submit a transaction\n")
	if !ok {
		t.Fatal("docs/cli.md has no section \"Commands that submit a transaction\"")
	}
	section, _, _ := strings.Cut(rest, "\n## ")
	flags := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `--([a-z-]+)").FindAllStringSubmatch(section, -1) {
		flags[m[1]] = true
	}
	if len(flags) < 4 {
		t.Fatalf("submitting flags table lists %v", flags)
	}
	return flags
}

// TestCLIDocCoversCommandTree walks the command tree and fails when a
// command has no section in docs/cli.md, when one of its flags is not
// mentioned in that section (the global flags in the section of `ksm`), or
// when the document describes a command that does not exist without marking
// it planned. docs/cli.md is the contract scripts rely on; this keeps it true.
func TestCLIDocCoversCommandTree(t *testing.T) {
	t.Parallel()
	doc := readCLIDoc(t)
	sections, planned := cliDocSections(doc)
	shared := submittingFlags(t, doc)
	io, _, _, _ := iostreams.Test()
	root := NewRootCmd(NewFactory(io))
	root.InitDefaultCompletionCmd()
	seen := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c != root && !c.IsAvailableCommand() {
			return
		}
		path := c.CommandPath()
		seen[path] = true
		section, ok := sections[path]
		if !ok {
			t.Errorf("docs/cli.md has no section for %q (a heading \"### `%s`\")", path, path)
		}
		if planned[path] {
			t.Errorf("docs/cli.md marks %q planned, but it exists: drop the mark", path)
		}
		flags := c.LocalNonPersistentFlags()
		if c == root {
			flags = c.PersistentFlags()
		}
		flags.VisitAll(func(fl *pflag.Flag) {
			if fl.Name == "help" || fl.Hidden {
				return
			}
			if ok && shared[fl.Name] && strings.Contains(section, "Takes the submitting flags.") {
				return
			}
			if ok && !regexp.MustCompile(`--`+regexp.QuoteMeta(fl.Name)+`\b`).MatchString(section) {
				t.Errorf("docs/cli.md does not mention --%s in the section of %q", fl.Name, path)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if len(seen) < 60 {
		t.Fatalf("walked %d commands; the tree did not build", len(seen))
	}
	for path := range sections {
		if !seen[path] && !planned[path] {
			t.Errorf("docs/cli.md describes %q, which is no command: remove it or mark it (planned)", path)
		}
	}
}
