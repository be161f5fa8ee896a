package cli

// The routing scene of one Kusama network: on the libp2p test network of a
// relay and its Asset Hub (newP2PTwoChains), ksm with --network kusama and
// no endpoint sends each mission call to the chain its pallet lives on and
// proves its inclusion there.

import (
	"encoding/hex"
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/tx/value"
)

// aliceStash is //Alice//stash, a validator of the local Kusama genesis.
const aliceStash = "0xbe5ddb1579b72e84524fc29e78609e3caf42e85aa118ebfe0b0ad404b5bdd25f"

// encodeEntry is the state entry of storage entry e at key parts, its
// value given as JSON and encoded with codec.
func encodeEntry(t *testing.T, codec *value.Codec, e *storage.Entry, key []any, valueJSON string) trie.KV {
	t.Helper()
	k, err := e.Key(key...)
	if err != nil {
		t.Fatal(err)
	}
	v, err := value.ParseJSON([]byte(valueJSON))
	if err != nil {
		t.Fatal(err)
	}
	b, err := codec.Encode(e.Meta.Value, v)
	if err != nil {
		t.Fatalf("%s.%s %s: %v", e.Pallet.Name, e.Meta.Name, valueJSON, err)
	}
	return trie.KV{Key: k, Value: b}
}

// TestRoutingP2P: with --network kusama and no endpoint, `stake bond`,
// `stake nominate`, `gov vote` and `claim submit` go to Asset Hub — sent on the Asset Hub
// node's transactions protocol (the relay node receives nothing), included
// in an Asset Hub block that descends from a head the relay proved,
// reported "chain": "kusama-asset-hub", verified, with the events read by
// proof — and `para reserve` (Registrar) goes to the relay chain: sent on
// the relay's libp2p network, included in a finalized relay block, proven.
// Each included transaction is decoded from the block body and its call
// checked.
//
// Stand-in: the only Asset Hub runtime available offline is an early-2024
// one, without the Staking, ConvictionVoting, Referenda and Claims pallets
// that moved to Asset Hub in October 2025. So the test's Asset Hub (para
// 1000, recorded by the relay in Paras::Heads) is a chain generated over
// the Kusama runtime's genesis (kusama-local.json) standing in for
// post-migration Asset Hub: its metadata has the pallets that moved, so the
// routing (which checks the pallet against the chain's verified metadata),
// call building, fees and validity from Asset Hub call proofs, sending and
// inclusion are ksm's real paths. The test network does not execute
// transactions: as in the other submit tests, the test gives the including
// block the events the runtime would emit (and the state a later command
// reads: the bond's ledger, an ongoing referendum, a claim of the claims
// test vector's Ethereum address), and checks that ksm finds, proves and
// reports them.
func TestRoutingP2P(t *testing.T) {
	slowTest(t, "executes the Kusama runtime on both chains")
	n := newP2PTwoChainsOf(t, "cli-routing-p2p", "kusama-local.json")
	n.producer.Hold.Store(false) // the relay node includes the relay transactions it receives
	home, pw := t.TempDir(), map[string]string{"KSM_PASSWORD": "pw"}
	importKey(t, home, "alice", "//Alice", pw)
	// ksm runs a command of args on --network kusama with --json and mode
	// (--dry-run or --yes).
	ksm := func(t *testing.T, args []string, mode string) (int, string, string) {
		t.Helper()
		return keyRun(t, home, keyRunOpts{env: pw}, append(append([]string{"--network", "kusama", "--json"}, args...), mode)...)
	}
	var vf claimVectorFile
	if err := json.Unmarshal(testenv.ReadShared(t, "claims", "kusama-claims-vectors.json"), &vf); err != nil {
		t.Fatal(err)
	}
	claim := vf.Vectors[0]
	ethAddr, _ := hex.DecodeString(strings.TrimPrefix(claim.Expected.RecoveredEthAddress, "0x"))

	// advanceAH makes kvs the Asset Hub state from a new (empty) Asset Hub
	// block on, recorded by a new relay block.
	advanceAH := func(t *testing.T, kvs ...trie.KV) {
		t.Helper()
		if err := n.ah.SetState(uint32(len(n.ah.Blocks)), kvs); err != nil {
			t.Fatal(err)
		}
		if _, _, err := n.paraLive.Produce(nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := n.producer.Step(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
	}
	ahMeta := func(t *testing.T) (*value.Codec, string) {
		g := n.ah.Genesis()
		return value.New(cachedMetadata(t, home, hex.EncodeToString(g[:8])), 2), hex.EncodeToString(g[:8])
	}

	for _, tc := range []struct {
		name  string
		args  []string
		relay bool // the call's chain is the relay (else Asset Hub)
		// state is what the command reads, made the Asset Hub state
		// before it runs.
		state func(t *testing.T) []trie.KV
		// events are those of the call (fee and success added).
		events []any
		// effects are the state changes the including block makes besides
		// its events.
		effects func(t *testing.T) []trie.KV
		// call is the call ksm sent, as JSON.
		call string
		// says is what the command's review says.
		says string
	}{
		{
			name:   "stake-bond",
			args:   []string{"stake", "bond", "1000", "--from", "alice"},
			events: []any{map[string]any{"Staking": map[string]any{"Bonded": map[string]any{"stash": lightAlice, "amount": "1000000000000000"}}}},
			// Alice is a bonded stash from this block on.
			effects: func(t *testing.T) []trie.KV {
				codec, _ := ahMeta(t)
				entry := func(name string) *storage.Entry {
					e, err := storage.Lookup(codec, "Staking", name)
					if err != nil {
						t.Fatal(err)
					}
					return e
				}
				return []trie.KV{
					encodeEntry(t, codec, entry("Bonded"), []any{lightAlice}, `"`+lightAlice+`"`),
					encodeEntry(t, codec, entry("Ledger"), []any{lightAlice}, `{"stash":"`+lightAlice+
						`","total":"1000000000000000","active":"1000000000000000","unlocking":[],"claimed_rewards":[]}`),
					encodeEntry(t, codec, entry("Payee"), []any{lightAlice}, `"Staked"`),
				}
			},
			call: `{"pallet":"Staking","name":"bond","args":{"value":1000000000000000,"payee":"Staked"}}`,
		},
		{
			name: "stake-nominate",
			args: []string{"stake", "nominate", aliceStash, "--from", "alice"},
			call: `{"pallet":"Staking","name":"nominate","args":{"targets":[{"Id":"GsvVmjr1CBHwQHw84pPHMDxgNY3iBLz6Qn7qS3CH8qPhrHz"}]}}`,
			says: "GsvVmjr1CBHwQHw84pPHMDxgNY3iBLz6Qn7qS3CH8qPhrHz  commission",
		},
		{
			name: "gov-vote",
			args: []string{"gov", "vote", "7", "aye", "--amount", "2", "--conviction", "3x", "--from", "alice"},
			state: func(t *testing.T) []trie.KV {
				codec, _ := ahMeta(t)
				e, err := storage.Lookup(codec, "Referenda", "ReferendumInfoFor")
				if err != nil {
					t.Fatal(err)
				}
				return []trie.KV{encodeEntry(t, codec, e, []any{uint32(7)}, `{"Ongoing":{"track":0,"origin":{"system":"Root"},`+
					`"proposal":{"Legacy":{"hash":"0x`+strings.Repeat("ab", 32)+`"}},"enactment":{"After":100},"submitted":1,`+
					`"submission_deposit":{"who":"`+lightAlice+`","amount":1},"decision_deposit":null,"deciding":null,`+
					`"tally":{"ayes":0,"nays":0,"support":0},"in_queue":false,"alarm":null}}`)}
			},
			call: `{"pallet":"ConvictionVoting","name":"vote","args":{"poll_index":7,"vote":{"Standard":` +
				`{"vote":{"aye":true,"conviction":"Locked3x"},"balance":2000000000000}}}}`,
		},
		{
			name: "claim",
			args: []string{"claim", "submit", "--to", claim.AccountIDHex, "--eth-signature", claim.Signature},
			state: func(t *testing.T) []trie.KV {
				codec, _ := ahMeta(t)
				e, err := storage.Lookup(codec, "Claims", "Claims")
				if err != nil {
					t.Fatal(err)
				}
				return []trie.KV{encodeEntry(t, codec, e, []any{"0x" + hex.EncodeToString(ethAddr)}, `"5000000000000"`)}
			},
			events: []any{map[string]any{"Claims": map[string]any{"Claimed": map[string]any{
				"who": claim.AccountIDHex, "ethereum_address": "0x" + hex.EncodeToString(ethAddr), "amount": "5000000000000"}}}},
			call: `{"pallet":"Claims","name":"claim","args":{"dest":"` + claim.KusamaAddress + `","ethereum_signature":"` + claim.Signature + `"}}`,
		},
		{
			name:   "para-reserve",
			args:   []string{"para", "reserve", "--from", "alice"},
			relay:  true,
			events: []any{map[string]any{"Registrar": map[string]any{"Reserved": map[string]any{"para_id": 2000, "who": lightAlice}}}},
			call:   `{"pallet":"Registrar","name":"reserve","args":{}}`,
			says:   "Reserve a para id (next free: 2000)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.state != nil {
				// The first command cached the metadata the state is
				// encoded with.
				advanceAH(t, tc.state(t)...)
			}
			code, out, errOut := ksm(t, tc.args, "--dry-run")
			if code != 0 {
				t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
			}
			var dry struct {
				Fee      any    `json:"fee"`
				Chain    string `json:"chain"`
				Verified bool   `json:"verified"`
			}
			mustJSON(t, out, &dry)
			t.Logf("dry run: %s", out)
			fee, _ := new(big.Int).SetString(jsonNum(dry.Fee), 10)
			wantChain, gen := "kusama-asset-hub", n.ah.Genesis()
			if tc.relay {
				wantChain, gen = "kusama", n.relay.Genesis()
			}
			if dry.Chain != wantChain || !dry.Verified {
				t.Fatalf("dry run on %q, want %q: %s", dry.Chain, wantChain, out)
			}
			evs := append([]any(nil), tc.events...)
			if fee != nil {
				evs = append(evs, feePaidEvent(lightAlice, fee))
			}
			effects := []trie.KV{extrinsicEvents(t, home, hex.EncodeToString(gen[:8]), append(evs, successEvent)...)}
			if tc.effects != nil {
				effects = append(effects, tc.effects(t)...)
			}
			ahNext, relayNext := uint32(len(n.ah.Blocks)), uint32(len(n.relay.Blocks))
			next, setState := ahNext, n.ah.SetState
			if tc.relay {
				next, setState = relayNext, n.relay.SetState
			}
			if err := setState(next, effects); err != nil {
				t.Fatal(err)
			}
			relayGot, ahGot := n.producer.Received.Load(), n.received.Load()

			start := time.Now()
			code, out, errOut = ksm(t, tc.args, "--yes")
			took := time.Since(start)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			var o submitJSON
			mustJSON(t, out, &o)
			var body [][]byte
			var blockHash header.Hash
			// Which network the transaction went out on: the relay node's
			// transactions notifications, or the Asset Hub node's (each
			// makes an Asset Hub block).
			relayTxs, ahTx := n.producer.Received.Load()-relayGot, n.received.Load() != ahGot
			if tc.relay {
				if relayTxs != 1 || ahTx || len(n.ah.Blocks) != int(ahNext) {
					t.Fatalf("the relay node got %d transactions, the Asset Hub node: %v; Asset Hub blocks %d -> %d", relayTxs, ahTx, ahNext, len(n.ah.Blocks))
				}
				b := n.relay.Blocks[next]
				body, blockHash = b.Extrinsics, b.Hash
			} else {
				if relayTxs != 0 || !ahTx || len(n.ah.Blocks) != int(ahNext)+1 {
					t.Fatalf("the relay node got %d transactions, the Asset Hub node: %v; Asset Hub blocks %d -> %d", relayTxs, ahTx, ahNext, len(n.ah.Blocks))
				}
				b := n.ah.Blocks[next]
				body, blockHash = b.Extrinsics, b.Hash
				// Found in an Asset Hub block whose head the relay proved.
				if !strings.Contains(errOut, "parachain 1000 block #"+strconv.Itoa(int(next))+" "+blockHash.String()+" includes the transaction: proven by relay chain block #") {
					t.Errorf("stderr:\n%s", errOut)
				}
			}
			if !strings.Contains(errOut, tc.says) {
				t.Errorf("stderr does not say %q:\n%s", tc.says, errOut)
			}
			if !o.Success || !o.Verified || o.Chain != wantChain || o.BlockNumber != uint64(next) || o.BlockHash != blockHash.String() ||
				o.Error != nil || strings.Contains(errOut, "NOT verified") {
				t.Fatalf("outcome %s\n%s", out, errOut)
			}
			var names, want []string
			for _, ev := range o.Events {
				names = append(names, ev.Pallet+"."+ev.Name)
			}
			for _, ev := range append(evs, successEvent) {
				for p, e := range ev.(map[string]any) {
					for name := range e.(map[string]any) {
						want = append(want, p+"."+name)
					}
				}
			}
			if strings.Join(names, ",") != strings.Join(want, ",") {
				t.Fatalf("events %v, want %v", names, want)
			}
			// The transaction the node received, as the chain's metadata
			// decodes it.
			md := cachedMetadata(t, home, hex.EncodeToString(gen[:8]))
			format, err := extrinsic.New(md)
			if err != nil {
				t.Fatal(err)
			}
			if len(body) < 2 {
				t.Fatalf("block body of %d extrinsics", len(body))
			}
			x, err := format.Decode(body[len(body)-1])
			if err != nil {
				t.Fatal(err)
			}
			call, err := value.New(md, 2).DecodeCall(x.Call)
			if err != nil {
				t.Fatal(err)
			}
			if js, _ := json.Marshal(call); string(js) != tc.call {
				t.Errorf("the node received %s, want %s", js, tc.call)
			}
			// Signed by alice, but for the claim (unsigned: its
			// authority is the Ethereum signature in its call).
			if signed := fee != nil; x.Signed != signed || signed && (x.Address == nil || "0x"+hex.EncodeToString(x.Address.ID[:]) != lightAlice) {
				t.Errorf("signed %v (want %v), address %+v", x.Signed, signed, x.Address)
			}
			t.Logf("%s: whole command %v\nstderr:\n%s", tc.name, took, errOut)
		})
	}
}
