//go:build unix && !linux

package executor

const mmapExtraFlags = 0
