package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func TestTxEncodeDecodeCall(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v14-spec9370.scale")
	// Balances.transfer_keep_alive to Alice of 1 KSM: pallet 4, call 3,
	// MultiAddress::Id (0x00) + account, Compact(10^12).
	const alice = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	const want = "0x040300d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d070010a5d4e8"
	callJSON := `{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":{"Id":"` + alice + `"},"value":"1000000000000"}}`
	for _, tc := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"--json", "tx", "encode-call", "--metadata", meta, callJSON}},
		{callJSON, []string{"tx", "encode-call", "--metadata", meta}},
	} {
		code, stdout, stderr := runCLI(t, tc.stdin, tc.args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var out struct{ CallHex string }
		if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.CallHex != want {
			t.Fatalf("callHex %q (%v), want %s", out.CallHex, err, want)
		}
	}
	code, stdout, stderr := runCLI(t, "", "--json", "tx", "decode-call", "--metadata", meta, want)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var dec struct {
		Pallet, Name string
		Index        []int
		Args         map[string]any
	}
	mustJSON(t, stdout, &dec)
	if dec.Pallet != "Balances" || dec.Name != "transfer_keep_alive" || len(dec.Index) != 2 || dec.Index[0] != 4 || dec.Index[1] != 3 ||
		dec.Args["dest"].(map[string]any)["Id"] != alice || dec.Args["value"] != float64(1e12) {
		t.Fatalf("decoded %s", stdout)
	}
	// Polkadot addresses for --network polkadot.
	_, stdout, _ = runCLI(t, "", "--json", "--network", "polkadot", "tx", "decode-call", "--metadata", meta, want)
	if !strings.Contains(stdout, "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5") {
		t.Fatalf("polkadot address not used: %s", stdout)
	}
}

func TestTxCallErrors(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v14-spec9370.scale")
	checkExits(t, []exitCase{
		{[]string{"tx", "encode-call", "--metadata", meta, `{"pallet":"Nope","name":"x","args":{}}`}, ExitUsage, "no pallet"},
		{[]string{"tx", "encode-call", "--metadata", meta, `{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":{"Id":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"}}}`}, ExitUsage, "missing argument"},
		{[]string{"tx", "encode-call", "--metadata", meta, `{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":"bad","value":1}}`}, ExitUsage, "address"},
		{[]string{"tx", "encode-call", "--metadata", meta, `{"pallet":"System","name":"remark","args":{"remark":"0x00"},}`}, ExitUsage, "JSON"},
		{[]string{"tx", "encode-call", "--metadata", meta, `{"pallet":"Timestamp","name":"set","args":{"now":-1}}`}, ExitUsage, "range"},
		{[]string{"tx", "encode-call", "--metadata", meta}, ExitUsage, "no call JSON"},
		{[]string{"tx", "decode-call", "--metadata", meta, "0xzz"}, ExitUsage, "not hex"},
		{[]string{"tx", "decode-call", "--metadata", meta, "0x0403"}, ExitUsage, "end of input"},
		{[]string{"tx", "decode-call", "--metadata", meta, "0x00000000"}, ExitUsage, "trailing"},
		{[]string{"tx", "decode-call", "--metadata", meta, "0xff00"}, ExitUsage, "pallet"},
		{[]string{"tx", "decode-call", "0x0000"}, ExitUsage, "--metadata"},
	})
}

// TestCallCommandsTTY checks the human output on a terminal.
func TestCallCommandsTTY(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
	run := func(args ...string) string {
		t.Helper()
		io, _, out, errOut := iostreams.Test()
		io.SetTTY(false, true, true)
		f := newTestFactory(t, io)
		if code := Run(context.Background(), f, args); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return out.String()
	}
	out := run("tx", "encode-call", "--metadata", meta, `{"pallet":"Staking","name":"chill","args":{}}`)
	if !strings.HasPrefix(out, "0x") || strings.Contains(out, "{") {
		t.Fatalf("encode-call on a TTY: %q", out)
	}
	out = run("tx", "decode-call", "--metadata", meta, strings.TrimSpace(out))
	if !strings.HasPrefix(out, "Staking.chill") {
		t.Fatalf("decode-call on a TTY: %q", out)
	}
	out = run("metadata", "inspect", "--metadata", meta)
	if !strings.Contains(out, "Runtime metadata v15") || !strings.Contains(out, "Balances") || !strings.Contains(out, "CheckMortality") {
		t.Fatalf("inspect on a TTY: %q", out)
	}
}
