//go:build !unix

package app

import "os"

// tryLock does nothing where there is no flock.
func tryLock(*os.File) error { return nil }
