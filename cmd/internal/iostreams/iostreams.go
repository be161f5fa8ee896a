// Package iostreams gives commands their standard streams together with what
// they need to know about them: whether stdout is a terminal (human output) or
// a pipe (stable, scriptable output), and how to read a secret without echo.
// Tests use Test, which records output in memory.
package iostreams

import (
	"bufio"
	"bytes"
	"context"
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
	// saveTerminal records the terminal's state and returns the function
	// that restores it (a secret read cut short leaves echo off).
	saveTerminal func() (restore func())
	// readLine reads one echoed line from the terminal.
	lineReader *bufio.Reader
	// ctx cancels prompts (Ctrl-C); nil: they wait for their answer.
	ctx context.Context
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
	fd := int(os.Stdin.Fd())
	s.readSecret = func() ([]byte, error) { return term.ReadPassword(fd) }
	s.saveTerminal = func() func() {
		st, err := term.GetState(fd)
		if err != nil {
			return func() {}
		}
		return func() { _ = term.Restore(fd, st) }
	}
	return s
}

// Test returns streams backed by buffers: in feeds standard input, out and
// errOut record output. Terminal flags start false; set them with SetTTY.
func Test() (s *IOStreams, in *bytes.Buffer, out *bytes.Buffer, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	s = &IOStreams{In: in, Out: out, ErrOut: errOut, saveTerminal: func() func() { return func() {} }}
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

// CancelOn makes every prompt give up as soon as ctx is done (Ctrl-C): it
// returns ctx's error at once, without waiting for Enter, and leaves the
// terminal's echo as it found it.
func (s *IOStreams) CancelOn(ctx context.Context) { s.ctx = ctx }

// awaitAnswer runs read (a blocking read of the terminal) until it returns
// or the prompt is cancelled. A cancelled read is left behind: the process
// is on its way out and nothing reads standard input after it.
func awaitAnswer[T any](ctx context.Context, read func() (T, error)) (T, error) {
	var zero T
	if ctx == nil {
		return read()
	}
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	type answer struct {
		v   T
		err error
	}
	got := make(chan answer, 1)
	go func() {
		v, err := read()
		got <- answer{v, err}
	}()
	select {
	case a := <-got:
		return a.v, a.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// Prompt asks a question on stderr and reads an echoed answer from stdin.
func (s *IOStreams) Prompt(question string) (string, error) {
	if !s.CanPrompt() {
		return "", ErrNoTTY
	}
	fmt.Fprint(s.ErrOut, question)
	ans, err := awaitAnswer(s.ctx, s.ReadLine)
	if err != nil && s.ctx != nil && s.ctx.Err() != nil {
		fmt.Fprintln(s.ErrOut)
	}
	return ans, err
}

// PromptSecret asks on stderr and reads an answer without echo.
func (s *IOStreams) PromptSecret(question string) ([]byte, error) {
	if !s.CanPrompt() {
		return nil, ErrNoTTY
	}
	fmt.Fprint(s.ErrOut, question)
	restore := s.saveTerminal()
	b, err := awaitAnswer(s.ctx, s.readSecret)
	if err != nil && s.ctx != nil && s.ctx.Err() != nil {
		restore()
	}
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
