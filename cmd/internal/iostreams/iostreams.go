// Package iostreams gives commands their standard streams together with what
// they need to know about them: whether stdout is a terminal (human output) or
// a pipe (stable, scriptable output), and how to read a secret without echo.
// Tests use Test, which records output in memory.
package iostreams

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// ErrNoTTY means a prompt was needed but there is no terminal to ask on.
var ErrNoTTY = errors.New("no terminal to prompt on")

// IOStreams are the standard streams of one command invocation.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool

	// readSecret reads one line without echo from the terminal; Test
	// replaces it with a reader of scripted answers.
	readSecret func() ([]byte, error)
	// readLine reads one echoed line from the terminal.
	lineReader *bufio.Reader
}

// System returns the process's standard streams.
func System() *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
	s.readSecret = func() ([]byte, error) { return term.ReadPassword(int(os.Stdin.Fd())) }
	return s
}

// Test returns streams backed by buffers: in feeds standard input, out and
// errOut record output. Terminal flags start false; set them with SetTTY.
func Test() (s *IOStreams, in *bytes.Buffer, out *bytes.Buffer, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	s = &IOStreams{In: in, Out: out, ErrOut: errOut}
	s.readSecret = func() ([]byte, error) {
		line, err := s.reader().ReadString('\n')
		if err != nil && line == "" {
			return nil, err
		}
		return []byte(strings.TrimRight(line, "\r\n")), nil
	}
	return s, in, out, errOut
}

// SetTTY sets whether stdin, stdout and stderr count as terminals (tests).
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
}

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// CanPrompt reports whether the user can be asked questions interactively.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }

func (s *IOStreams) reader() *bufio.Reader {
	if s.lineReader == nil {
		s.lineReader = bufio.NewReader(s.In)
	}
	return s.lineReader
}

// ReadLine reads one line from standard input, without its line ending.
// It returns io.EOF only when nothing at all could be read.
func (s *IOStreams) ReadLine() (string, error) {
	line, err := s.reader().ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// ReadAll reads the rest of standard input.
func (s *IOStreams) ReadAll() ([]byte, error) { return io.ReadAll(s.reader()) }

// Prompt asks a question on stderr and reads an echoed answer from stdin.
func (s *IOStreams) Prompt(question string) (string, error) {
	if !s.CanPrompt() {
		return "", ErrNoTTY
	}
	fmt.Fprint(s.ErrOut, question)
	return s.ReadLine()
}

// PromptSecret asks on stderr and reads an answer without echo.
func (s *IOStreams) PromptSecret(question string) ([]byte, error) {
	if !s.CanPrompt() {
		return nil, ErrNoTTY
	}
	fmt.Fprint(s.ErrOut, question)
	b, err := s.readSecret()
	fmt.Fprintln(s.ErrOut)
	return b, err
}

// Confirm asks a yes/no question; anything but y or yes is no.
func (s *IOStreams) Confirm(question string) (bool, error) {
	ans, err := s.Prompt(question + " [y/N] ")
	if err != nil {
		return false, err
	}
	ans = strings.ToLower(strings.TrimSpace(ans))
	return ans == "y" || ans == "yes", nil
}
