package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// forbiddenImports are the light client's driver, transports, store,
// executor and sync engine: a command reaches the chain only through
// package app (and app/backend), so the TUI and a batch runner get the same
// behaviour. The pure verification packages (header, grandpa, trie,
// chainspec) may still serve `ksm verify`.
var forbiddenImports = []string{
	"github.com/ksm-wallet/ksm/lightclient",
	"github.com/ksm-wallet/ksm/lightclient/p2p",
	"github.com/ksm-wallet/ksm/lightclient/rpc",
	"github.com/ksm-wallet/ksm/lightclient/store",
	"github.com/ksm-wallet/ksm/lightclient/executor",
	"github.com/ksm-wallet/ksm/lightclient/chainsync",
}

func TestCommandFilesDoNotImportTheLightClient(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[string]bool{}
	for _, p := range forbiddenImports {
		forbidden[p] = true
	}
	checked := 0
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		checked++
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatalf("%s: import %s: %v", name, imp.Path.Value, err)
			}
			if forbidden[path] {
				t.Errorf("%s imports %s: go through package app (or app/backend) instead", fset.Position(imp.Pos()), path)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no command files found")
	}
}

// TestCommandFilesReadThroughApp: no command reads the backend's light
// client or endpoint directly (backend.Light keeps them unexported; this
// also catches a selector that would reach them another way):
// every read is an app use case (app.ChainStatus, Session.QueryStorage,
// ...), which the TUI and a batch runner share.
func TestCommandFilesReadThroughApp(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			// x.Client (the light client), x.Client.M, x.RPC.M (the
			// endpoint's methods; a bare x.RPC is the --rpc flag of the
			// options) and chainclient.NewRPC.
			inner, _ := sel.X.(*ast.SelectorExpr)
			switch {
			case sel.Sel.Name == "Client",
				inner != nil && inner.Sel.Name == "RPC",
				sel.Sel.Name == "NewRPC":
				t.Errorf("%s: %s: read the chain through package app instead", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
