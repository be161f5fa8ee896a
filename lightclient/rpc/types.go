package rpc

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Hash is a 32-byte hash, 0x-hex in JSON.
type Hash [32]byte

// String returns 0x-hex.
func (h Hash) String() string { return "0x" + hex.EncodeToString(h[:]) }

// MarshalJSON encodes 0x-hex.
func (h Hash) MarshalJSON() ([]byte, error) { return json.Marshal(h.String()) }

// UnmarshalJSON decodes 0x-hex of exactly 32 bytes.
func (h *Hash) UnmarshalJSON(b []byte) error {
	v, err := decodeHexJSON(b)
	if err != nil {
		return fmt.Errorf("hash: %w", err)
	}
	if len(v) != len(h) {
		return fmt.Errorf("hash: %d bytes, want 32", len(v))
	}
	copy(h[:], v)
	return nil
}

// Bytes is a byte string, 0x-hex in JSON.
type Bytes []byte

// String returns 0x-hex.
func (b Bytes) String() string { return "0x" + hex.EncodeToString(b) }

// MarshalJSON encodes 0x-hex.
func (b Bytes) MarshalJSON() ([]byte, error) { return json.Marshal(b.String()) }

// UnmarshalJSON decodes 0x-hex.
func (b *Bytes) UnmarshalJSON(data []byte) error {
	v, err := decodeHexJSON(data)
	if err != nil {
		return err
	}
	*b = v
	return nil
}

func decodeHexJSON(b []byte) ([]byte, error) {
	// A plain "0x..." literal (no escapes: what every server sends) is
	// decoded in place, without unquoting it into a string first: a proof
	// of :code is megabytes of hex. Anything else takes the general path.
	if n := len(b); n >= 4 && b[0] == '"' && b[n-1] == '"' && b[1] == '0' && b[2] == 'x' && bytes.IndexByte(b[3:n-1], '\\') < 0 {
		v := make([]byte, hex.DecodedLen(n-4))
		if _, err := hex.Decode(v, b[3:n-1]); err != nil {
			return nil, fmt.Errorf("hex: %v", err)
		}
		return v, nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("want a hex string: %v", err)
	}
	return decodeHex(s)
}

func decodeHex(s string) ([]byte, error) {
	if !strings.HasPrefix(s, "0x") {
		return nil, fmt.Errorf("hex %.20q without 0x", s)
	}
	v, err := hex.DecodeString(s[2:])
	if err != nil {
		return nil, fmt.Errorf("hex: %v", err)
	}
	return v, nil
}

// BlockNumber is a block number; JSON-RPC servers send it as a 0x-hex
// quantity ("0x1a"), some as a JSON integer. Both are accepted.
type BlockNumber uint64

// UnmarshalJSON accepts "0x..." hex quantities and plain integers.
func (n *BlockNumber) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("block number: %v", err)
		}
		if !strings.HasPrefix(s, "0x") || len(s) < 3 {
			return fmt.Errorf("block number %.30q is not a 0x quantity", s)
		}
		v, err := strconv.ParseUint(s[2:], 16, 64)
		if err != nil {
			return fmt.Errorf("block number %.30q: %v", s, err)
		}
		*n = BlockNumber(v)
		return nil
	}
	v, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("block number %.30s: %v", b, err)
	}
	*n = BlockNumber(v)
	return nil
}

// MarshalJSON encodes a 0x-hex quantity.
func (n BlockNumber) MarshalJSON() ([]byte, error) {
	return json.Marshal("0x" + strconv.FormatUint(uint64(n), 16))
}

// Header is a block header as JSON-RPC returns it. Nothing in it is checked:
// its hash is only meaningful once compared with a hash from a verified
// source.
type Header struct {
	ParentHash     Hash        `json:"parentHash"`
	Number         BlockNumber `json:"number"`
	StateRoot      Hash        `json:"stateRoot"`
	ExtrinsicsRoot Hash        `json:"extrinsicsRoot"`
	Digest         Digest      `json:"digest"`
}

// Digest holds the digest items, each already SCALE-encoded (a DigestItem).
type Digest struct {
	Logs []Bytes `json:"logs"`
}

// maxBlockNumber is the largest number a u32 block number (Kusama, Polkadot
// and their system chains) can hold.
const maxBlockNumber = 1<<32 - 1

// SCALE returns the header's SCALE encoding: parentHash ‖ Compact(number) ‖
// stateRoot ‖ extrinsicsRoot ‖ Vec<DigestItem>. Each log is appended as
// sent; it is not checked to be a well-formed DigestItem.
func (h *Header) SCALE() ([]byte, error) {
	if h.Number > maxBlockNumber {
		return nil, fmt.Errorf("%w: header number %d does not fit a u32 block number", ErrBadResult, h.Number)
	}
	n := 32 + scale.CompactLen(uint64(h.Number)) + 64 + scale.CompactLen(uint64(len(h.Digest.Logs)))
	for _, l := range h.Digest.Logs {
		n += len(l)
	}
	out := make([]byte, 0, n)
	out = append(out, h.ParentHash[:]...)
	out = scale.AppendCompact(out, uint64(h.Number))
	out = append(out, h.StateRoot[:]...)
	out = append(out, h.ExtrinsicsRoot[:]...)
	out = scale.AppendCompact(out, uint64(len(h.Digest.Logs)))
	for _, l := range h.Digest.Logs {
		out = append(out, l...)
	}
	return out, nil
}

// Hash returns blake2b-256 of the SCALE encoding, the block hash the header
// claims to have (for BlakeTwo256 chains such as Kusama).
func (h *Header) Hash() (Hash, error) {
	b, err := h.SCALE()
	if err != nil {
		return Hash{}, err
	}
	return hash.Blake2b256(b), nil
}

// SignedBlock is the result of chain_getBlock.
type SignedBlock struct {
	Block          Block           `json:"block"`
	Justifications []Justification `json:"justifications"` // nil when the server sent null
}

// Block is a header and its extrinsics, each extrinsic SCALE-encoded with its
// length prefix (as a Vec<u8>), as sent.
type Block struct {
	Header     Header  `json:"header"`
	Extrinsics []Bytes `json:"extrinsics"`
}

// Justification is one (engine id, encoded justification) pair, e.g. a
// GRANDPA justification under engine "FRNK".
type Justification struct {
	EngineID [4]byte
	Data     []byte
}

// UnmarshalJSON accepts the serde form [[70,82,78,75],[1,2,...]] and the
// hex form ["0x46524e4b","0x..."].
func (j *Justification) UnmarshalJSON(b []byte) error {
	id, rest, err := idPair(b, "justification", "justification engine id", 4, flexBytes)
	if err != nil {
		return err
	}
	data, err := flexBytes(rest)
	if err != nil {
		return fmt.Errorf("justification data: %w", err)
	}
	copy(j.EngineID[:], id)
	j.Data = data
	return nil
}

// idPair reads b, the JSON pair [id, value] of what: it decodes id with
// readID, requires it to be size bytes long (idWhat names it in errors) and
// returns it with the value still encoded.
func idPair(b []byte, what, idWhat string, size int, readID func([]byte) ([]byte, error)) ([]byte, json.RawMessage, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", what, err)
	}
	if len(parts) != 2 {
		return nil, nil, fmt.Errorf("%s: %d parts, want 2", what, len(parts))
	}
	id, err := readID(parts[0])
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", idWhat, err)
	}
	if len(id) != size {
		return nil, nil, fmt.Errorf("%s: %d bytes, want %d", idWhat, len(id), size)
	}
	return id, parts[1], nil
}

// flexBytes decodes a JSON array of byte values or a 0x-hex string.
func flexBytes(raw []byte) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		return decodeHexJSON(raw)
	}
	// Not []byte: encoding/json would read a base64 string into it.
	var nums []uint16
	if err := json.Unmarshal(raw, &nums); err != nil {
		return nil, fmt.Errorf("want a byte array or hex string: %v", err)
	}
	v := make([]byte, len(nums))
	for i, x := range nums {
		if x > 0xff {
			return nil, fmt.Errorf("byte %d is %d", i, x)
		}
		v[i] = byte(x)
	}
	return v, nil
}

// RuntimeVersion is the result of state_getRuntimeVersion.
type RuntimeVersion struct {
	SpecName           string       `json:"specName"`
	ImplName           string       `json:"implName"`
	AuthoringVersion   uint32       `json:"authoringVersion"`
	SpecVersion        uint32       `json:"specVersion"`
	ImplVersion        uint32       `json:"implVersion"`
	APIs               []RuntimeAPI `json:"apis"`
	TransactionVersion uint32       `json:"transactionVersion"`
	SystemVersion      uint8        `json:"systemVersion"`
	StateVersion       uint8        `json:"stateVersion"`
}

// RuntimeAPI is one (API id, version) pair of a runtime version.
type RuntimeAPI struct {
	ID      [8]byte
	Version uint32
}

// UnmarshalJSON decodes ["0xdf6acb689907609b", 5].
func (a *RuntimeAPI) UnmarshalJSON(b []byte) error {
	id, rest, err := idPair(b, "runtime api", "runtime api id", 8, decodeHexJSON)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(rest, &a.Version); err != nil {
		return fmt.Errorf("runtime api version: %v", err)
	}
	copy(a.ID[:], id)
	return nil
}

// ReadProof is the result of state_getReadProof: trie nodes, unchecked.
type ReadProof struct {
	At    Hash    `json:"at"`
	Proof []Bytes `json:"proof"`
}

// StorageChange is one key to set (or delete, when Value is nil) with
// dev_setStorage.
type StorageChange struct {
	Key   []byte
	Value []byte // nil deletes the key
}

// MarshalJSON encodes the [key, value|null] pair dev_setStorage takes.
func (s StorageChange) MarshalJSON() ([]byte, error) {
	if s.Value == nil {
		return json.Marshal([]any{Bytes(s.Key), nil})
	}
	return json.Marshal([]any{Bytes(s.Key), Bytes(s.Value)})
}
