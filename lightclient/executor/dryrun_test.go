package executor

import (
	"bytes"
	"math/big"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

// apiVersion returns the version of runtime API name in Core_version's
// answer, 0 when the runtime lacks it.
func apiVersion(t *testing.T, g *genesis, name string) uint32 {
	t.Helper()
	out := g.call(t, "Core_version", nil)
	_, apis := decodeCoreVersion(t, out)
	return apis[blake2b64(name)]
}

// blake2b64 is blake2b with an 8-byte digest, the id of a runtime API.
func blake2b64(s string) (id [8]byte) {
	h, _ := blake2b.New(8, nil)
	h.Write([]byte(s))
	copy(id[:], h.Sum(nil))
	return id
}

// TestDryRunAgainstChopsticks executes a whole call (storage writes into
// the overlay, events appended, transactions nested by the dispatch) with
// DryRunApi and compares the answer with chopsticks byte for byte.
func TestDryRunAgainstChopsticks(t *testing.T) {
	for _, rc := range runtimeCases {
		if !rc.chopsticks {
			continue
		}
		t.Run(rc.spec, func(t *testing.T) {
			g := loadGenesis(t, rc.spec)
			ver := apiVersion(t, g, "DryRunApi")
			if ver == 0 {
				t.Skipf("%s has no DryRunApi", rc.spec)
			}
			md := metadataAt(t, g, rc.mdVersion)
			alice, _ := keys.FromURI("//Alice", keys.Sr25519)
			bob, _ := keys.FromURI("//Bob", keys.Sr25519)
			b := calls.New(value.New(md, rc.ss58))
			for _, tc := range []struct {
				name string
				amt  *big.Int
				ok   bool
			}{
				{"transfer", big.NewInt(1_000_000_000_000), true},
				{"transfer too much", new(big.Int).Lsh(big.NewInt(1), 100), false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					call, err := b.TransferKeepAlive(bob.AccountID(), tc.amt)
					if err != nil {
						t.Fatal(err)
					}
					id := alice.AccountID()
					// OriginCaller::system(RawOrigin::Signed(alice))
					args := append([]byte{0, 1}, id[:]...)
					args = append(args, call...)
					if ver >= 2 {
						args = scale.AppendU32(args, 4) // result XCM version
					}
					got := g.call(t, "DryRunApi_dry_run_call", args)
					c := dialChopsticks(t, g.path)
					want := c.stateCall("DryRunApi_dry_run_call", args)
					if !bytes.Equal(got, want) {
						n := min(len(got), len(want), 96)
						t.Fatalf("%d bytes, chopsticks %d\nours   %x\ntheirs %x", len(got), len(want), got[:n], want[:n])
					}
					// Ok(CallDryRunEffects { execution_result: Ok/Err, .. })
					if len(got) < 2 || got[0] != 0 || (got[1] == 0) != tc.ok {
						t.Fatalf("dry run answer %x", got[:min(len(got), 16)])
					}
					t.Logf("DryRunApi v%d: %d bytes equal to chopsticks: %x", ver, len(got), got[:min(len(got), 40)])
				})
			}
		})
	}
}
