package metadata_test

import (
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// merkleCase is one metadata file and the chain facts the digest commits to.
type merkleCase struct {
	name     string
	path     func(t *testing.T) string
	decimals uint8
	token    string
}

func sharedMeta(name string) func(t *testing.T) string {
	return func(t *testing.T) string { return testenv.Shared(t, "metadata", name) }
}

func typesSupportMeta(rel string) func(t *testing.T) string {
	return func(t *testing.T) string {
		return filepath.Join(testenv.OracleDir(t), "node_modules", "@polkadot", "types-support", "metadata", rel)
	}
}

var merkleCases = []merkleCase{
	{"kusama-v15-spec1009002", sharedMeta("kusama-v15-spec1009002.scale"), 12, "KSM"},
	{"polkadot-v15-spec2000000", sharedMeta("polkadot-v15-spec2000000.scale"), 10, "DOT"},
	{"substrate-v16", typesSupportMeta("v16/substrate-hex.js"), 12, "UNIT"},
	{"asset-hub-kusama-v15", typesSupportMeta("v15/asset-hub-kusama-hex.js"), 12, "KSM"},
	{"asset-hub-polkadot-v15", typesSupportMeta("v15/asset-hub-polkadot-hex.js"), 10, "DOT"},
	{"substrate-v15", typesSupportMeta("v15/substrate-hex.js"), 12, "UNIT"},
}

// loadMetaFile reads raw metadata or a types-support hex module.
func loadMetaFile(t *testing.T, path string) *metadata.Metadata {
	t.Helper()
	md, err := metadata.Decode(testenv.ReadMetadataFile(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return md
}

func merkleize(t testing.TB, md *metadata.Metadata, decimals uint8, token string) *metadata.Merkleized {
	t.Helper()
	mk, err := md.MerkleizeFor(metadata.MerkleExtraInfo{Decimals: decimals, TokenSymbol: token}, false)
	if err != nil {
		t.Fatal(err)
	}
	return mk
}

type oracleMerkle struct {
	Digest string   `json:"digest"`
	Proofs []string `json:"proofs"`
}

func runMerkleOracle(t *testing.T, path string, decimals uint8, token string, payloads ...string) oracleMerkle {
	t.Helper()
	args := append([]string{path, strconv.Itoa(int(decimals)), token}, payloads...)
	out := testenv.Node(t, nil, "merkle-digest.mjs", args...)
	var o oracleMerkle
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatalf("oracle output %q: %v", out, err)
	}
	return o
}

// TestMerkleDigestMatchesOracle compares the RFC-0078 digest with
// @polkadot-api/merkleize-metadata for every v15+ metadata file available.
func TestMerkleDigestMatchesOracle(t *testing.T) {
	for _, c := range merkleCases {
		t.Run(c.name, func(t *testing.T) {
			path := c.path(t)
			md := loadMetaFile(t, path)
			mk := merkleize(t, md, c.decimals, c.token)
			d := mk.Digest()
			got := "0x" + hex.EncodeToString(d[:])
			want := runMerkleOracle(t, path, c.decimals, c.token).Digest
			if got != want {
				t.Fatalf("digest %s, oracle %s (%d leaves)", got, want, len(mk.Leaves))
			}
			t.Logf("%s: %d leaves, digest %s", c.name, len(mk.Leaves), got)
		})
	}
}

// TestChainInfoVersions: System.Version gives spec and transaction version,
// as the runtime-version files polkadot-js read from the same runtimes say.
func TestChainInfoVersions(t *testing.T) {
	for _, name := range []string{"kusama-v15-spec1009002", "kusama-v14-spec9370", "polkadot-v15-spec2000000"} {
		var rv struct {
			SpecName           string `json:"specName"`
			SpecVersion        uint32 `json:"specVersion"`
			TransactionVersion uint32 `json:"transactionVersion"`
		}
		if err := json.Unmarshal(testenv.ReadShared(t, "metadata", name+".runtime-version.json"), &rv); err != nil {
			t.Fatal(err)
		}
		m, err := metadata.Decode(testenv.ReadShared(t, "metadata", name+".scale"))
		if err != nil {
			t.Fatal(err)
		}
		ci, err := m.ChainInfo()
		if err != nil || !ci.HasVersion || !ci.HasTxVersion {
			t.Fatalf("%s: %+v %v", name, ci, err)
		}
		if ci.SpecName != rv.SpecName || ci.SpecVersion != rv.SpecVersion || ci.TxVersion != rv.TransactionVersion {
			t.Errorf("%s: %s/%d/%d, want %s/%d/%d", name, ci.SpecName, ci.SpecVersion, ci.TxVersion, rv.SpecName, rv.SpecVersion, rv.TransactionVersion)
		}
	}
}
