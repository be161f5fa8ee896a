package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"time"
)

// exclusiveLockWait bounds the wait for a lock file another process holds;
// exclusiveLockStale is the age after which such a file is taken for the
// leftover of a crashed process (a store holds its lock for one read and
// write of a small file, milliseconds).
const (
	exclusiveLockWait  = 15 * time.Second
	exclusiveLockStale = 30 * time.Second
)

// errLockBusy means the lock file stayed held for exclusiveLockWait.
var errLockBusy = errors.New("held by another process")

// lockExclusive is the lock for file systems without flock: path+".excl"
// created with O_EXCL (which exactly one creator wins), removed to unlock.
func lockExclusive(path string) (func(), error) {
	excl := path + ".excl"
	deadline := time.Now().Add(exclusiveLockWait)
	for {
		f, err := os.OpenFile(excl, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, _ = f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
			_ = f.Close()
			return func() { _ = os.Remove(excl) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if st, err := os.Stat(excl); err == nil && time.Since(st.ModTime()) > exclusiveLockStale {
			_ = os.Remove(excl) // a crashed process's
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s: %w", excl, errLockBusy)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
