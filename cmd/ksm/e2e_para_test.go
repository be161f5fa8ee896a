package main

// End-to-end: parachain bonding on the real Kusama runtime (kusama-local):
// two para ids reserved, one registered with a small genesis head and a
// minimal wasm module as validation code (the deposit checked against the
// Registrar constants), the other deregistered; read through ksm and
// @polkadot/api.

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestE2EPara(t *testing.T) {
	c := e2eKusama(t)

	reserve := func(t *testing.T) string {
		return c.submit(t, "para", "reserve", "--from", "alice").field(t, "Registrar", "Reserved", "para_id").String()
	}
	consts := c.query(t, e2eQ("consts.registrar.paraDeposit"), e2eQ("consts.registrar.dataDepositPerByte"))
	paraDeposit, perByte := e2eBig(t, json.Number(strings.Trim(string(consts[0]), `"`))), e2eBig(t, json.Number(strings.Trim(string(consts[1]), `"`)))
	oracleParaInfo := func(t *testing.T, id string) map[string]any {
		var v map[string]any
		oracleJSON(t, c.query(t, e2eQ("query.registrar.paras", id))[0], &v)
		return v
	}

	id := reserve(t)
	id2 := reserve(t)
	if id == id2 {
		t.Fatalf("two reservations gave the same id %s", id)
	}
	if info := oracleParaInfo(t, id); info["manager"] != c.Alice || e2eBigAny(t, info["deposit"]).Cmp(paraDeposit) != 0 {
		t.Fatalf("@polkadot/api Registrar.Paras(%s) = %v, want alice with ParaDeposit %s", id, info, paraDeposit)
	}

	t.Run("register", func(t *testing.T) {
		dir := t.TempDir()
		head := filepath.Join(dir, "head.bin")
		code := filepath.Join(dir, "code.wasm")
		headBytes := []byte(strings.Repeat("\x01", 32))
		// The smallest valid wasm module: magic and version.
		codeBytes := []byte("\x00asm\x01\x00\x00\x00")
		if err := os.WriteFile(head, headBytes, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(code, []byte(fmt.Sprintf("0x%x\n", codeBytes)), 0o600); err != nil {
			t.Fatal(err)
		}
		// The deposit is shown before signing.
		want := add(paraDeposit, new(big.Int).Mul(perByte, paraBigInt(int64(len(headBytes)+len(codeBytes)))))
		r := c.ksm(t, "", "para", "register", id, "--genesis-head", head, "--validation-code", code, "--from", "alice", "--dry-run").ok(t)
		r.stderrHas(t, "Deposit: ", "40 bytes (head 32, code 8)")
		out := c.submit(t, "para", "register", id, "--genesis-head", head, "--validation-code", code, "--from", "alice")
		if !out.has("Registrar", "Registered") {
			t.Fatalf("no Registrar.Registered: %+v", out.Events)
		}
		if info := oracleParaInfo(t, id); e2eBigAny(t, info["deposit"]).Cmp(want) != 0 {
			t.Fatalf("deposit %v, want ParaDeposit + DataDepositPerByte × 40 = %s", info["deposit"], want)
		}
		var st map[string]any
		c.ksm(t, "", "para", "status", id, "--json").ok(t).json(t, &st)
		lc := strings.Trim(string(c.query(t, e2eQ("query.paras.paraLifecycles", id))[0]), `"`)
		if st["registered"] != true || st["manager"] != c.Alice || fmt.Sprint(st["lifecycle"]) != lc || lc != "Onboarding" {
			t.Fatalf("ksm para status %v; @polkadot/api lifecycle %s", st, lc)
		}
		if e2eBigAny(t, st["deposit"]).Cmp(want) != 0 {
			t.Fatalf("ksm deposit %v, want %s", st["deposit"], want)
		}
		// Registered twice: refused before signing.
		c.ksm(t, "", "para", "register", id, "--genesis-head", head, "--validation-code", code, "--from", "alice", "--yes").code(t, 1).stderrHas(t, "already registered")
		// An id no one reserved.
		c.ksm(t, "", "para", "register", "99999", "--genesis-head", head, "--validation-code", code, "--from", "alice", "--yes").code(t, 1).stderrHas(t, "not reserved")
	})

	t.Run("deregister", func(t *testing.T) {
		before := c.balance(t, "alice")
		out := c.submit(t, "para", "deregister", id2, "--from", "alice")
		if !out.has("Registrar", "Deregistered") {
			t.Fatalf("no Registrar.Deregistered: %+v", out.Events)
		}
		if got := string(c.query(t, e2eQ("query.registrar.paras", id2))[0]); got != "null" {
			t.Fatalf("@polkadot/api Registrar.Paras(%s) = %s after deregister", id2, got)
		}
		after := c.balance(t, "alice")
		if got := sub(e2eBig(t, before.Reserved), e2eBig(t, after.Reserved)); got.Cmp(paraDeposit) != 0 {
			t.Fatalf("reserved fell by %s, want ParaDeposit %s", got, paraDeposit)
		}
		var st map[string]any
		c.ksm(t, "", "para", "status", id2, "--json").ok(t).json(t, &st)
		if st["registered"] != false || st["lifecycle"] != nil {
			t.Fatalf("status after deregister: %v", st)
		}
	})

	t.Run("crowdloan", func(t *testing.T) {
		// No crowdloan for the para: the dry run says so before signing.
		c.ksm(t, "", "para", "contribute", id, "1", "--from", "alice", "--yes").code(t, 1).stderrHas(t, "Crowdloan.")
	})
}

func paraBigInt(n int64) *big.Int { return big.NewInt(n) }
