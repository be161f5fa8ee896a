// Package atomicfile writes files so that a reader, or the next start after
// a crash or power loss, sees either the old content or the new, never a
// mix or an empty file.
//
// Every file ksm writes goes through WriteFile: keystore files, the saved
// light-client state, pending nonces, caches, unsigned transactions and
// exports. The steps are
//
//  1. create a temporary file next to the target (same directory, so the
//     rename cannot cross file systems), with mode 0600 unless told otherwise;
//  2. write the data, fsync it and close it;
//  3. optionally check what is on disk (Options.Verify);
//  4. rename it over the target (or, with Options.Exclusive, hard-link it to
//     a name that must not exist yet);
//  5. fsync the directory, so that the rename itself is durable.
//
// On any error the temporary file is removed and the target is left as it
// was. The package imports only the standard library. It lives under tx,
// the bottom layer that wallet, lightclient and cmd may all import (the
// module's top level is fixed: cmd, lightclient, wallet, tui, tx).
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// DefaultPerm is the mode of written files unless Options.Perm says otherwise:
// readable and writable by the owner only.
const DefaultPerm fs.FileMode = 0o600

// Options adjust WriteFile. The zero value replaces the target with a 0600
// file and expects its directory to exist.
type Options struct {
	// Perm is the written file's mode (0: DefaultPerm).
	Perm fs.FileMode
	// MakeDirs creates missing parent directories with mode 0700.
	MakeDirs bool
	// Exclusive fails with an error wrapping fs.ErrExist when the target
	// exists, also against a concurrent writer (the file is hard-linked into
	// place where the file system allows it).
	Exclusive bool
	// TempPattern names the temporary file as os.CreateTemp's pattern does
	// (default "." + the target's name + ".tmp-*"), for a caller that
	// recognises and removes the leftovers of interrupted writes.
	TempPattern string
	// Verify, when set, is called with the name of the synced temporary file
	// before it is put in place; an error stops the write.
	Verify func(tmpPath string) error
	// Step, when set, is called after each step with its name:
	// "temp-created", "temp-written" (written and synced), "linked" (with
	// Exclusive: the file is in place, its temporary name not yet removed).
	// Crash tests stop the process there.
	Step func(name string)
}

// WriteFile writes data to path atomically with the defaults: mode 0600,
// replacing path if it exists.
func WriteFile(path string, data []byte) error {
	return Write(path, data, Options{})
}

// Write writes data to path atomically as opts say.
func Write(path string, data []byte, opts Options) error {
	return osDisk.write(path, data, opts)
}

// disk holds the steps that tests replace to simulate failures and to see
// that the directory is synced.
type disk struct {
	syncFile func(*os.File) error
	syncDir  func(dir string) error
}

var osDisk = disk{syncFile: (*os.File).Sync, syncDir: syncDir}

func (d disk) write(path string, data []byte, opts Options) (err error) {
	perm := opts.Perm
	if perm == 0 {
		perm = DefaultPerm
	}
	dir := filepath.Dir(path)
	if opts.MakeDirs {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	pattern := opts.TempPattern
	if pattern == "" {
		pattern = "." + filepath.Base(path) + ".tmp-*"
	}
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	step := opts.Step
	if step == nil {
		step = func(string) {}
	}
	tmpName := tmp.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				tmp.Close()
			}
			os.Remove(tmpName)
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	step("temp-created")
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = d.syncFile(tmp); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	closed = true
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	step("temp-written")
	if opts.Verify != nil {
		if err = opts.Verify(tmpName); err != nil {
			return err
		}
	}
	if opts.Exclusive {
		err = installExclusive(tmpName, path, step)
	} else {
		err = os.Rename(tmpName, path)
	}
	if err != nil {
		return fmt.Errorf("install %s: %w", path, err)
	}
	if err = d.syncDir(dir); err != nil {
		// The file is in place; only its durability is unknown. Keep it
		// (the deferred cleanup must not remove a renamed file: tmpName no
		// longer exists, so the Remove is a no-op).
		return fmt.Errorf("sync directory of %s: %w", path, err)
	}
	return nil
}

// installExclusive puts tmp at path only if path does not exist. A hard
// link fails atomically when path exists; where links are not supported it
// falls back to a check and a rename.
func installExclusive(tmp, path string, step func(string)) error {
	err := os.Link(tmp, path)
	if err == nil {
		step("linked")
		os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, statErr := os.Lstat(path); statErr == nil {
		return &fs.PathError{Op: "link", Path: path, Err: fs.ErrExist}
	} else if !errors.Is(statErr, fs.ErrNotExist) {
		return statErr
	}
	return os.Rename(tmp, path)
}

// syncDir makes a rename in dir durable. Windows cannot sync a directory
// (and does not need to); some file systems answer EINVAL, which is ignored
// likewise.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// SyncDir fsyncs a directory, for callers that remove or rename files in it
// themselves (a removed key file must stay removed after a crash).
func SyncDir(dir string) error {
	return syncDir(dir)
}
