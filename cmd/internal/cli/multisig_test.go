package cli

import (
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// TestMultisigNew: the address book entry of a multisig, derived as the
// pallet does whatever the order the signatories are given in; mistakes
// are exit 2 before anything is written.
func TestMultisigNew(t *testing.T) {
	home := t.TempDir()
	const alice = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	const bob = "FoQJpPyadYccjavVdTWxpxU7rUEaYhfLCPwXgkfD6Zat9QP"
	const charlie = "Fr4NzY1udSFFLzb2R3qxVQkwz9cZraWkyfH4h3mVVk7BK7P"
	code, out, errOut := keyRun(t, home, keyRunOpts{}, "--json", "multisig", "new", "treasury", "--threshold", "2", charlie, alice, bob)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var j multisigJSON
	mustJSON(t, out, &j)
	var ids [][32]byte
	for _, a := range []string{alice, bob, charlie} {
		id, _, err := ss58.DecodeAccountID(a)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	want := calls.MultisigAccount(ids, 2)
	if j.Address != ss58.MustEncode(want, 2) || j.Threshold != 2 || len(j.Signatories) != 3 {
		t.Fatalf("multisig %+v, want address %s", j, ss58.MustEncode(want, 2))
	}
	// The name is taken.
	if code, _, errOut := keyRun(t, home, keyRunOpts{}, "multisig", "new", "treasury", "--threshold", "1", alice, bob); code == 0 || !strings.Contains(errOut, "exists") {
		t.Fatalf("a taken name: exit %d %s", code, errOut)
	}
	// It is a watch-only entry of the keystore, usable by name.
	code, out, _ = keyRun(t, home, keyRunOpts{}, "key", "list")
	if code != 0 || !strings.Contains(out, "treasury") {
		t.Fatalf("key list: %d %s", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"multisig", "new", "x", "--threshold", "3", alice, bob}, "--threshold"},
		{[]string{"multisig", "new", "x", "--threshold", "1", alice, alice}, "twice"},
		{[]string{"multisig", "new", "x", "--threshold", "1", alice, "nobody"}, "SIGNATORY"},
		{[]string{"multisig", "pending", "nobody"}, "MULTISIG"},
		{[]string{"multisig", "approve", "treasury", "0x12", "--from", "nobody"}, ""},
	} {
		before := snapshot(t, home)
		code, _, errOut := keyRun(t, home, keyRunOpts{}, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, want 2 with %q: %s", c.args, code, c.want, errOut)
		}
		if !sameSnapshot(before, snapshot(t, home)) {
			t.Errorf("%v changed the home", c.args)
		}
	}
}
