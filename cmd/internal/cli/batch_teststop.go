package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

// batchTestStopEnv names the test seam of ksm batch run (not a feature:
// undocumented for users, read only by batch run): MODE:STATE:N stops the
// process right after the Nth journal record of STATE it writes (planned,
// signed, submitted, included, failed). MODE kill ends the process with
// SIGKILL there (a crash between two steps, at a step chosen by the test
// rather than by timing); pause writes "ksm-test: paused after STATE of row
// R" on stderr and waits there until the run is interrupted (Ctrl-C).
const batchTestStopEnv = "KSM_TEST_BATCH_STOP"

// batchTestStop returns the journal's After hook of spec ("" for none).
func batchTestStop(ctx context.Context, f *Factory, spec string) (func(app.JournalRecord), error) {
	if spec == "" {
		return nil, nil
	}
	parts := strings.Split(spec, ":")
	if len(parts) != 3 || (parts[0] != "kill" && parts[0] != "pause") {
		return nil, app.Usagef("%s=%q: want kill|pause:STATE:N", batchTestStopEnv, spec)
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil || n < 1 {
		return nil, app.Usagef("%s=%q: N must be a positive number", batchTestStopEnv, spec)
	}
	mode, state := parts[0], parts[1]
	var seen atomic.Int64
	return func(r app.JournalRecord) {
		if r.State != state || seen.Add(1) != int64(n) {
			return
		}
		if mode == "kill" {
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				_ = p.Kill()
			}
			select {} // the kill lands
		}
		fmt.Fprintf(f.IO.ErrOut, "ksm-test: paused after %s of row %d\n", state, r.Row)
		<-ctx.Done()
	}, nil
}
