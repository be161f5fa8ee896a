// Package chainclient declares how ksm's use cases (package app) reach a chain:
// the Chain interface, the values it returns, and its first implementation,
// RPC, a JSON-RPC endpoint trusted without proofs (ksm's --trust-rpc mode).
//
// The verified light client implements the same interface; commands and
// use cases never learn which one they talk to except through Verified.
//
// Every method takes a context that bounds it. Errors wrap ErrNotFound
// (no such block), ErrUnsupported (the backend cannot answer this kind of
// question) or ErrDisconnected (the backend went away; a network failure,
// exit code 5 in the CLI).
package chainclient

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/ksm-wallet/ksm/lightclient"
)

// Sentinel errors, possibly wrapped with context.
var (
	// ErrNotFound means the backend knows no such block.
	ErrNotFound = errors.New("chain: not found")
	// ErrUnsupported means the backend cannot answer this kind of request.
	ErrUnsupported = errors.New("chain: not supported by this backend")
)

// Hash is a 32-byte block or extrinsic hash.
type Hash [32]byte

// String is the 0x-hex form.
func (h Hash) String() string { return "0x" + hex.EncodeToString(h[:]) }

// MarshalText writes the 0x-hex form (JSON strings).
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// ParseHash reads a 0x-hex 32-byte hash.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s = s[2:]
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return h, fmt.Errorf("not a 32-byte 0x-hex hash: %.80q", s)
	}
	copy(h[:], b)
	return h, nil
}

// Header is a block header, with its hash.
type Header struct {
	Hash           Hash
	ParentHash     Hash
	Number         uint64
	StateRoot      Hash
	ExtrinsicsRoot Hash
}

// RuntimeVersion is what a runtime says of itself.
type RuntimeVersion struct {
	SpecName           string
	ImplName           string
	SpecVersion        uint32
	TransactionVersion uint32
}

// Properties are the chain's token properties (system_properties or the
// chain spec). Has* report which were given.
type Properties struct {
	SS58Prefix  uint16
	HasSS58     bool
	Decimals    int
	HasDecimals bool
	Symbol      string
}

// StatusKind is a stage of a submitted transaction: the light client's
// vocabulary (lightclient.TxStatus), whichever backend reports it.
type StatusKind = lightclient.TxStatus

// Transaction stages, in the order they usually come.
const (
	StatusFuture    = lightclient.StatusFuture
	StatusReady     = lightclient.StatusReady
	StatusBroadcast = lightclient.StatusBroadcast
	StatusInBlock   = lightclient.StatusInBlock
	StatusRetracted = lightclient.StatusRetracted
	StatusFinalized = lightclient.StatusFinalized
	StatusDropped   = lightclient.StatusDropped
	StatusInvalid   = lightclient.StatusInvalid
	StatusUsurped   = lightclient.StatusUsurped
	StatusTimeout   = lightclient.StatusFinalityTimeout
)

// Status is one step of a submitted transaction.
type Status struct {
	Kind  StatusKind
	Block Hash // InBlock, Retracted, Finalized, FinalityTimeout
	// Detail is what the backend said of an invalid, dropped or usurped
	// transaction, as it said it.
	Detail string
}

// Watch follows one submitted transaction.
type Watch interface {
	// Next waits for the next status; an error wrapping ErrDisconnected
	// when the backend went away.
	Next(ctx context.Context) (Status, error)
	// Close stops following (the transaction stays submitted).
	Close() error
}

// SubmitError is returned by Chain.Submit when the transaction may or may
// not have reached the backend: Sent says what is known.
type SubmitError struct {
	// MaybeSent is true when the request left this machine before the
	// failure, so the transaction may be in the pool.
	MaybeSent bool
	Err       error
}

func (e *SubmitError) Error() string { return e.Err.Error() }
func (e *SubmitError) Unwrap() error { return e.Err }

// RejectedError is the backend refusing a transaction outright (an invalid
// or unknown transaction): it was not accepted and will not be included.
type RejectedError struct {
	Code    int
	Message string
	Data    string
}

func (e *RejectedError) Error() string {
	if e.Data != "" {
		return fmt.Sprintf("transaction rejected: %s: %s", e.Message, e.Data)
	}
	return "transaction rejected: " + e.Message
}

// Chain is what ksm's use cases need of a chain. Block arguments are block
// hashes; read them from BestHead or FinalizedHead first.
type Chain interface {
	// Verified reports whether answers are proven (light client) or merely
	// claimed by an endpoint trusted on the user's word.
	Verified() bool
	// GenesisHash is the chain's genesis hash (the CheckGenesis value).
	GenesisHash(ctx context.Context) (Hash, error)
	// Properties are the chain's token properties.
	Properties(ctx context.Context) (Properties, error)
	// BestHead and FinalizedHead return the newest best and finalized headers.
	BestHead(ctx context.Context) (*Header, error)
	FinalizedHead(ctx context.Context) (*Header, error)
	// Header returns the header of block at.
	Header(ctx context.Context, at Hash) (*Header, error)
	// BlockBody returns the extrinsics of block at, each as in the block
	// body (with its length prefix).
	BlockBody(ctx context.Context, at Hash) ([][]byte, error)
	// Storage reads the value under key at block at; found is false when
	// the key has no value.
	Storage(ctx context.Context, key []byte, at Hash) (value []byte, found bool, err error)
	// StorageKeys returns up to count keys with prefix that sort after
	// startKey (nil: from the first), at block at.
	StorageKeys(ctx context.Context, prefix []byte, count int, startKey []byte, at Hash) ([][]byte, error)
	// RuntimeCall calls a runtime API method ("TransactionPaymentApi_query_info")
	// with SCALE-encoded arguments and returns the SCALE-encoded result.
	RuntimeCall(ctx context.Context, method string, args []byte, at Hash) ([]byte, error)
	// RuntimeVersion and Metadata describe the runtime of block at.
	RuntimeVersion(ctx context.Context, at Hash) (*RuntimeVersion, error)
	// Metadata returns the runtime's metadata (the SCALE bytes of
	// RuntimeMetadataPrefixed, or the Option/Vec wrapped form).
	Metadata(ctx context.Context, at Hash) ([]byte, error)
	// NextNonce returns the account's next nonce as the backend sees it
	// (including its own pool where it has one).
	NextNonce(ctx context.Context, account [32]byte) (uint64, error)
	// DryRun applies a signed extrinsic on top of block at without keeping
	// the result and returns the SCALE ApplyExtrinsicResult. ErrUnsupported
	// when the backend cannot.
	DryRun(ctx context.Context, extrinsic []byte, at Hash) ([]byte, error)
	// Submit sends an extrinsic and follows it. It sends at most once; on
	// failure it returns a *SubmitError saying whether it may have been
	// sent, or a *RejectedError when the backend refused it.
	Submit(ctx context.Context, extrinsic []byte) (Watch, error)
	// Close releases the connection.
	Close() error
}

// ErrDisconnected means the connection to the chain was lost or could
// not be made.
var ErrDisconnected = errors.New("chain: connection lost")

// IsDisconnectedErr reports whether err means the backend went away.
func IsDisconnectedErr(err error) bool { return err != nil && errors.Is(err, ErrDisconnected) }
