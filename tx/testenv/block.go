package testenv

import (
	"encoding/json"
	"testing"
)

// Block is a real block of the shared test data (extrinsics/*.json).
type Block struct {
	// Header is the SCALE-encoded header.
	Header []byte
	// Extrinsics are the block's extrinsics as stored in its body: each
	// SCALE-encoded with its compact length prefix.
	Extrinsics [][]byte
	// BlockHash and ExtrinsicsRoot are the 0x-hex hashes recorded with the
	// block.
	BlockHash, ExtrinsicsRoot string
}

// ReadBlock reads the block of extrinsics/name in the shared test data,
// with Shared's rules for a missing folder. Files give the extrinsics
// either at the top level or under blockRaw.
func ReadBlock(t testing.TB, name string) Block {
	t.Helper()
	var f struct {
		HeaderScale string `json:"headerScale"`
		Extrinsics  []string
		BlockRaw    struct{ Extrinsics []string } `json:"blockRaw"`
		Expected    struct{ BlockHash, ExtrinsicsRoot string }
	}
	if err := json.Unmarshal(ReadShared(t, "extrinsics", name), &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	list := f.Extrinsics
	if len(list) == 0 {
		list = f.BlockRaw.Extrinsics
	}
	b := Block{Header: Unhex(t, f.HeaderScale), BlockHash: f.Expected.BlockHash, ExtrinsicsRoot: f.Expected.ExtrinsicsRoot}
	for _, x := range list {
		b.Extrinsics = append(b.Extrinsics, Unhex(t, x))
	}
	return b
}
