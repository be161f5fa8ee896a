package iostreams

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"
)

// TestPromptsCancel: a prompt waiting for an answer that never comes gives
// up as soon as its context is cancelled, without waiting for Enter.
func TestPromptsCancel(t *testing.T) {
	t.Parallel()
	for name, ask := range map[string]func(s *IOStreams) error{
		"confirm": func(s *IOStreams) error { _, err := s.Confirm("Go on?"); return err },
		"secret":  func(s *IOStreams) error { _, err := s.PromptSecret("Password: "); return err },
		"prompt":  func(s *IOStreams) error { _, err := s.Prompt("Word #3? "); return err },
	} {
		s, _, _, _ := Test()
		r, w := io.Pipe() // nothing is ever written: the user does not answer
		defer w.Close()
		waiting := &readSignal{r: r, reading: make(chan struct{})}
		s.In = waiting
		s.SetTTY(true, true, true)
		ctx, cancel := context.WithCancel(context.Background())
		s.CancelOn(ctx)
		done := make(chan error, 1)
		go func() { done <- ask(s) }()
		<-waiting.reading // the prompt waits for its answer
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s: %v, want context.Canceled", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still waiting after the cancellation", name)
		}
	}
}

// TestPromptsAnswer: with a context that is never cancelled, prompts read
// their answers as before.
func TestPromptsAnswer(t *testing.T) {
	t.Parallel()
	s, in, _, _ := Test()
	s.SetTTY(true, true, true)
	s.CancelOn(context.Background())
	in.WriteString("y\nsecret\n")
	if ok, err := s.Confirm("Go on?"); !ok || err != nil {
		t.Fatalf("confirm: %v %v", ok, err)
	}
	if pw, err := s.PromptSecret("Password: "); string(pw) != "secret" || err != nil {
		t.Fatalf("secret: %q %v", pw, err)
	}
}

// readSignal closes reading when the first read starts.
type readSignal struct {
	r       io.Reader
	reading chan struct{}
	once    sync.Once
}

func (s *readSignal) Read(p []byte) (int, error) {
	s.once.Do(func() { close(s.reading) })
	return s.r.Read(p)
}
