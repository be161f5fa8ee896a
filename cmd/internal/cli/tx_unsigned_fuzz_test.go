package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// FuzzUnsignedFile: an unsigned-transaction file (written by tx build on
// another machine, read by tx sign) parses or is refused without
// panicking; a parsed one gives a signing payload that decodes back to its
// call and parameters.
func FuzzUnsignedFile(f *testing.F) {
	md, err := metadata.Decode(testenv.ReadShared(f, "metadata", "kusama-v15-spec1009002.scale"))
	if err != nil {
		f.Fatal(err)
	}
	format, err := extrinsic.New(md)
	if err != nil {
		f.Fatal(err)
	}
	seeds, _ := filepath.Glob(filepath.Join("testdata", "unsigned", "*.json"))
	if len(seeds) == 0 {
		f.Fatal("no seed files in testdata/unsigned")
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"format":"ksm-unsigned-tx/1","era":{"type":"mortal","period":3,"phase":9}}`))
	f.Add([]byte(`{"format":"ksm-unsigned-tx/1","metadataHashMode":"Enabled","metadataHash":null} {}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, p, call, err := parseUnsignedFile(raw)
		if err != nil {
			return
		}
		payload, err := format.SigningPayload(call, p)
		if err != nil {
			return // a call or era these metadata cannot carry
		}
		back, err := format.DecodePayload(payload)
		if err != nil {
			return // call bytes that are not a call of these metadata
		}
		if !bytes.Equal(back.Call, call) || back.Extra.Nonce != p.Nonce || back.Additional.SpecVersion != p.SpecVersion {
			t.Fatalf("payload of %s decodes to another transaction", raw)
		}
	})
}
