package lightclient

import (
	"bytes"
	"testing"

	"github.com/ksm-wallet/ksm/tx/scale"
)

func FuzzDecodeLastRuntimeUpgrade(f *testing.F) {
	f.Add(scale.AppendString(scale.AppendCompact(nil, 1009002), "kusama"))
	f.Add(scale.AppendString(scale.AppendCompact(nil, 0), ""))
	f.Add([]byte{0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, name, err := DecodeLastRuntimeUpgrade(b)
		if err != nil {
			return
		}
		if re := scale.AppendString(scale.AppendCompact(nil, uint64(v)), name); !bytes.Equal(re, b) {
			t.Fatalf("re-encoding %x differs from %x", re, b)
		}
	})
}
