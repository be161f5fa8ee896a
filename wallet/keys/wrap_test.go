package keys

import "testing"

func TestWrapBytes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"hello", "<Bytes>hello</Bytes>"},
		{"", "<Bytes></Bytes>"},
		{"<Bytes>hello</Bytes>", "<Bytes>hello</Bytes>"}, // already wrapped: unchanged, as polkadot-js
		{"<Bytes>", "<Bytes><Bytes></Bytes>"},
		{"<Bytes></Bytes>", "<Bytes></Bytes>"},
		{"</Bytes>", "<Bytes></Bytes></Bytes>"},
	} {
		if got := string(WrapBytes([]byte(tc.in))); got != tc.want {
			t.Errorf("WrapBytes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
