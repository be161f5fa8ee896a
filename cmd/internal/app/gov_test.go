package app

import (
	"math/big"
	"testing"
)

func govFixed(f float64) *big.Int { return big.NewInt(int64(f * 1e18)) }

func TestCurveThreshold(t *testing.T) {
	lin := Curve{Kind: "LinearDecreasing", Length: Perbill, Floor: 500_000_000, Ceil: Perbill}
	short := Curve{Kind: "LinearDecreasing", Length: 500_000_000, Floor: 0, Ceil: 500_000_000}
	step := Curve{Kind: "SteppedDecreasing", Begin: Perbill, End: 500_000_000, Step: 100_000_000, Period: 200_000_000}
	rec := Curve{Kind: "Reciprocal", Factor: govFixed(0.1), XOffset: govFixed(0.1), YOffset: govFixed(-0.05)}
	for _, tc := range []struct {
		c    Curve
		x    int64
		want int64
	}{
		{lin, 0, Perbill}, {lin, 500_000_000, 750_000_000}, {lin, Perbill, 500_000_000}, {lin, 2 * Perbill, 500_000_000},
		{short, 250_000_000, 250_000_000}, {short, 500_000_000, 0}, {short, 900_000_000, 0},
		{step, 0, Perbill}, {step, 199_999_999, Perbill}, {step, 300_000_000, 900_000_000}, {step, Perbill, 500_000_000},
		// 0.1 / (x + 0.1) − 0.05: 0.95 at 0, 0.1/1.1 − 0.05 = 0.040909090 at 1.
		{rec, 0, 950_000_000}, {rec, Perbill, 40_909_090}, {rec, -5, 950_000_000},
	} {
		if got := tc.c.Threshold(tc.x); got != tc.want {
			t.Errorf("%s at %d: %d, want %d", tc.c.Kind, tc.x, got, tc.want)
		}
	}
	// Clamped to [0, 1].
	big := Curve{Kind: "Reciprocal", Factor: govFixed(2), XOffset: govFixed(0.1), YOffset: govFixed(0)}
	if got := big.Threshold(0); got != Perbill {
		t.Errorf("clamp high: %d", got)
	}
	neg := Curve{Kind: "Reciprocal", Factor: govFixed(0.01), XOffset: govFixed(1), YOffset: govFixed(-0.5)}
	if got := neg.Threshold(Perbill); got != 0 {
		t.Errorf("clamp low: %d", got)
	}
}

// TestTracksKusama reads the real Kusama Referenda.Tracks constant.
func TestTracksKusama(t *testing.T) {
	rt := kusamaRuntime(t)
	tr, err := Tracks(rt)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr) < 10 {
		t.Fatalf("%d tracks", len(tr))
	}
	root, err := FindTrack(tr, "root")
	if err != nil || root.ID != 0 || root.MaxDeciding != 1 {
		t.Fatalf("root: %+v %v", root, err)
	}
	// Every track's curves start at or above where they end, and within [0, 1].
	for _, tk := range tr {
		for _, c := range []Curve{tk.MinApproval, tk.MinSupport} {
			a, b := c.Threshold(0), c.Threshold(Perbill)
			if a < b || a > Perbill || b < 0 {
				t.Errorf("track %s %s: %d → %d", tk.Name, c.Kind, a, b)
			}
		}
		if tk.DecisionPeriod == 0 || tk.DecisionDeposit.Sign() <= 0 {
			t.Errorf("track %s: %+v", tk.Name, tk)
		}
	}
	if _, err := FindTrack(tr, "small-tipper"); err != nil {
		t.Fatal(err)
	}
	if _, err := FindTrack(tr, "nope"); err == nil {
		t.Fatal("unknown track found")
	}
	// Kusama's root approval: linear from 100% to 50% over the period.
	if root.MinApproval.Kind != "Reciprocal" && root.MinApproval.Threshold(0) != Perbill {
		t.Fatalf("root approval starts at %d", root.MinApproval.Threshold(0))
	}
	// The claims prefix of the same runtime.
	p, err := ClaimPrefix(rt)
	if err != nil || string(p) != "Pay KSMs to the Kusama account:" {
		t.Fatalf("prefix %q %v", p, err)
	}
	d, err := RegistrarDeposits(rt)
	if err != nil || d.ParaDeposit.Sign() <= 0 || d.DataDepositPerByte.Sign() <= 0 {
		t.Fatalf("deposits %+v %v", d, err)
	}
	total, extra := d.RegisterDeposit(10, 30)
	if want := new(big.Int).Mul(d.DataDepositPerByte, big.NewInt(40)); extra.Cmp(want) != 0 || new(big.Int).Sub(total, extra).Cmp(d.ParaDeposit) != 0 {
		t.Fatalf("register deposit %s %s", total, extra)
	}
}

func TestClaimMessage(t *testing.T) {
	var id [32]byte
	id[0], id[31] = 0x88, 0xee
	m := ClaimMessage([]byte("Pay KSMs to the Kusama account:"), id, nil)
	if string(m) != "Pay KSMs to the Kusama account:88000000000000000000000000000000000000000000000000000000000000ee" {
		t.Fatalf("%s", m)
	}
	text, kind, err := StatementText("SAFT")
	if err != nil || kind != "Saft" || len(text) == 0 {
		t.Fatal(kind, err)
	}
	if _, _, err := StatementText("other"); err == nil {
		t.Fatal("unknown statement accepted")
	}
}
