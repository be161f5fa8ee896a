//go:build !unix

package app

// lockFile locks path with a lock file created with O_EXCL (no flock here).
func lockFile(path string) (func(), error) { return lockExclusive(path) }
