package chain

import (
	"context"

	"github.com/ksm-wallet/ksm/lightclient/executor"
)

// ExecutorCompiler compiles runtimes with lightclient/executor (wazero),
// keeping compiled code under cacheDir ("" for no cache) so that the next
// command starts fast.
func ExecutorCompiler(cacheDir string) Compiler {
	return func(ctx context.Context, code []byte, heapPages uint64) (Program, error) {
		rt, err := executor.Compile(ctx, code, executor.Options{HeapPages: heapPages, CacheDir: cacheDir})
		if err != nil {
			return nil, err
		}
		return execProgram{rt}, nil
	}
}

type execProgram struct{ r *executor.Runtime }

func (p execProgram) Call(ctx context.Context, method string, args []byte, st StateReader) ([]byte, error) {
	return p.r.Call(ctx, method, args, st)
}

func (p execProgram) Close(ctx context.Context) error { return p.r.Close(ctx) }
