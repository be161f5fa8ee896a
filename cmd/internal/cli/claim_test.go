package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/wallet/eth"
)

type claimVectorFile struct {
	Vectors []struct {
		KusamaAddress string `json:"kusamaAddress"`
		AccountIDHex  string `json:"accountIdHex"`
		Signature     string `json:"signature"`
		MessageUtf8   string `json:"messageUtf8"`
		Expected      struct {
			RecoveredEthAddress string `json:"recoveredEthAddress"`
		} `json:"expected"`
	} `json:"vectors"`
}

// TestClaimVectorOffline: claim message and claim recover on the Kusama
// claims vector, offline (the Kusama prefix is known without a chain).
func TestClaimVectorOffline(t *testing.T) {
	t.Parallel()
	var vf claimVectorFile
	if err := json.Unmarshal(testenv.ReadShared(t, "claims", "kusama-claims-vectors.json"), &vf); err != nil {
		t.Fatal(err)
	}
	for _, v := range vf.Vectors {
		for _, to := range []string{v.KusamaAddress, v.AccountIDHex} {
			code, out, errOut := runCLI(t, "", "--home", t.TempDir(), "claim", "message", "--to", to, "--json")
			var m struct {
				Message string `json:"message"`
			}
			if code != 0 || json.Unmarshal([]byte(out), &m) != nil || m.Message != v.MessageUtf8 {
				t.Fatalf("claim message --to %s: exit %d %q %s", to, code, out, errOut)
			}
			code, out, errOut = runCLI(t, "", "--home", t.TempDir(), "claim", "recover", "--to", to, "--signature", v.Signature, "--json")
			var r struct {
				EthAddress string `json:"ethAddress"`
			}
			if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.EthAddress != v.Expected.RecoveredEthAddress {
				t.Fatalf("claim recover: exit %d %q %s", code, out, errOut)
			}
		}
		// The same signature read for another account recovers another address.
		code, out, _ := runCLI(t, "", "--home", t.TempDir(), "claim", "recover", "--to", "0x"+strings.Repeat("11", 32), "--signature", v.Signature, "--json")
		if code != 0 || strings.Contains(out, v.Expected.RecoveredEthAddress) {
			t.Fatalf("another account: exit %d %s", code, out)
		}
		// With a statement, the message grows by the statement's text.
		code, out, _ = runCLI(t, "", "--home", t.TempDir(), "claim", "message", "--to", v.KusamaAddress, "--statement", "saft")
		if code != 0 || !strings.HasPrefix(out, v.MessageUtf8+"I hereby agree") || !strings.Contains(out, "saft.html") {
			t.Fatalf("saft message: %d %q", code, out)
		}
	}
}

func TestClaimUsageErrors(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	checkUsage(t, "", home, []usageCase{
		{[]string{"claim", "message"}, "--to"},
		{[]string{"claim", "message", "--to", "nobody"}, "neither an address nor a key name"},
		{[]string{"claim", "message", "--to", "0x" + strings.Repeat("11", 32), "--statement", "other"}, "unknown statement"},
		{[]string{"claim", "recover", "--to", "0x" + strings.Repeat("11", 32), "--signature", "0x1234"}, "65 bytes"},
		{[]string{"--network", "westend", "claim", "message", "--to", "0x" + strings.Repeat("11", 32)}, "--rpc"},
		{[]string{"claim", "submit", "--to", "x"}, "one of --eth-signature and --eth-key-file"},
		{[]string{"claim", "status", "0x1234"}, "Ethereum address"},
	})
}

func TestLoadEthKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	raw := filepath.Join(dir, "raw.hex")
	writeTestFile(t, raw, []byte("0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d\n"))
	f := NewFactory(nil)
	f.Getenv = func(string) string { return "" }
	k, err := loadEthKey(f, raw, "")
	if err != nil || eth.ChecksumHex(k.Address()) != "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b" {
		t.Fatalf("raw key: %v", err)
	}
	js, err := eth.EncryptKeystore(k, []byte("pw"), eth.ScryptParams{N: 1 << 10, R: 8, P: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ks := filepath.Join(dir, "ks.json")
	pw := filepath.Join(dir, "pw")
	_ = os.WriteFile(ks, js, 0o600)
	_ = os.WriteFile(pw, []byte("pw\n"), 0o600)
	k2, err := loadEthKey(f, ks, pw)
	if err != nil || k2.Address() != k.Address() {
		t.Fatalf("keystore: %v", err)
	}
	_ = os.WriteFile(pw, []byte("wrong\n"), 0o600)
	if _, err := loadEthKey(f, ks, pw); err == nil || !strings.Contains(err.Error(), "wrong password") {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestGovUsageErrors(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	checkUsage(t, "", home, []usageCase{
		{[]string{"gov", "vote", "x", "aye", "--amount", "1"}, "not a number"},
		{[]string{"gov", "vote", "1", "aye"}, "--amount"},
		{[]string{"gov", "vote", "1", "maybe", "--amount", "1"}, "aye, nay or abstain"},
		{[]string{"gov", "vote", "1", "aye", "--amount", "1", "--conviction", "9x"}, "unknown conviction"},
		{[]string{"gov", "vote", "1", "aye", "--amount", "1", "--split-aye", "1"}, "not --split-aye"},
		{[]string{"gov", "vote", "1", "--split-aye", "1", "--amount", "1"}, "no --amount"},
		{[]string{"gov", "vote", "1", "abstain"}, "--amount"},
		{[]string{"gov", "delegate", "root", "x", "--conviction", "1x"}, "--amount"},
		{[]string{"para", "register", "x"}, "not a number"},
		{[]string{"para", "register", "2000"}, "--genesis-head"},
	})
}

func TestCrowdloanFilteredMessage(t *testing.T) {
	t.Parallel()
	err := crowdloanErr(errors.New("the transaction would fail: the dry run fails with System.CallFiltered: the call is not allowed"))
	if err == nil || !strings.Contains(err.Error(), "AhOps on Asset Hub") {
		t.Fatalf("%v", err)
	}
	if other := errors.New("Crowdloan.InvalidParaId"); crowdloanErr(other) != other {
		t.Fatal("other errors must pass through")
	}
}
