package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/ksm-wallet/ksm/tx/atomicfile"
)

// errFileExists is returned by writePrivateFile when the file exists and
// replacing it was not allowed.
var errFileExists = errors.New("file exists")

// writePrivateFile writes b to path atomically with mode 0600
// (tx/atomicfile): the new file never takes the mode of one it
// replaces. Without replace an existing path is refused with errFileExists
// (checked by a hard link, so a file that appears meanwhile is not
// overwritten).
func writePrivateFile(path string, b []byte, replace bool) error {
	err := atomicfile.Write(path, b, atomicfile.Options{Exclusive: !replace})
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %w", path, errFileExists)
	}
	return err
}
