package chainspec

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// provenance facts of shared/testdata/chainspec/PROVENANCE.md.
var checkpointFacts = []struct {
	file        string
	number      uint32
	hash        string
	setID       uint64
	authorities int
	genesis     string
}{
	{"kusama-lightsync-b20765720.json", 20765720, "0xa35fcd5bf681940fde0c3adad1bedd7fb461b0a7ae75075daf5642398fadee2f", 8019, 1000, kusamaGenesis},
	{"kusama-lightsync-b25377786.json", 25377786, "0x9bb1bd71d3fed03db2c9518875b47c8fdab76e479ed3df02f258a7fba3e84415", 9874, 1000, kusamaGenesis},
	{"kusama-lightsync-b27552643.json", 27552643, "0x459a8b7bb0944fab709bb0bf4cfe70d808533f046946aaad9ec7f0dfbe461c2a", 10831, 1000, kusamaGenesis},
	{"kusama-lightsync-b28972375.json", 28972375, "0x71b94e12a54a85ce27826e795c55cc468b59bf2f57bc80c42ebaaf0d538d6914", 11472, 1000, kusamaGenesis},
	{"kusama-lightsync-b31697400.json", 31697400, "0x33dcadca96cba14973d91a8a5c09f7165b754d00ef2682a30c865aec75a2dabe", 12607, 0, kusamaGenesis},
	{"polkadot-lightsync-b26629221.json", 26629221, "0x1c1ade092c227adeaaaa5e9c334bca97e1820cd076b2af77384447ba79d9261c", 2755, 600, polkadotGenesis},
	{"westend-lightsync-b26651536.json", 26651536, "0x592623528f9a56606614b254dedd2c955c0bf0e02d4c1e3ba5660bcc172ad199", 9431, 19, westendGenesis},
}

const (
	kusamaGenesis   = "0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe"
	polkadotGenesis = "0x91b171bb158e2d3848fa23a9f1c25182fb8e20313b2c1eb49219da7a70ce90c3"
	westendGenesis  = "0xe143f23803ac50e8f6f8e62695d1ce9e4e1d68aa36c1cd2cfd15340213f3423e"
)

func parseShared(t testing.TB, elem ...string) *Spec {
	t.Helper()
	s, err := Parse(testenv.ReadShared(t, elem...))
	if err != nil {
		t.Fatalf("%v: %v", elem, err)
	}
	return s
}

func TestCheckpoints(t *testing.T) {
	var prev map[SetChangeEntry]bool
	var prevN int
	for _, f := range checkpointFacts {
		s := parseShared(t, "chainspec", f.file)
		c, err := s.Checkpoint()
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		if c.Header.Number != f.number || c.Hash.String() != f.hash {
			t.Errorf("%s: #%d %s", f.file, c.Header.Number, c.Hash)
		}
		if c.Grandpa.Set.SetID != f.setID {
			t.Errorf("%s: set %d", f.file, c.Grandpa.Set.SetID)
		}
		if f.authorities != 0 && len(c.Grandpa.Set.Authorities) != f.authorities {
			t.Errorf("%s: %d authorities", f.file, len(c.Grandpa.Set.Authorities))
		}
		for _, a := range c.Grandpa.Set.Authorities {
			if a.Weight != 1 {
				t.Fatalf("%s: weight %d", f.file, a.Weight)
			}
		}
		if len(c.Grandpa.PendingForcedChanges) != 0 || c.Grandpa.PendingStandardChanges.Len() != 0 {
			t.Errorf("%s: pending changes present", f.file)
		}
		if b := c.Grandpa.PendingStandardChanges.BestFinalizedNumber; b == nil || *b != f.number {
			t.Errorf("%s: best finalized %v", f.file, b)
		}
		// authority_set_changes: one entry per past set, set ids 0..setID-1.
		ch := c.Grandpa.AuthoritySetChanges
		if uint64(len(ch)) != f.setID || ch[0].SetID != 0 || ch[len(ch)-1].SetID != f.setID-1 {
			t.Errorf("%s: %d set changes, first %v last %v", f.file, len(ch), ch[0], ch[len(ch)-1])
		}
		if f.number == 28972375 {
			if ch[0] != (SetChangeEntry{0, 28175}) || ch[len(ch)-1] != (SetChangeEntry{11471, 28971454}) {
				t.Errorf("b28972375: first %v last %v", ch[0], ch[len(ch)-1])
			}
		}
		// Later Kusama checkpoints' changes are supersets of earlier ones.
		if strings.HasPrefix(f.file, "kusama") {
			cur := map[SetChangeEntry]bool{}
			for _, e := range ch {
				cur[e] = true
			}
			for e := range prev {
				if !cur[e] {
					t.Errorf("%s: lost set change %v of the previous checkpoint", f.file, e)
				}
			}
			if len(cur) <= prevN {
				t.Errorf("%s: no new set changes", f.file)
			}
			prev, prevN = cur, len(cur)
		}
		// Round trips of the SCALE fields.
		if !bytes.Equal(c.Grandpa.Encode(), s.LightSync.GrandpaAuthoritySet) {
			t.Errorf("%s: grandpa state does not re-encode", f.file)
		}
		if c.BABE == nil || !bytes.Equal(c.BABE.Encode(), s.LightSync.BABEEpochChanges) {
			t.Errorf("%s: babe epoch changes do not re-encode", f.file)
		}
		if len(c.BABE.Epochs) == 0 || c.BABE.Tree.Len() == 0 || c.BABEFinalizedBlockWeight == 0 {
			t.Errorf("%s: babe %d epochs %d tree nodes weight %d", f.file, len(c.BABE.Epochs), c.BABE.Tree.Len(), c.BABEFinalizedBlockWeight)
		}
		if !bytes.Equal(c.Header.Encode(), s.LightSync.FinalizedBlockHeader) {
			t.Errorf("%s: header does not re-encode", f.file)
		}
		// The header's BABE slot lies in one of the persisted epochs.
		slot, err := c.Slot()
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		inEpoch := false
		for _, e := range c.BABE.Epochs {
			for _, ep := range e.Epochs {
				if slot >= ep.StartSlot && slot < ep.StartSlot+ep.Duration {
					inEpoch = true
				}
			}
		}
		if !inEpoch {
			t.Errorf("%s: slot %d outside the persisted BABE epochs", f.file, slot)
		}
		gh, err := s.GenesisHash()
		if err != nil || gh.String() != f.genesis {
			t.Errorf("%s: genesis %s %v", f.file, gh, err)
		}
		// The authority set starts a grandpa.Tracker at the checkpoint.
		if _, err := grandpa.NewTracker(c.Grandpa.Set, c.Hash, c.Header.Number, c.TrackerPending()...); err != nil {
			t.Errorf("%s: tracker: %v", f.file, err)
		}
	}
}

func TestKusamaRawGenesis(t *testing.T) {
	s := parseShared(t, "chainspec", "kusama-genesis-raw.json")
	if s.Raw == nil || len(s.Raw.Top) != 3419 || s.LightSync != nil {
		t.Fatalf("raw genesis: %+v", s.Raw != nil)
	}
	l, err := s.Raw.StateVersion()
	if err != nil || l != trie.V0 {
		t.Fatalf("state version %v %v", l, err)
	}
	root, err := s.StateRoot()
	if err != nil || root.String() != "0xb0006203c3a6e6bd2c6a17b1d4ae8ca49a31da0f4579da950b127774b44aef6b" {
		t.Fatalf("state root %s %v", root, err)
	}
	gh, _ := s.GenesisHash()
	if gh.String() != kusamaGenesis {
		t.Fatalf("genesis %s", gh)
	}
	if *s.Properties.SS58Format != 2 || s.Properties.TokenDecimals[0] != 12 || s.Properties.TokenSymbol[0] != "KSM" || s.IsParachain() {
		t.Fatalf("properties %+v", s.Properties)
	}
	// The light specs' stateRootHash equals the raw genesis root.
	light := parseShared(t, "chainspec", "kusama-lightsync-b20765720.json")
	if *light.StateRootHash != root {
		t.Fatal("light spec stateRootHash differs from the raw genesis root")
	}
}

// Local raw specs: their runtimes declare their state version in the Wasm
// custom sections, which also name spec/transaction versions stated in
// chainspec/local/PROVENANCE.md.
func TestLocalSpecsRuntimeVersion(t *testing.T) {
	tests := []struct {
		file     string
		spec, tx uint32
		name     string
		layout   trie.Layout
	}{
		{"kusama-local.json", 1_000_000, 24, "kusama", trie.V1},
		{"paseo-local.json", 1_009_003, 26, "paseo", trie.V1},
		{"asset-hub-kusama-local.json", 1_000_000, 13, "statemine", trie.V0},
	}
	for _, tt := range tests {
		s := parseShared(t, "chainspec", "local", tt.file)
		code, ok := s.Raw.Code()
		if !ok {
			t.Fatalf("%s: no :code", tt.file)
		}
		v, found, err := ReadRuntimeVersion(code)
		if err != nil || !found || v.SpecVersion != tt.spec || v.TransactionVersion != tt.tx || v.SpecName != tt.name {
			t.Errorf("%s: %+v %v %v", tt.file, v, found, err)
		}
		if l, err := s.Raw.StateVersion(); err != nil || l != tt.layout {
			t.Errorf("%s: layout %v %v", tt.file, l, err)
		}
		gh, err := s.GenesisHash()
		if err != nil || gh == (header.Hash{}) {
			t.Errorf("%s: genesis %v", tt.file, err)
		}
		t.Logf("%s: genesis %s (%v)", tt.file, gh, tt.layout)
	}
}

func TestParachainSpecs(t *testing.T) {
	tests := []struct {
		file, relay string
		para        uint32
	}{
		{"kusama-asset-hub.json", "ksmcc3", 1000},
		{"kusama-people.json", "ksmcc3", 1004},
		{"polkadot-asset-hub.json", "polkadot", 1000},
		{"westend-asset-hub.json", "westend2", 1000},
		{"local/asset-hub-kusama-local.json", "kusama-local", 1000},
	}
	for _, tt := range tests {
		s := parseShared(t, append([]string{"chainspec"}, strings.Split(tt.file, "/")...)...)
		if !s.IsParachain() || s.RelayChain != tt.relay || *s.ParaID != tt.para {
			t.Errorf("%s: relay %q para %v", tt.file, s.RelayChain, s.ParaID)
		}
		if _, err := s.Checkpoint(); !errors.Is(err, ErrNoCheckpoint) {
			t.Errorf("%s: checkpoint err %v", tt.file, err)
		}
		if _, err := s.GenesisHash(); err != nil {
			t.Errorf("%s: %v", tt.file, err)
		}
	}
}

// Every spec in the shared folder parses.
func TestEverySharedSpecParses(t *testing.T) {
	dir := testenv.Shared(t, "chainspec")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	more, _ := filepath.Glob(filepath.Join(dir, "local", "*.json"))
	files = append(files, more...)
	if len(files) < 15 {
		t.Fatalf("%d specs", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Parse(b)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if _, err := s.GenesisHash(); err != nil {
			t.Errorf("%s: genesis: %v", f, err)
		}
		if s.LightSync != nil {
			if _, err := s.Checkpoint(); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
}

func TestProfiles(t *testing.T) {
	want := map[string]string{
		"kusama": kusamaGenesis, "polkadot": polkadotGenesis, "westend": westendGenesis,
		"paseo":            "0x77afd6190f1554ad45fd0d31aee62aacc33c6db0ea801129acb813f913e0764f",
		"kusama-asset-hub": "0x48239ef607d7928874027a43a67689209727dfb3d3dc5e5b03a39bdc2eda771a",
	}
	entries, _ := profileFS.ReadDir("profiles")
	for _, e := range entries {
		info, _ := e.Info()
		if info.Size() > 1<<20 {
			t.Errorf("embedded %s is %d bytes", e.Name(), info.Size())
		}
	}
	for _, p := range Profiles() {
		s, err := p.Spec()
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if s.ID != p.SpecID {
			t.Errorf("%s: spec id %q", p.Name, s.ID)
		}
		gh, err := s.GenesisHash()
		if err != nil || gh != p.GenesisHash {
			t.Errorf("%s: genesis %s, profile says %s", p.Name, gh, p.GenesisHash)
		}
		if w, ok := want[p.Name]; ok && gh.String() != w {
			t.Errorf("%s: genesis %s, want %s", p.Name, gh, w)
		}
		if s.Properties.TokenSymbol[0] != p.Symbol || s.Properties.TokenDecimals[0] != p.Decimals {
			t.Errorf("%s: properties %+v", p.Name, s.Properties)
		}
		if s.Properties.SS58Format != nil && *s.Properties.SS58Format != p.SS58Prefix {
			t.Errorf("%s: ss58 %d", p.Name, *s.Properties.SS58Format)
		}
		if len(s.BootNodes) == 0 {
			t.Errorf("%s: no bootnodes", p.Name)
		}
		if p.IsRelay() {
			c, err := p.Checkpoint()
			if err != nil {
				t.Fatalf("%s: %v", p.Name, err)
			}
			// The checkpoints embedded are the newest known: 2026-01-05.
			a, err := c.CheckAge(time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC), p.Age, false)
			if err != nil || a.Time.Format("2006-01-02") != "2026-01-05" {
				t.Errorf("%s: checkpoint time %s %v", p.Name, a.Time, err)
			}
		} else {
			if r := p.RelayProfile(); r == nil || s.RelayChain != r.SpecID || *s.ParaID != p.ParaID {
				t.Errorf("%s: relay %q para %v", p.Name, s.RelayChain, s.ParaID)
			}
		}
	}
	ks, _ := Lookup("KSMCC3")
	for pallet, host := range map[string]string{
		"Staking": "kusama-asset-hub", "NominationPools": "kusama-asset-hub", "ConvictionVoting": "kusama-asset-hub",
		"Referenda": "kusama-asset-hub", "Claims": "kusama-asset-hub", "Registrar": "kusama", "Balances": "kusama",
	} {
		h, ok := ks.HostOf(pallet)
		if !ok || h.Name != host {
			t.Errorf("HostOf(%s) = %v", pallet, h)
		}
	}
	ah, _ := Lookup("statemine")
	if h, _ := ah.HostOf("Registrar"); h == nil || h.Name != "kusama" {
		t.Errorf("asset hub HostOf(Registrar) = %v", h)
	}
	if _, err := Lookup("nope"); !errors.Is(err, ErrUnknownNetwork) {
		t.Error(err)
	}
}

func TestCheckAge(t *testing.T) {
	p, _ := Lookup("kusama")
	c, err := p.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	slot, _ := c.Slot()
	at := time.UnixMilli(int64(slot * 6000))
	tests := []struct {
		now      time.Time
		override bool
		warn     bool
		err      error
	}{
		{at.Add(time.Hour), false, false, nil},
		{at.Add(8 * day), false, true, nil},
		{at.Add(364 * day), false, true, nil},
		{at.Add(366 * day), false, true, ErrCheckpointTooOld},
		{at.Add(366 * day), true, true, nil},
		{at.Add(-time.Hour), false, false, nil},
	}
	for i, tt := range tests {
		a, err := c.CheckAge(tt.now, p.Age, tt.override)
		if !errors.Is(err, tt.err) || (err == nil && (a.Warning != "") != tt.warn) {
			t.Errorf("case %d: age %s warning %q err %v", i, a.Age, a.Warning, err)
		}
	}
	if _, err := CheckSlotAge(^uint64(0), time.Now(), p.Age, false); !errors.Is(err, ErrBadCheckpoint) {
		t.Errorf("huge slot: %v", err)
	}
}

func TestBadSpecs(t *testing.T) {
	good := string(testenv.ReadShared(t, "chainspec", "kusama-asset-hub.json"))
	tests := []struct {
		name, spec string
	}{
		{"not json", "{"},
		{"no id", `{"name":"x"}`},
		{"para without relay", `{"id":"x","para_id":5}`},
		{"bad root", `{"id":"x","genesis":{"stateRootHash":"0x12"}}`},
		{"bad raw", `{"id":"x","genesis":{"raw":{"top":{"0xzz":"0x"}}}}`},
		{"bad decimals", `{"id":"x","properties":{"tokenDecimals":300}}`},
		{"light sync without header", `{"id":"x","lightSyncState":{"grandpaAuthoritySet":"0x00"}}`},
		{"bad weight", `{"id":"x","lightSyncState":{"finalizedBlockHeader":"0x00","grandpaAuthoritySet":"0x00","babeFinalizedBlockWeight":"x"}}`},
	}
	for _, tt := range tests {
		if _, err := Parse([]byte(tt.spec)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, err := Parse([]byte(good)); err != nil {
		t.Fatal(err)
	}
	s, _ := Parse([]byte(`{"id":"x"}`))
	if _, err := s.GenesisHash(); !errors.Is(err, ErrNoGenesis) {
		t.Error(err)
	}
}

func TestCheckpointValidation(t *testing.T) {
	s := parseShared(t, "chainspec", "westend-lightsync-b26651536.json")
	c, err := s.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	mutate := []struct {
		name string
		f    func(g *GrandpaState)
	}{
		{"future set change", func(g *GrandpaState) { g.AuthoritySetChanges[0].Block = c.Header.Number + 1 }},
		{"set change not before current", func(g *GrandpaState) { g.AuthoritySetChanges[len(g.AuthoritySetChanges)-1].SetID = g.Set.SetID }},
		{"unordered", func(g *GrandpaState) { g.AuthoritySetChanges[1].SetID = 0 }},
		{"duplicate authority", func(g *GrandpaState) { g.Set.Authorities[1] = g.Set.Authorities[0] }},
		{"empty set", func(g *GrandpaState) { g.Set.Authorities = nil }},
	}
	for _, m := range mutate {
		g, _ := DecodeGrandpaState(s.LightSync.GrandpaAuthoritySet)
		m.f(g)
		l := *s.LightSync
		l.GrandpaAuthoritySet = g.Encode()
		if _, err := DecodeCheckpoint(&l); !errors.Is(err, ErrBadCheckpoint) {
			t.Errorf("%s: %v", m.name, err)
		}
	}
	babeMutations := []struct {
		name string
		f    func(b *BABEEpochChanges)
	}{
		{"epoch slot moved", func(b *BABEEpochChanges) { b.Epochs[0].Epochs[0].StartSlot++ }},
		{"epoch without tree node", func(b *BABEEpochChanges) { b.Epochs[0].Number++ }},
		{"no authorities", func(b *BABEEpochChanges) { b.Epochs[1].Epochs[0].Authorities = nil }},
		{"variant", func(b *BABEEpochChanges) {
			d := &b.Tree.Roots[0].Data
			if d.Genesis {
				d.Genesis, d.Headers = false, d.Headers[:1]
			} else {
				d.Genesis, d.Headers = true, append(d.Headers, d.Headers[0])
			}
		}},
	}
	for _, m := range babeMutations {
		b, err := DecodeBABEEpochChanges(s.LightSync.BABEEpochChanges)
		if err != nil {
			t.Fatal(err)
		}
		m.f(b)
		l := *s.LightSync
		l.BABEEpochChanges = b.Encode()
		if _, err := DecodeCheckpoint(&l); !errors.Is(err, ErrBadCheckpoint) {
			t.Errorf("babe %s: %v", m.name, err)
		}
	}
	// Truncations never decode.
	gs := s.LightSync.GrandpaAuthoritySet
	for _, n := range []int{0, 1, 40, len(gs) / 2, len(gs) - 1} {
		if _, err := DecodeGrandpaState(gs[:n]); !errors.Is(err, ErrMalformed) {
			t.Errorf("grandpa state truncated to %d: %v", n, err)
		}
	}
	bs := s.LightSync.BABEEpochChanges
	for _, n := range []int{0, 1, 40, len(bs) / 2, len(bs) - 1} {
		if _, err := DecodeBABEEpochChanges(bs[:n]); !errors.Is(err, ErrMalformed) {
			t.Errorf("babe truncated to %d: %v", n, err)
		}
	}
}

func TestCoreAPIID(t *testing.T) {
	if coreAPIID != [8]byte{0xdf, 0x6a, 0xcb, 0x68, 0x99, 0x07, 0x60, 0x9b} {
		t.Fatalf("%x", coreAPIID)
	}
}

// authority_set_changes agree with the GRANDPA test data: Polkadot block
// 4635975 ends set 450 (its justification, grandpa/polkadot-b4635975), and
// Westend block 5105457 is finalized by set 3490 (grandpa/westend-b5105457-commit).
func TestSetChangesAgreeWithJustifications(t *testing.T) {
	c, err := parseShared(t, "chainspec", "polkadot-lightsync-b26629221.json").Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Grandpa.AuthoritySetChanges[450]; got != (SetChangeEntry{450, 4635975}) {
		t.Errorf("polkadot set 450 ends at %v", got)
	}
	// Kusama header 7472481 (grandpa/kusama-header-b7472481) is the last block of set 2878.
	k, err := parseShared(t, "chainspec", "kusama-lightsync-b20765720.json").Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if got := k.Grandpa.AuthoritySetChanges[2878]; got != (SetChangeEntry{2878, 7472481}) {
		t.Errorf("kusama set 2878 ends at %v", got)
	}
	w, err := parseShared(t, "chainspec", "westend-lightsync-b26651536.json").Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	ch := w.Grandpa.AuthoritySetChanges
	if ch[3489].SetID != 3489 || ch[3489].Block >= 5105457 || ch[3490].SetID != 3490 || ch[3490].Block < 5105457 {
		t.Errorf("westend sets 3489..3490: %v %v", ch[3489], ch[3490])
	}
}
