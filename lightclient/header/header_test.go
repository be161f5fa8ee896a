package header

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

var unhex = testenv.Unhex

func roundTrip(t *testing.T, raw []byte) *Header {
	t.Helper()
	h, err := Decode(raw)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if enc := h.Encode(); !bytes.Equal(enc, raw) {
		t.Fatalf("re-encoding differs from input (%d vs %d bytes)", len(enc), len(raw))
	}
	return h
}

func TestKusamaHeader7472481(t *testing.T) {
	raw := testenv.ReadShared(t, "grandpa", "kusama-header-b7472481.scale")
	var meta struct {
		Expected struct {
			Hash, ParentHash, StateRoot, ExtrinsicsRoot string
			Number                                      uint32
			DigestItems                                 int
			GrandpaScheduledChange                      struct {
				Authorities    int
				AllWeights     uint64
				Delay          uint32
				FirstAuthority string
			}
			BabeNextEpochDataAuthorities int
			GrandpaOnDisabledLogs        int
			BabeOnDisabledLogs           int
		}
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "grandpa", "kusama-header-b7472481.json"), &meta); err != nil {
		t.Fatal(err)
	}
	e := meta.Expected
	h := roundTrip(t, raw)
	for _, c := range []struct {
		name string
		got  Hash
		want string
	}{{"hash", h.Hash(), e.Hash}, {"parentHash", h.ParentHash, e.ParentHash}, {"stateRoot", h.StateRoot, e.StateRoot}, {"extrinsicsRoot", h.ExtrinsicsRoot, e.ExtrinsicsRoot}} {
		if c.got.String() != c.want {
			t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
		}
	}
	if h.Number != e.Number || len(h.Digest) != e.DigestItems {
		t.Errorf("number %d digest %d, want %d and %d", h.Number, len(h.Digest), e.Number, e.DigestItems)
	}
	glogs, err := h.GrandpaLogs()
	if err != nil {
		t.Fatal(err)
	}
	var changes, disabled int
	for _, l := range glogs {
		switch l.Kind {
		case GrandpaScheduledChange:
			changes++
			c := l.Change
			if len(c.NextAuthorities) != e.GrandpaScheduledChange.Authorities || c.Delay != e.GrandpaScheduledChange.Delay {
				t.Errorf("scheduled change: %d authorities delay %d", len(c.NextAuthorities), c.Delay)
			}
			if Hash(c.NextAuthorities[0].Key).String() != e.GrandpaScheduledChange.FirstAuthority {
				t.Errorf("first authority %x", c.NextAuthorities[0].Key)
			}
			for i, a := range c.NextAuthorities {
				if a.Weight != e.GrandpaScheduledChange.AllWeights {
					t.Errorf("authority %d weight %d", i, a.Weight)
				}
			}
		case GrandpaOnDisabled:
			disabled++
		}
		if enc := l.Encode(); len(enc) == 0 {
			t.Error("empty log encoding")
		}
	}
	if changes != 1 || disabled != e.GrandpaOnDisabledLogs {
		t.Errorf("GRANDPA: %d scheduled changes, %d OnDisabled; want 1 and %d", changes, disabled, e.GrandpaOnDisabledLogs)
	}
	blogs, err := h.BABELogs()
	if err != nil {
		t.Fatal(err)
	}
	var epochs, bdisabled, configs int
	for _, l := range blogs {
		switch l.Kind {
		case BABENextEpochData:
			epochs++
			if len(l.NextEpoch.Authorities) != e.BabeNextEpochDataAuthorities {
				t.Errorf("NextEpochData has %d authorities", len(l.NextEpoch.Authorities))
			}
		case BABEOnDisabled:
			bdisabled++
		case BABENextConfigData:
			configs++
			if l.NextConfig.C[1] == 0 || l.NextConfig.C[0] > l.NextConfig.C[1] {
				t.Errorf("NextConfigData c = %v", l.NextConfig.C)
			}
		}
	}
	if epochs != 1 || bdisabled != e.BabeOnDisabledLogs || configs != 1 {
		t.Errorf("BABE: %d NextEpochData, %d OnDisabled, %d NextConfigData", epochs, bdisabled, configs)
	}
	// Every typed payload re-encodes to its digest bytes.
	for i, it := range h.Digest {
		var enc []byte
		switch {
		case it.Kind == DigestConsensus && it.Engine == EngineGRANDPA:
			l, err := DecodeGrandpaLog(it.Data)
			if err != nil {
				t.Fatal(err)
			}
			enc = l.Encode()
		case it.Kind == DigestConsensus && it.Engine == EngineBABE:
			l, err := DecodeBABELog(it.Data)
			if err != nil {
				t.Fatal(err)
			}
			enc = l.Encode()
		case it.Kind == DigestPreRuntime && it.Engine == EngineBABE:
			p, err := DecodeBABEPreDigest(it.Data)
			if err != nil {
				t.Fatal(err)
			}
			enc = p.Encode()
		default:
			continue
		}
		if !bytes.Equal(enc, it.Data) {
			t.Errorf("digest item %d (%s %s) re-encodes differently", i, it.Kind, it.Engine)
		}
	}
	slot, err := h.BABESlot()
	if err != nil {
		t.Fatal(err)
	}
	// Kusama's BABE slots are 6 s since 2019-11-28; block 7472481 is from
	// May 2021: the slot must be in that range (checks the field offset).
	if slot < 260_000_000 || slot > 280_000_000 {
		t.Errorf("BABE slot %d implausible for Kusama May 2021", slot)
	}
	t.Logf("slot %d", slot)
}

// provenanceHashes reads "b<number> 0x<hash>" pairs from chainspec/PROVENANCE.md.
func provenanceHashes(t *testing.T) map[string]string {
	doc := string(testenv.ReadShared(t, "chainspec", "PROVENANCE.md"))
	re := regexp.MustCompile(`(?:(polkadot|westend) )?b(\d+) (0x[0-9a-f]{64})`)
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(doc, -1) {
		chain := m[1]
		if chain == "" {
			chain = "kusama"
		}
		out[chain+"-lightsync-b"+m[2]+".json"] = m[3]
	}
	return out
}

func TestLightSyncCheckpointHeaders(t *testing.T) {
	dir := filepath.Dir(testenv.Shared(t, "chainspec", "PROVENANCE.md"))
	want := provenanceHashes(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*lightsync*.json"))
	if len(files) == 0 {
		t.Fatal("no lightsync files")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var spec struct {
				LightSyncState struct{ FinalizedBlockHeader string }
				Genesis        struct {
					LightSyncState struct{ FinalizedBlockHeader string }
				}
			}
			if err := json.Unmarshal(b, &spec); err != nil {
				t.Fatal(err)
			}
			raw := spec.LightSyncState.FinalizedBlockHeader
			if raw == "" {
				raw = spec.Genesis.LightSyncState.FinalizedBlockHeader
			}
			h := roundTrip(t, unhex(t, raw))
			wantHash, ok := want[name]
			if !ok {
				t.Fatalf("PROVENANCE.md has no hash for %s", name)
			}
			if got := h.Hash().String(); got != wantHash {
				t.Errorf("hash %s, want %s", got, wantHash)
			}
			num, _ := strconv.Atoi(regexp.MustCompile(`b(\d+)`).FindStringSubmatch(name)[1])
			if int(h.Number) != num {
				t.Errorf("number %d, file says %d", h.Number, num)
			}
			if _, err := h.BABESlot(); err != nil {
				t.Errorf("BABE slot: %v", err)
			}
			if _, err := h.GrandpaLogs(); err != nil {
				t.Error(err)
			}
			if _, err := h.BABELogs(); err != nil {
				t.Error(err)
			}
		})
	}
	if len(want) != len(files) {
		t.Errorf("PROVENANCE lists %d checkpoint hashes, found %d files", len(want), len(files))
	}
}

func TestWestendBlocks1To10(t *testing.T) {
	var data struct {
		GenesisHash string
		Blocks      []struct {
			Number                        uint32
			Hash, HeaderScale, ParentHash string
		}
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "grandpa", "westend-blocks-1-10.json"), &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Blocks) != 10 {
		t.Fatalf("%d blocks", len(data.Blocks))
	}
	parent := data.GenesisHash
	var lastSlot uint64
	for _, b := range data.Blocks {
		h := roundTrip(t, unhex(t, b.HeaderScale))
		if h.Number != b.Number || h.Hash().String() != b.Hash || h.ParentHash.String() != parent {
			t.Errorf("block %d: number %d hash %s parent %s", b.Number, h.Number, h.Hash(), h.ParentHash)
		}
		pre, err := h.BABEPreDigest()
		if err != nil {
			t.Fatalf("block %d: %v", b.Number, err)
		}
		if pre.Slot <= lastSlot {
			t.Errorf("block %d: slot %d not after %d", b.Number, pre.Slot, lastSlot)
		}
		lastSlot = pre.Slot
		parent = b.Hash
	}
}

func TestDecodeRejects(t *testing.T) {
	base := (&Header{Number: 5, Digest: []DigestItem{{Kind: DigestPreRuntime, Engine: EngineBABE, Data: []byte{1, 2}}}}).Encode()
	nonCanonical := append(append([]byte{}, base[:32]...), 0x15, 0x00) // 5 in two-byte mode
	nonCanonical = append(nonCanonical, base[33:]...)
	unknown := append([]byte{}, base...)
	unknown[len(base)-8] = 0x02 // the PreRuntime tag becomes the removed ChangesTrieRoot
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, scale.ErrUnexpectedEOF},
		{"truncated", base[:len(base)-1], scale.ErrLengthTooLarge},
		{"truncated hash", base[:20], scale.ErrUnexpectedEOF},
		{"trailing", append(append([]byte{}, base...), 0), scale.ErrTrailingBytes},
		{"non-canonical number", nonCanonical, scale.ErrNonCanonical},
		{"unknown digest tag", unknown, ErrUnknownDigestItem},
		{"huge digest length", append(append([]byte{}, base[:97]...), 0xfe, 0xff, 0xff, 0xff), scale.ErrLengthTooLarge},
	}
	if _, err := Decode(base); err != nil {
		t.Fatalf("base: %v", err)
	}
	for _, tt := range tests {
		if _, err := Decode(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestTypedLogsRoundTrip(t *testing.T) {
	key := [32]byte{7}
	glogs := []GrandpaLog{
		{Kind: GrandpaScheduledChange, Change: GrandpaChange{NextAuthorities: []GrandpaAuthority{{key, 1}}, Delay: 3}},
		{Kind: GrandpaForcedChange, Median: 99, Change: GrandpaChange{NextAuthorities: []GrandpaAuthority{{key, 2}}, Delay: 0}},
		{Kind: GrandpaOnDisabled, DisabledIndex: 4},
		{Kind: GrandpaPause, Delay: 5},
		{Kind: GrandpaResume, Delay: 6},
	}
	for _, l := range glogs {
		enc := l.Encode()
		got, err := DecodeGrandpaLog(enc)
		if err != nil || !bytes.Equal(got.Encode(), enc) || got.Kind != l.Kind {
			t.Errorf("%s: %v", l.Kind, err)
		}
		if _, err := DecodeGrandpaLog(append(enc, 0)); !errors.Is(err, scale.ErrTrailingBytes) {
			t.Errorf("%s with trailing byte: %v", l.Kind, err)
		}
	}
	if _, err := DecodeGrandpaLog([]byte{9}); !errors.Is(err, ErrUnknownLog) {
		t.Errorf("unknown GRANDPA log: %v", err)
	}
	pres := []BABEPreDigest{
		{Kind: BABEPrimary, AuthorityIndex: 1, Slot: 1 << 40, VRFOutput: [32]byte{1}, VRFProof: [64]byte{2}},
		{Kind: BABESecondaryPlain, AuthorityIndex: 2, Slot: 77},
		{Kind: BABESecondaryVRF, AuthorityIndex: 3, Slot: 78, VRFOutput: [32]byte{3}},
	}
	for _, p := range pres {
		enc := p.Encode()
		got, err := DecodeBABEPreDigest(enc)
		if err != nil || got != p {
			t.Errorf("%s: %v %+v", p.Kind, err, got)
		}
	}
	if _, err := DecodeBABEPreDigest([]byte{4, 0, 0, 0, 0}); !errors.Is(err, ErrUnknownLog) {
		t.Errorf("unknown pre-digest: %v", err)
	}
	blogs := []BABELog{
		{Kind: BABENextEpochData, NextEpoch: BABENextEpoch{Authorities: []BABEAuthority{{key, 1}}, Randomness: [32]byte{9}}},
		{Kind: BABEOnDisabled, DisabledIndex: 8},
		{Kind: BABENextConfigData, NextConfig: BABENextConfig{C: [2]uint64{1, 4}, AllowedSlots: 2}},
	}
	for _, l := range blogs {
		enc := l.Encode()
		got, err := DecodeBABELog(enc)
		if err != nil || !bytes.Equal(got.Encode(), enc) {
			t.Errorf("%s: %v", l.Kind, err)
		}
	}
	if _, err := DecodeBABELog([]byte{3, 2}); !errors.Is(err, ErrUnknownLog) {
		t.Errorf("NextConfigData v2: %v", err)
	}
	h := &Header{Digest: []DigestItem{pres[0].DigestItem(), pres[1].DigestItem()}}
	if _, err := h.BABESlot(); !errors.Is(err, ErrMultiplePreDigests) {
		t.Errorf("two pre-digests: %v", err)
	}
	if _, err := (&Header{}).BABESlot(); !errors.Is(err, ErrNoPreDigest) {
		t.Errorf("no pre-digest: %v", err)
	}
}

func TestHashTextAndClone(t *testing.T) {
	var h Hash
	if err := h.UnmarshalText([]byte("0xfb5aaba0f01ee697dd296fb261dda5167d68b44aa5557f0f43293681fcf73e40")); err != nil {
		t.Fatal(err)
	}
	b, _ := h.MarshalText()
	if string(b) != "0xfb5aaba0f01ee697dd296fb261dda5167d68b44aa5557f0f43293681fcf73e40" {
		t.Errorf("round trip %s", b)
	}
	for _, bad := range []string{"0x12", "zz" + strings.Repeat("0", 62), ""} {
		if err := h.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	orig := &Header{Number: 1, Digest: []DigestItem{{Kind: DigestOther, Data: []byte{1}}}}
	c := orig.Clone()
	c.Digest[0].Data[0] = 9
	c.Number = 2
	if orig.Digest[0].Data[0] != 1 || orig.Number != 1 {
		t.Error("clone shares memory")
	}
	if EngineID([4]byte{0, 1, 2, 3}).String() != "0x00010203" || EngineBABE.String() != "BABE" {
		t.Error("engine id strings")
	}
}
