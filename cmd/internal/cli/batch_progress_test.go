package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
)

// TestBatchProgress: the progress of batch run on stderr is a bar redrawn
// in place when stderr is a terminal (a failed row printed above it, the
// line ended at the finish), a plain line per row otherwise, and nothing
// under --json off a terminal (the rows are JSON lines on stdout then).
func TestBatchProgress(t *testing.T) {
	for _, tc := range []struct {
		name      string
		tty, json bool
		has       []string
		lacks     []string
	}{
		{"terminal", true, false, []string{"\r\x1b[K[", "3/3 rows · 2 included · 1 failed · 0 in flight", "row 2 (line 5) [b] failed: boom\n", "1/3 rows · 1 included · 0 failed · 1 in flight"}, []string{"[1/3]"}},
		{"terminal json", true, true, []string{"3/3 rows"}, []string{"[1/3]"}},
		{"lines", false, false, []string{"[1/3] row 1 (line 4) [a] included in block #9 0xaa\n", "[2/3] row 2 (line 5) [b] failed: boom\n"}, []string{"\r", "\x1b"}},
		{"json", false, true, nil, []string{"row", "\r"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			io, _, out, errb := iostreams.Test()
			io.SetTTY(false, false, tc.tty)
			f := newTestFactory(t, io)
			f.Opts.JSON = tc.json
			a := newBatchAsker(&chainEnv{f: f}, 3)
			a.Step(1, app.JournalSigned)
			a.Step(2, app.JournalSigned)
			a.Done(app.BatchRowResult{Row: 1, Line: 4, ID: "a", Status: app.BatchIncluded, BlockNumber: 9, Hash: "0xaa"})
			a.Done(app.BatchRowResult{Row: 2, Line: 5, ID: "b", Status: app.BatchFailed, Err: errors.New("boom")})
			a.Done(app.BatchRowResult{Row: 3, Line: 6, Status: app.BatchIncluded, BlockNumber: 9, Hash: "0xbb"})
			a.finish()
			got := errb.String()
			for _, h := range tc.has {
				if !strings.Contains(got, h) {
					t.Errorf("stderr lacks %q:\n%q", h, got)
				}
			}
			for _, h := range tc.lacks {
				if strings.Contains(got, h) {
					t.Errorf("stderr has %q:\n%q", h, got)
				}
			}
			if tc.tty && !strings.HasSuffix(got, "\n") {
				t.Errorf("the bar's line is not ended: %q", got)
			}
			if n := strings.Count(out.String(), "\n"); tc.json != (n == 3) {
				t.Errorf("stdout has %d lines (json %v)", n, tc.json)
			}
		})
	}
}

// TestBatchTestStopSpec: the test seam KSM_TEST_BATCH_STOP takes
// kill|pause:STATE:N and refuses anything else as a usage error; pause
// stops at the Nth record of its state only, and returns when the run is
// interrupted.
func TestBatchTestStopSpec(t *testing.T) {
	io, _, _, errb := iostreams.Test()
	f := newTestFactory(t, io)
	for _, bad := range []string{"kill", "stop:signed:1", "kill:signed:0", "pause:signed:x", "kill:signed:1:2"} {
		if _, err := batchTestStop(context.Background(), f, bad); err == nil || !app.IsInputError(err) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if h, err := batchTestStop(context.Background(), f, ""); h != nil || err != nil {
		t.Fatalf("empty: %v %v", h != nil, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h, err := batchTestStop(ctx, f, "pause:signed:2")
	if err != nil {
		t.Fatal(err)
	}
	h(app.JournalRecord{State: app.JournalPlanned, Row: 1})
	h(app.JournalRecord{State: app.JournalSigned, Row: 1})
	if errb.Len() != 0 {
		t.Fatalf("paused early: %q", errb.String())
	}
	cancel()
	h(app.JournalRecord{State: app.JournalSigned, Row: 2}) // returns: ctx is done
	if got := errb.String(); got != "ksm-test: paused after signed of row 2\n" {
		t.Fatalf("stderr %q", got)
	}
}
