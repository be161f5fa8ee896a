// Package buildinfo holds the version stamped into the ksm binary at release
// time with -ldflags "-X github.com/ksm-wallet/ksm/cmd/internal/buildinfo.Version=...".
package buildinfo

import "runtime/debug"

// Version, Commit and Date are set by the release build.
var (
	Version = "dev"
	Commit  = ""
	Date    = ""
)

// Info returns the version, commit and build date, filling the commit and
// date from the Go build information when the linker did not set them.
func Info() (version, commit, date string) {
	version, commit, date = Version, Commit, Date
	if bi, ok := debug.ReadBuildInfo(); ok {
		if version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && commit == "":
				commit = s.Value
			case s.Key == "vcs.time" && date == "":
				date = s.Value
			}
		}
	}
	return version, commit, date
}
