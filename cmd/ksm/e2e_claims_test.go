package main

// End-to-end: claims on the real Kusama and Paseo runtimes. A claim is
// minted with Sudo.sudo(Claims.mint_claim), then claimed with an Ethereum
// key that ksm holds (a keystore v3 file written by ksm's own code);
// checked through ksm and @polkadot/api: the claim gone, the balance and
// the vesting credited. On Paseo a claim that needs a statement goes
// through claim_attest, and a pre-claimed one through a signed
// Claims.attest (PrevalidateAttests, CheckMetadataHash mode 1).

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/wallet/eth"
)

// e2eEthKey makes a random Ethereum key and writes it as a keystore v3 file
// (password e2ePassword) with ksm's own writer.
func e2eEthKey(t *testing.T) (*eth.Key, string, string) {
	t.Helper()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	k, err := eth.NewKey(b[:])
	if err != nil {
		t.Fatal(err)
	}
	js, err := eth.EncryptKeystore(k, []byte(e2ePassword), eth.LightScrypt, nil)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "eth-key.json")
	if err := os.WriteFile(file, js, 0o600); err != nil {
		t.Fatal(err)
	}
	a := k.Address()
	return k, file, "0x" + hex.EncodeToString(a[:])
}

// mintClaim mints a claim with sudo: vesting and statement optional.
func (c *e2eChain) mintClaim(t *testing.T, ethAddr string, amount *big.Int, vesting []any, statement any) {
	t.Helper()
	args := map[string]any{"who": ethAddr, "value": amount.String(), "vesting_schedule": vesting, "statement": statement}
	inner, _ := json.Marshal(map[string]any{"call": map[string]any{"pallet": "Claims", "name": "mint_claim", "args": args}})
	out := c.submit(t, "tx", "call", "Sudo.sudo", "--args", string(inner), "--from", "alice")
	for _, e := range out.Events {
		if e.Pallet == "Sudo" && e.Name == "Sudid" {
			if s := fmt.Sprint(e.Fields); !strings.Contains(s, "Ok") {
				t.Fatalf("sudo mint_claim failed: %s", s)
			}
			return
		}
	}
	t.Fatalf("no Sudo.Sudid: %+v", out.Events)
}

// ksmClaimStatus is `ksm claim status --json`.
type ksmClaimStatus struct {
	EthAddress string         `json:"ethAddress"`
	HasClaim   bool           `json:"hasClaim"`
	Amount     json.Number    `json:"amount"`
	Vesting    map[string]any `json:"vesting"`
	Statement  any            `json:"statement"`
}

func (c *e2eChain) claimStatus(t *testing.T, ethAddr string) ksmClaimStatus {
	t.Helper()
	var s ksmClaimStatus
	c.ksm(t, "", "claim", "status", ethAddr, "--json").ok(t).json(t, &s)
	return s
}

// oracleClaim is Claims.Claims(eth) by @polkadot/api ("null" when none).
func (c *e2eChain) oracleClaim(t *testing.T, ethAddr string) string {
	t.Helper()
	return string(c.query(t, e2eQ("query.claims.claims", ethAddr))[0])
}

// claimFreshAccount is a new account id no one holds.
func claimFreshAccount(t *testing.T) string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "0x" + hex.EncodeToString(b[:])
}

func TestE2EClaims(t *testing.T) {
	c := e2eKusama(t)
	dec := c.decimals(t)
	key, file, ethAddr := e2eEthKey(t)
	defer key.Wipe()
	amount := tokens(5, dec)
	locked := tokens(2, dec)
	c.mintClaim(t, ethAddr, amount, []any{locked.String(), "1000", 10}, nil)

	st := c.claimStatus(t, ethAddr)
	if !st.HasClaim || e2eBig(t, st.Amount).Cmp(amount) != 0 || st.Vesting == nil || st.Statement != nil {
		t.Fatalf("claim status: %+v", st)
	}
	if got := strings.Trim(c.oracleClaim(t, ethAddr), `"`); got != amount.String() {
		t.Fatalf("@polkadot/api Claims.Claims = %s, want %s", got, amount)
	}

	dest := claimFreshAccount(t)
	var b struct {
		Address string `json:"address"`
	}
	c.ksm(t, "", "balance", dest, "--json").ok(t).json(t, &b)

	t.Run("signature-for-another-account", func(t *testing.T) {
		// The key signs the claim message for alice; submitted for dest it
		// recovers another address: refused locally (exit 3), nothing sent.
		var m struct {
			Message string `json:"message"`
		}
		c.ksm(t, "", "claim", "message", "--to", c.Alice, "--json").ok(t).json(t, &m)
		if !strings.HasPrefix(m.Message, "Pay KSMs to the Kusama account:") {
			t.Fatalf("message %q", m.Message)
		}
		sig := key.SignPersonal([]byte(m.Message))
		sig[64] += 27
		sigHex := "0x" + hex.EncodeToString(sig[:])
		var rec struct {
			EthAddress string `json:"ethAddress"`
		}
		c.ksm(t, "", "claim", "recover", "--to", c.Alice, "--signature", sigHex, "--json").ok(t).json(t, &rec)
		if rec.EthAddress != ethAddr {
			t.Fatalf("recover: %s, want %s", rec.EthAddress, ethAddr)
		}
		c.ksm(t, "", "claim", "submit", "--to", dest, "--eth-signature", sigHex, "--yes").code(t, 3).stderrHas(t, "does not match a claim")
		if got := c.claimStatus(t, ethAddr); !got.HasClaim {
			t.Fatal("the claim went away after a refused submission")
		}
	})

	t.Run("claim-with-keystore", func(t *testing.T) {
		var dr e2eCallJSON
		c.ksm(t, "", "claim", "submit", "--to", dest, "--eth-key-file", file, "--dry-run", "--json").ok(t).json(t, &dr)
		if dr.Call.Pallet != "Claims" || dr.Call.Name != "claim" {
			t.Fatalf("dry run call %+v", dr.Call)
		}
		out := c.submit(t, "claim", "submit", "--to", dest, "--eth-key-file", file)
		if !out.has("Claims", "Claimed") {
			t.Fatalf("no Claims.Claimed: %+v", out.Events)
		}
		if st := c.claimStatus(t, ethAddr); st.HasClaim {
			t.Fatalf("claim still there: %+v", st)
		}
		if got := c.oracleClaim(t, ethAddr); got != "null" {
			t.Fatalf("@polkadot/api Claims.Claims = %s after the claim", got)
		}
		if free := c.oracleFree(t, b.Address)[0]; free.Cmp(amount) != 0 {
			t.Fatalf("dest free %s, want %s", free, amount)
		}
		if kb := c.balance(t, dest); e2eBig(t, kb.Free).Cmp(amount) != 0 {
			t.Fatalf("ksm balance %s", kb.Free)
		}
		v := string(c.query(t, e2eQ("query.vesting.vesting", b.Address))[0])
		if !strings.Contains(v, `"locked":`+locked.String()) && !strings.Contains(v, `"locked":"`+locked.String()+`"`) {
			t.Fatalf("@polkadot/api vesting of dest: %s", v)
		}
		// Claimed twice: the claim is gone.
		c.ksm(t, "", "claim", "submit", "--to", dest, "--eth-key-file", file, "--yes").code(t, 1).stderrHas(t, "no claim")
	})
}

func TestE2EClaimsPaseo(t *testing.T) {
	c := e2ePaseo(t)
	dec := c.decimals(t)

	t.Run("claim-attest", func(t *testing.T) {
		key, file, ethAddr := e2eEthKey(t)
		defer key.Wipe()
		amount := tokens(3, dec)
		c.mintClaim(t, ethAddr, amount, nil, "Regular")
		if st := c.claimStatus(t, ethAddr); st.Statement != "Regular" {
			t.Fatalf("status: %+v", st)
		}
		dest := claimFreshAccount(t)
		var dr e2eCallJSON
		c.ksm(t, "", "claim", "submit", "--to", dest, "--eth-key-file", file, "--dry-run", "--json").ok(t).json(t, &dr)
		text, _, _ := app.StatementText("regular")
		if dr.Call.Name != "claim_attest" || dr.Call.Args["statement"] != "0x"+hex.EncodeToString(text) {
			t.Fatalf("dry run: %+v", dr.Call)
		}
		out := c.submit(t, "claim", "submit", "--to", dest, "--eth-key-file", file)
		if !out.has("Claims", "Claimed") {
			t.Fatalf("no Claims.Claimed: %+v", out.Events)
		}
		if got := c.oracleClaim(t, ethAddr); got != "null" {
			t.Fatalf("claim still there: %s", got)
		}
		var b struct {
			Free json.Number `json:"free"`
		}
		c.ksm(t, "", "balance", dest, "--json").ok(t).json(t, &b)
		if e2eBig(t, b.Free).Cmp(amount) != 0 {
			t.Fatalf("dest free %s, want %s", b.Free, amount)
		}
	})

	t.Run("attest-preclaim", func(t *testing.T) {
		_, _, ethAddr := e2eEthKey(t)
		amount := tokens(4, dec)
		c.mintClaim(t, ethAddr, amount, nil, "Saft")
		// Bob pre-claimed ethAddr (as the old purchase flow recorded it).
		in, _ := json.Marshal(map[string]any{"url": c.URL, "pallet": "claims", "item": "preclaims", "key": []string{c.Bob}, "value": ethAddr})
		out := testenv.Node(t, in, "e2e-claims-setstorage.mjs")
		if !strings.Contains(strings.ToLower(string(out)), ethAddr) {
			t.Fatalf("set Preclaims: %s", out)
		}
		var ps struct {
			PreclaimedBy []string `json:"preclaimedBy"`
			Statement    string   `json:"statement"`
		}
		c.ksm(t, "", "claim", "status", ethAddr, "--json").ok(t).json(t, &ps)
		if len(ps.PreclaimedBy) != 1 || ps.PreclaimedBy[0] != c.Bob || ps.Statement != "Saft" {
			t.Fatalf("claim status: %+v", ps)
		}
		before := c.oracleFree(t, c.Bob)[0]
		// The transaction carries CheckMetadataHash (mode 1 when the runtime
		// was built with its metadata hash; this paseo-local build refuses
		// every mode 1 transaction with CannotLookup, as e2eMetadataHash
		// shows with polkadot-js, so the framework signs with mode 0 and
		// says why); PrevalidateAttests checks the statement.
		r := c.ksm(t, "", "claim", "attest", "--from", "bob", "--dry-run").ok(t)
		r.stderrHas(t, "Metadata:  CheckMetadataHash", "Dry run:   succeeds")
		res := c.submit(t, "claim", "attest", "--from", "bob")
		if !res.has("Claims", "Claimed") {
			t.Fatalf("no Claims.Claimed: %+v", res.Events)
		}
		after := c.oracleFree(t, c.Bob)[0]
		if got, want := sub(after, before), sub(amount, e2eBig(t, res.Fee)); got.Cmp(want) != 0 {
			t.Fatalf("bob gained %s, want amount − fee = %s", got, want)
		}
		if got := c.oracleClaim(t, ethAddr); got != "null" {
			t.Fatalf("claim still there: %s", got)
		}
		if got := string(c.query(t, e2eQ("query.claims.preclaims", c.Bob))[0]); got != "null" {
			t.Fatalf("preclaim still there: %s", got)
		}
		// Nothing left to attest: refused before signing.
		c.ksm(t, "", "claim", "attest", "--from", "bob", "--yes").code(t, 1).stderrHas(t, "no pre-claim")
	})
}
