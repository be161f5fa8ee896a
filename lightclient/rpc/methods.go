package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Typed helpers for the methods ksm uses. Each returns what the server said,
// decoded for shape only. A nil at means the server's best block.

func withAt(params []any, at *Hash) []any {
	if at != nil {
		params = append(params, *at)
	}
	return params
}

// ErrNotFound: the server answered null (no such block, hash or key).
var ErrNotFound = errors.New("rpc: not found")

// callNullable calls method and decodes its result into out, returning
// ErrNotFound when the result is null.
func (c *Client) callNullable(ctx context.Context, method string, params []any, out any) error {
	var raw json.RawMessage
	if err := c.Call(ctx, method, params, &raw); err != nil {
		return err
	}
	if isNull(raw) {
		return fmt.Errorf("rpc: %s: %w", method, ErrNotFound)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadResult, method, err)
	}
	return nil
}

// BlockHash calls chain_getBlockHash(number). ErrNotFound if the server
// knows no such block.
func (c *Client) BlockHash(ctx context.Context, number uint64) (Hash, error) {
	var h Hash
	err := c.callNullable(ctx, "chain_getBlockHash", []any{number}, &h)
	return h, err
}

// BestBlockHash calls chain_getBlockHash without a number.
func (c *Client) BestBlockHash(ctx context.Context) (Hash, error) {
	var h Hash
	err := c.callNullable(ctx, "chain_getBlockHash", nil, &h)
	return h, err
}

// FinalizedHead calls chain_getFinalizedHead.
func (c *Client) FinalizedHead(ctx context.Context) (Hash, error) {
	var h Hash
	err := c.callNullable(ctx, "chain_getFinalizedHead", nil, &h)
	return h, err
}

// Header calls chain_getHeader(at). Its Hash method gives the hash the header
// would have; compare it with the hash asked for before using it.
func (c *Client) Header(ctx context.Context, at *Hash) (*Header, error) {
	return nullable[Header](ctx, c, "chain_getHeader", withAt(nil, at))
}

// Block calls chain_getBlock(at).
func (c *Client) Block(ctx context.Context, at *Hash) (*SignedBlock, error) {
	return nullable[SignedBlock](ctx, c, "chain_getBlock", withAt(nil, at))
}

// Storage calls state_getStorage(key, at). ErrNotFound when the key has no
// value.
func (c *Client) Storage(ctx context.Context, key []byte, at *Hash) ([]byte, error) {
	return nullableBytes(ctx, c, "state_getStorage", withAt([]any{Bytes(key)}, at))
}

// ReadProof calls state_getReadProof(keys, at).
func (c *Client) ReadProof(ctx context.Context, keys [][]byte, at *Hash) (*ReadProof, error) {
	ks := make([]Bytes, len(keys))
	for i, k := range keys {
		ks[i] = k
	}
	return nullable[ReadProof](ctx, c, "state_getReadProof", withAt([]any{ks}, at))
}

// Metadata calls state_getMetadata(at): the runtime's default metadata
// version, prefixed with the "meta" magic.
func (c *Client) Metadata(ctx context.Context, at *Hash) ([]byte, error) {
	return nullableBytes(ctx, c, "state_getMetadata", withAt(nil, at))
}

// RuntimeVersion calls state_getRuntimeVersion(at).
func (c *Client) RuntimeVersion(ctx context.Context, at *Hash) (*RuntimeVersion, error) {
	return nullable[RuntimeVersion](ctx, c, "state_getRuntimeVersion", withAt(nil, at))
}

// StateCall calls state_call(method, data, at): a runtime API call with
// SCALE-encoded arguments, returning the SCALE-encoded result.
func (c *Client) StateCall(ctx context.Context, method string, data []byte, at *Hash) ([]byte, error) {
	return nullableBytes(ctx, c, "state_call", withAt([]any{method, Bytes(data)}, at))
}

// AccountNextIndex calls system_accountNextIndex(account): the next nonce by
// the server's pool. account is an SS58 address (or hex account id, where
// the server accepts it).
func (c *Client) AccountNextIndex(ctx context.Context, account string) (uint64, error) {
	var n uint64
	err := c.callNullable(ctx, "system_accountNextIndex", []any{account}, &n)
	return n, err
}

// SubmitExtrinsic calls author_submitExtrinsic with a SCALE-encoded
// extrinsic and returns the transaction hash the server reports.
func (c *Client) SubmitExtrinsic(ctx context.Context, extrinsic []byte) (Hash, error) {
	var h Hash
	err := c.callNullable(ctx, "author_submitExtrinsic", []any{Bytes(extrinsic)}, &h)
	return h, err
}

// SubmitAndWatchExtrinsic calls author_submitAndWatchExtrinsic and returns
// the stream of status events. Unsubscribe when done.
func (c *Client) SubmitAndWatchExtrinsic(ctx context.Context, extrinsic []byte) (*TxWatch, error) {
	s, err := c.Subscribe(ctx, "author_submitAndWatchExtrinsic", []any{Bytes(extrinsic)}, "author_unwatchExtrinsic")
	if err != nil {
		return nil, err
	}
	return &TxWatch{s}, nil
}

// ProveFinality calls grandpa_proveFinality(number): the SCALE-encoded
// FinalityProof the server offers, unchecked. ErrNotFound when it has none.
func (c *Client) ProveFinality(ctx context.Context, number uint64) ([]byte, error) {
	return nullableBytes(ctx, c, "grandpa_proveFinality", []any{number})
}

// SystemChain calls system_chain: the chain name the server claims.
func (c *Client) SystemChain(ctx context.Context) (string, error) {
	var s string
	err := c.callNullable(ctx, "system_chain", nil, &s)
	return s, err
}

// SystemProperties calls system_properties: the chain spec properties the
// server claims (ss58Format, tokenDecimals, tokenSymbol, ...), raw.
func (c *Client) SystemProperties(ctx context.Context) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	err := c.callNullable(ctx, "system_properties", nil, &m)
	return m, err
}

// SubscribeNewHeads calls chain_subscribeNewHeads; each notification is a
// header (see ParseHeader).
func (c *Client) SubscribeNewHeads(ctx context.Context) (*Subscription, error) {
	return c.Subscribe(ctx, "chain_subscribeNewHeads", nil, "chain_unsubscribeNewHeads")
}

// SubscribeFinalizedHeads calls chain_subscribeFinalizedHeads; each
// notification is a header (see ParseHeader).
func (c *Client) SubscribeFinalizedHeads(ctx context.Context) (*Subscription, error) {
	return c.Subscribe(ctx, "chain_subscribeFinalizedHeads", nil, "chain_unsubscribeFinalizedHeads")
}

// ParseHeader decodes a header notification.
func ParseHeader(raw json.RawMessage) (*Header, error) {
	h := new(Header)
	if err := json.Unmarshal(raw, h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrBadResult, err)
	}
	return h, nil
}

// DevNewBlock calls dev_newBlock({count}) (chopsticks and other dev nodes)
// and returns the hash of the last block built.
func (c *Client) DevNewBlock(ctx context.Context, count int) (Hash, error) {
	if count < 1 {
		count = 1
	}
	var h Hash
	err := c.callNullable(ctx, "dev_newBlock", []any{map[string]any{"count": count}}, &h)
	return h, err
}

// DevSetStorage calls dev_setStorage(changes, at) (chopsticks) and returns
// the block hash it reports.
func (c *Client) DevSetStorage(ctx context.Context, changes []StorageChange, at *Hash) (Hash, error) {
	var h Hash
	err := c.callNullable(ctx, "dev_setStorage", withAt([]any{changes}, at), &h)
	return h, err
}

// nullable calls method with params and returns its result as a new T
// (ErrNotFound when the server answered null).
func nullable[T any](ctx context.Context, c *Client, method string, params []any) (*T, error) {
	v := new(T)
	if err := c.callNullable(ctx, method, params, v); err != nil {
		return nil, err
	}
	return v, nil
}

// nullableBytes is nullable for a hex result.
func nullableBytes(ctx context.Context, c *Client, method string, params []any) ([]byte, error) {
	v, err := nullable[Bytes](ctx, c, method, params)
	if err != nil {
		return nil, err
	}
	return *v, nil
}
