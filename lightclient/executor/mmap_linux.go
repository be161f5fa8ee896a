package executor

import "syscall"

// mmapExtraFlags keeps large, mostly untouched memories out of the
// kernel's overcommit accounting.
const mmapExtraFlags = syscall.MAP_NORESERVE
