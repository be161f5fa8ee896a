package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// Every command the user can run has a page that man can read: a title
// line, NAME and SYNOPSIS sections naming the command.
func TestOnePagePerCommand(t *testing.T) {
	dir := t.TempDir()
	root := newRoot()
	if err := generate(root, dir, time.Unix(1700000000, 0).UTC()); err != nil {
		t.Fatal(err)
	}
	var walk func(c *cobra.Command)
	count := 0
	walk = func(c *cobra.Command) {
		if c != root && !c.IsAvailableCommand() {
			return
		}
		count++
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("no man page for %q: %v", c.CommandPath(), err)
			return
		}
		checkPage(t, name, string(b), c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(des) != count || count < 60 {
		t.Fatalf("%d pages for %d commands", len(des), count)
	}
}

// checkPage parses a page as man reads it: a .TH title line with the date
// given, a NAME section whose first line is "NAME - SHORT", and a SYNOPSIS
// section whose first line holds the command's path.
func checkPage(t *testing.T, file, page string, c *cobra.Command) {
	t.Helper()
	sections := map[string][]string{}
	var title, current string
	for _, line := range strings.Split(page, "\n") {
		switch {
		case strings.HasPrefix(line, ".TH "):
			title = line
		case strings.HasPrefix(line, ".SH "):
			current = strings.TrimPrefix(line, ".SH ")
			sections[current] = nil
		case current != "" && strings.TrimSpace(line) != "":
			sections[current] = append(sections[current], line)
		}
	}
	if title != `.TH "KSM" "1" "Nov 2023" "ksm" "ksm manual"` {
		t.Errorf("%s: title line %q", file, title)
	}
	wantName := strings.TrimSuffix(file, ".1") + " - "
	if name := sections["NAME"]; len(name) == 0 || !strings.HasPrefix(name[0], wantName) {
		t.Errorf("%s: NAME section %q, want it to start with %q", file, name, wantName)
	}
	if syn := sections["SYNOPSIS"]; len(syn) == 0 || !strings.Contains(syn[0], c.CommandPath()) {
		t.Errorf("%s: SYNOPSIS section %q does not name %q", file, syn, c.CommandPath())
	}
	if _, ok := sections["DESCRIPTION"]; !ok {
		t.Errorf("%s: no DESCRIPTION section", file)
	}
}

func TestSourceDate(t *testing.T) {
	d, err := sourceDate("1700000000")
	if err != nil || !d.Equal(time.Unix(1700000000, 0)) {
		t.Fatalf("sourceDate: %v %v", d, err)
	}
	if _, err := sourceDate("yesterday"); err == nil {
		t.Fatal("a non-number SOURCE_DATE_EPOCH was accepted")
	}
}
