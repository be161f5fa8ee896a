// Command mangen writes the man pages of ksm, one per command (ksm.1,
// ksm-key-new.1, ...), into a directory:
//
//	go run ./cmd/internal/mangen DIR
//
// The release (.goreleaser.yaml) runs it before building and ships the pages
// in the archives. It is a separate program so that the man-page renderer is
// not linked into ksm itself. The pages' date is $SOURCE_DATE_EPOCH when set
// (reproducible builds), else today.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/ksm-wallet/ksm/cmd/internal/cli"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mangen DIR")
		os.Exit(2)
	}
	date, err := sourceDate(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "mangen: %v\n", err)
		os.Exit(2)
	}
	if err := generate(newRoot(), os.Args[1], date); err != nil {
		fmt.Fprintf(os.Stderr, "mangen: %v\n", err)
		os.Exit(1)
	}
}

// newRoot is the ksm command tree, as the binary builds it.
func newRoot() *cobra.Command {
	return cli.NewRootCmd(cli.NewFactory(iostreams.System()))
}

// sourceDate reads SOURCE_DATE_EPOCH (seconds since 1970; empty: now).
func sourceDate(epoch string) (time.Time, error) {
	if epoch == "" {
		return time.Now().UTC(), nil
	}
	s, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: %w", epoch, err)
	}
	return time.Unix(s, 0).UTC(), nil
}

// generate writes one section-1 page per available command of root into
// dir, creating it.
func generate(root *cobra.Command, dir string, date time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root.DisableAutoGenTag = true
	header := &doc.GenManHeader{
		Title:   "KSM",
		Section: "1",
		Source:  "ksm",
		Manual:  "ksm manual",
		Date:    &date,
	}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return nil
}
