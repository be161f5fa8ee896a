package header_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

type oracleHeader struct {
	Hash, ParentHash, StateRoot, ExtrinsicsRoot string
	Number                                      uint32
	Digest                                      []struct {
		Type, Engine string
		Babe         *struct {
			Kind, Slot     string
			AuthorityIndex uint32
		}
		Grandpa *struct {
			Kind               string
			Authorities, Delay int
			Median             *uint32
		}
		BabeLog *struct {
			Kind        string
			Authorities int
		}
	}
}

// TestHeadersAgainstPolkadotJS decodes real and generated headers with
// polkadot-js (.interop/header-decode.mjs) and compares every field and
// every typed digest item with this package's decoding.
func TestHeadersAgainstPolkadotJS(t *testing.T) {
	testenv.OracleDir(t)
	var raws [][]byte
	raws = append(raws, testenv.ReadShared(t, "grandpa", "kusama-header-b7472481.scale"))
	var blocks struct {
		Blocks []struct{ HeaderScale string }
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "grandpa", "westend-blocks-1-10.json"), &blocks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks.Blocks {
		raw, _ := hex.DecodeString(b.HeaderScale[2:])
		raws = append(raws, raw)
	}
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(testenv.Shared(t, "chainspec", "PROVENANCE.md")), "*lightsync*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var spec struct {
			LightSyncState struct{ FinalizedBlockHeader string }
		}
		if err := json.Unmarshal(b, &spec); err != nil {
			t.Fatal(err)
		}
		raw, _ := hex.DecodeString(spec.LightSyncState.FinalizedBlockHeader[2:])
		raws = append(raws, raw)
	}
	c, err := testchain.Generate(testchain.Config{Seed: "interop", Blocks: 240, SetLength: 40, ForcedEvery: 2, ForcedDelay: 3, EpochLength: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range c.Blocks {
		raws = append(raws, b.Header.Encode())
	}
	req := map[string][]string{"headers": {}}
	for _, r := range raws {
		req["headers"] = append(req["headers"], "0x"+hex.EncodeToString(r))
	}
	in, _ := json.Marshal(req)
	var resp struct{ Headers []oracleHeader }
	if err := json.Unmarshal(testenv.Node(t, in, "header-decode.mjs"), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Headers) != len(raws) {
		t.Fatalf("oracle decoded %d of %d headers", len(resp.Headers), len(raws))
	}
	var kinds = map[string]int{}
	for i, raw := range raws {
		h, err := header.Decode(raw)
		if err != nil {
			t.Fatalf("header %d: %v", i, err)
		}
		o := resp.Headers[i]
		if h.Hash().String() != o.Hash || h.ParentHash.String() != o.ParentHash || h.Number != o.Number ||
			h.StateRoot.String() != o.StateRoot || h.ExtrinsicsRoot.String() != o.ExtrinsicsRoot || len(h.Digest) != len(o.Digest) {
			t.Fatalf("header %d (#%d) differs from polkadot-js", i, h.Number)
		}
		for k, it := range h.Digest {
			od := o.Digest[k]
			if it.Kind.String() != od.Type || (it.Kind.HasEngine() && it.Engine.String() != od.Engine) {
				t.Fatalf("header %d item %d: %s %s vs %s %s", i, k, it.Kind, it.Engine, od.Type, od.Engine)
			}
			switch {
			case od.Babe != nil:
				p, err := header.DecodeBABEPreDigest(it.Data)
				if err != nil || p.Kind.String() != od.Babe.Kind || strconv.FormatUint(p.Slot, 10) != od.Babe.Slot || p.AuthorityIndex != od.Babe.AuthorityIndex {
					t.Fatalf("header %d pre-digest %+v vs %+v (%v)", i, p, od.Babe, err)
				}
				kinds["babe "+p.Kind.String()]++
			case od.Grandpa != nil:
				l, err := header.DecodeGrandpaLog(it.Data)
				if err != nil || l.Kind.String() != od.Grandpa.Kind {
					t.Fatalf("header %d GRANDPA log %v vs %+v (%v)", i, l.Kind, od.Grandpa, err)
				}
				if l.Kind == header.GrandpaScheduledChange || l.Kind == header.GrandpaForcedChange {
					if len(l.Change.NextAuthorities) != od.Grandpa.Authorities || int(l.Change.Delay) != od.Grandpa.Delay {
						t.Fatalf("header %d change differs", i)
					}
				}
				if l.Kind == header.GrandpaForcedChange && (od.Grandpa.Median == nil || *od.Grandpa.Median != l.Median) {
					t.Fatalf("header %d forced median differs", i)
				}
				kinds["grandpa "+l.Kind.String()]++
			case od.BabeLog != nil:
				l, err := header.DecodeBABELog(it.Data)
				if err != nil || l.Kind.String() != od.BabeLog.Kind || (l.Kind == header.BABENextEpochData && len(l.NextEpoch.Authorities) != od.BabeLog.Authorities) {
					t.Fatalf("header %d BABE log %v vs %+v (%v)", i, l.Kind, od.BabeLog, err)
				}
				kinds["babe log "+l.Kind.String()]++
			}
		}
	}
	for _, k := range []string{"babe Primary", "babe SecondaryPlain", "babe SecondaryVRF", "grandpa ScheduledChange", "grandpa ForcedChange", "grandpa OnDisabled", "babe log NextEpochData", "babe log OnDisabled", "babe log NextConfigData"} {
		if kinds[k] == 0 {
			t.Errorf("no %s compared", k)
		}
	}
	t.Logf("%d headers compared: %v", len(raws), kinds)
}
