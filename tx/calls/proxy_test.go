package calls_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

var charlie = mustID("0x90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22")

func TestProxyAndMultisigCalls(t *testing.T) {
	for _, spec := range []string{spec1003, spec1009} {
		t.Run(spec, func(t *testing.T) {
			b := builder(t, spec)
			types, err := b.ProxyTypes()
			if err != nil {
				t.Fatal(err)
			}
			if types[0] != "Any" || !strings.Contains(strings.Join(types, ","), "Staking") {
				t.Fatalf("proxy types %v", types)
			}
			if got, err := b.ProxyType("staking"); err != nil || got != "Staking" {
				t.Fatalf("ProxyType(staking) = %q, %v", got, err)
			}
			if _, err := b.ProxyType("Bogus"); !errors.Is(err, calls.ErrArgs) || !strings.Contains(err.Error(), "NonTransfer") {
				t.Fatalf("ProxyType(Bogus): %v", err)
			}
			transfer, err := b.TransferKeepAlive(bob, bigInt("1000"))
			if err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				name string
				mk   func() ([]byte, error)
				want string
				args []string
			}{
				{"add", func() ([]byte, error) { return b.AddProxy(bob, "Staking", 0) }, "Proxy.add_proxy", []string{`"proxy_type":"Staking"`, `"delay":0`}},
				{"remove", func() ([]byte, error) { return b.RemoveProxy(bob, "Any", 5) }, "Proxy.remove_proxy", []string{`"proxy_type":"Any"`, `"delay":5`}},
				{"pure", func() ([]byte, error) { return b.CreatePure("Any", 0, 3) }, "Proxy.create_pure", []string{`"index":3`}},
				{"kill", func() ([]byte, error) { return b.KillPure(alice, "Any", 0, 77, 2) }, "Proxy.kill_pure", []string{`"height":77`, `"ext_index":2`}},
				{"proxy", func() ([]byte, error) { return b.Proxy(alice, "Any", transfer) }, "Proxy.proxy", []string{`"force_proxy_type":"Any"`, `"name":"transfer_keep_alive"`}},
				{"proxy none", func() ([]byte, error) { return b.Proxy(alice, "", transfer) }, "Proxy.proxy", []string{`"force_proxy_type":null`}},
				{"as_multi", func() ([]byte, error) {
					return b.AsMulti(2, [][32]byte{bob, charlie}, nil, transfer, calls.Weight{RefTime: 1, ProofSize: 2})
				}, "Multisig.as_multi", []string{`"maybe_timepoint":null`, `"ref_time":1`}},
				{"as_multi at", func() ([]byte, error) {
					return b.AsMulti(2, [][32]byte{bob, charlie}, &calls.Timepoint{Height: 9, Index: 1}, transfer, calls.Weight{})
				}, "Multisig.as_multi", []string{`"maybe_timepoint":{"height":9,"index":1}`}},
				{"approve", func() ([]byte, error) {
					return b.ApproveAsMulti(2, [][32]byte{bob}, &calls.Timepoint{Height: 9, Index: 1}, calls.CallHash(transfer), calls.Weight{})
				}, "Multisig.approve_as_multi", []string{`"call_hash":"0x` + hex.EncodeToString(hashOf(transfer)) + `"`}},
				{"cancel", func() ([]byte, error) {
					return b.CancelAsMulti(2, [][32]byte{bob}, calls.Timepoint{Height: 9, Index: 1}, calls.CallHash(transfer))
				}, "Multisig.cancel_as_multi", []string{`"timepoint":{"height":9,"index":1}`}},
				{"threshold 1", func() ([]byte, error) { return b.AsMultiThreshold1([][32]byte{bob}, transfer) }, "Multisig.as_multi_threshold_1", nil},
			}
			for _, c := range cases {
				call, err := c.mk()
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				name, args := decoded(t, b, call)
				if name != c.want {
					t.Fatalf("%s: decoded as %s", c.name, name)
				}
				for _, a := range c.args {
					if !strings.Contains(args, a) {
						t.Errorf("%s: args %s lack %s", c.name, args, a)
					}
				}
			}
			d, err := b.Deposit("Multisig", "DepositBase", "DepositFactor", 2)
			if err != nil || d.Sign() <= 0 {
				t.Fatalf("multisig deposit %v, %v", d, err)
			}
		})
	}
}

func hashOf(b []byte) []byte { h := calls.CallHash(b); return h[:] }

// TestMultisigAccountInterop checks the derivation against polkadot-js's
// createKeyMulti (which sorts as the pallet does) for several sets, orders
// and thresholds.
func TestMultisigAccountInterop(t *testing.T) {
	sets := []struct {
		who       [][32]byte
		threshold uint16
	}{
		{[][32]byte{alice, bob, charlie}, 2},
		{[][32]byte{charlie, alice, bob}, 2},
		{[][32]byte{bob, alice}, 1},
		{[][32]byte{alice, bob, charlie}, 3},
		{[][32]byte{charlie, bob}, 258},
	}
	type req struct {
		Who       []string `json:"who"`
		Threshold uint16   `json:"threshold"`
	}
	var in []req
	for _, s := range sets {
		r := req{Threshold: s.threshold}
		for _, w := range s.who {
			r.Who = append(r.Who, "0x"+hex.EncodeToString(w[:]))
		}
		in = append(in, r)
	}
	body, _ := json.Marshal(in)
	var out []string
	if err := json.Unmarshal(testenv.Node(t, body, "multisig-oracle.mjs"), &out); err != nil {
		t.Fatal(err)
	}
	for i, s := range sets {
		got := calls.MultisigAccount(s.who, s.threshold)
		if "0x"+hex.EncodeToString(got[:]) != out[i] {
			t.Errorf("set %d: ksm %x, polkadot-js %s", i, got, out[i])
		}
	}
	// Order does not matter; the threshold does.
	if calls.MultisigAccount(sets[0].who, 2) != calls.MultisigAccount(sets[1].who, 2) || calls.MultisigAccount(sets[0].who, 2) == calls.MultisigAccount(sets[0].who, 3) {
		t.Fatal("order or threshold handling wrong")
	}
}

func bigInt(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return v
}
