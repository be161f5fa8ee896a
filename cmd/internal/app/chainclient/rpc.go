package chainclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ksm-wallet/ksm/lightclient"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// RPC is a Chain served by one JSON-RPC endpoint whose answers are taken on
// trust: nothing it says is proven (Verified is false). ksm uses it only in
// the explicit --trust-rpc mode, for development chains.
type RPC struct {
	c *rpc.Client

	mu      sync.Mutex
	genesis *Hash
}

// DialRPC connects to a ws://, wss://, http:// or https:// endpoint.
func DialRPC(ctx context.Context, url string) (*RPC, error) {
	c, err := rpc.Dial(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDisconnected, err)
	}
	return &RPC{c: c}, nil
}

// NewRPC wraps an open client.
func NewRPC(c *rpc.Client) *RPC { return &RPC{c: c} }

// Verified is false: an endpoint's answers are claims.
func (r *RPC) Verified() bool { return false }

// Close closes the connection.
func (r *RPC) Close() error { return r.c.Close() }

// wrap classifies transport errors.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, rpc.ErrClosed), errors.Is(err, io.EOF):
		return fmt.Errorf("%s: %w: %w", what, ErrDisconnected, err)
	case errors.Is(err, rpc.ErrNotFound):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	var re *rpc.Error
	if errors.As(err, &re) && re.Code == -32601 {
		return fmt.Errorf("%s: %w: %w", what, ErrUnsupported, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// GenesisHash is chain_getBlockHash(0), remembered.
func (r *RPC) GenesisHash(ctx context.Context) (Hash, error) {
	r.mu.Lock()
	g := r.genesis
	r.mu.Unlock()
	if g != nil {
		return *g, nil
	}
	h, err := r.c.BlockHash(ctx, 0)
	if err != nil {
		return Hash{}, wrap("genesis hash", err)
	}
	gh := Hash(h)
	r.mu.Lock()
	r.genesis = &gh
	r.mu.Unlock()
	return gh, nil
}

// Properties reads system_properties (ss58Format, tokenDecimals and
// tokenSymbol; multi-token chains give arrays whose first entry is the
// native token).
func (r *RPC) Properties(ctx context.Context) (Properties, error) {
	m, err := r.c.SystemProperties(ctx)
	if err != nil {
		if errors.Is(err, rpc.ErrNotFound) {
			return Properties{}, nil
		}
		return Properties{}, wrap("system_properties", err)
	}
	return ParseProperties(m), nil
}

// ParseProperties reads chain-spec style properties; values may be numbers,
// numeric strings or arrays of them.
func ParseProperties(m map[string]json.RawMessage) Properties {
	var p Properties
	first := func(raw json.RawMessage) (json.RawMessage, bool) {
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) == nil {
			if len(arr) == 0 {
				return nil, false
			}
			return arr[0], true
		}
		return raw, len(raw) > 0
	}
	num := func(raw json.RawMessage) (int64, bool) {
		raw, ok := first(raw)
		if !ok {
			return 0, false
		}
		var n int64
		if json.Unmarshal(raw, &n) == nil {
			return n, true
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
				return v, true
			}
		}
		return 0, false
	}
	if v, ok := num(m["ss58Format"]); ok && v >= 0 && v < 16384 {
		p.SS58Prefix, p.HasSS58 = uint16(v), true
	}
	if v, ok := num(m["tokenDecimals"]); ok && v >= 0 && v <= 30 {
		p.Decimals, p.HasDecimals = int(v), true
	}
	if raw, ok := first(m["tokenSymbol"]); ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			p.Symbol = s
		}
	}
	return p
}

func toHeader(h *rpc.Header, at *Hash) (*Header, error) {
	out := &Header{
		ParentHash: Hash(h.ParentHash), Number: uint64(h.Number),
		StateRoot: Hash(h.StateRoot), ExtrinsicsRoot: Hash(h.ExtrinsicsRoot),
	}
	if at != nil {
		out.Hash = *at
		return out, nil
	}
	hh, err := h.Hash()
	if err != nil {
		return nil, err
	}
	out.Hash = Hash(hh)
	return out, nil
}

func (r *RPC) headerAt(ctx context.Context, what string, at rpc.Hash) (*Header, error) {
	h, err := r.c.Header(ctx, &at)
	if err != nil {
		return nil, wrap(what, err)
	}
	hh := Hash(at)
	return toHeader(h, &hh)
}

// BestHead is the header of chain_getBlockHash().
func (r *RPC) BestHead(ctx context.Context) (*Header, error) {
	h, err := r.c.BestBlockHash(ctx)
	if err != nil {
		return nil, wrap("best block", err)
	}
	return r.headerAt(ctx, "best block header", h)
}

// FinalizedHead is the header of chain_getFinalizedHead.
func (r *RPC) FinalizedHead(ctx context.Context) (*Header, error) {
	h, err := r.c.FinalizedHead(ctx)
	if err != nil {
		return nil, wrap("finalized head", err)
	}
	return r.headerAt(ctx, "finalized header", h)
}

// Header is chain_getHeader(at).
func (r *RPC) Header(ctx context.Context, at Hash) (*Header, error) {
	return r.headerAt(ctx, "header "+at.String(), rpc.Hash(at))
}

// BlockBody is chain_getBlock(at).extrinsics.
func (r *RPC) BlockBody(ctx context.Context, at Hash) ([][]byte, error) {
	h := rpc.Hash(at)
	b, err := r.c.Block(ctx, &h)
	if err != nil {
		return nil, wrap("block "+at.String(), err)
	}
	out := make([][]byte, len(b.Block.Extrinsics))
	for i, x := range b.Block.Extrinsics {
		out[i] = x
	}
	return out, nil
}

// Storage is state_getStorage(key, at).
func (r *RPC) Storage(ctx context.Context, key []byte, at Hash) ([]byte, bool, error) {
	h := rpc.Hash(at)
	v, err := r.c.Storage(ctx, key, &h)
	if errors.Is(err, rpc.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, wrap("storage", err)
	}
	return v, true, nil
}

// StorageKeys is state_getKeysPaged(prefix, count, startKey, at).
func (r *RPC) StorageKeys(ctx context.Context, prefix []byte, count int, startKey []byte, at Hash) ([][]byte, error) {
	params := []any{rpc.Bytes(prefix), count}
	if startKey != nil {
		params = append(params, rpc.Bytes(startKey))
	} else {
		params = append(params, nil)
	}
	params = append(params, rpc.Hash(at))
	var keys []rpc.Bytes
	if err := r.c.Call(ctx, "state_getKeysPaged", params, &keys); err != nil {
		return nil, wrap("storage keys", err)
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out, nil
}

// RuntimeCall is state_call(method, args, at).
func (r *RPC) RuntimeCall(ctx context.Context, method string, args []byte, at Hash) ([]byte, error) {
	h := rpc.Hash(at)
	v, err := r.c.StateCall(ctx, method, args, &h)
	if err != nil {
		return nil, wrap(method, err)
	}
	return v, nil
}

// RuntimeVersion is state_getRuntimeVersion(at).
func (r *RPC) RuntimeVersion(ctx context.Context, at Hash) (*RuntimeVersion, error) {
	h := rpc.Hash(at)
	v, err := r.c.RuntimeVersion(ctx, &h)
	if err != nil {
		return nil, wrap("runtime version", err)
	}
	return &RuntimeVersion{SpecName: v.SpecName, ImplName: v.ImplName, SpecVersion: v.SpecVersion, TransactionVersion: v.TransactionVersion}, nil
}

// Metadata is state_getMetadata(at).
func (r *RPC) Metadata(ctx context.Context, at Hash) ([]byte, error) {
	h := rpc.Hash(at)
	v, err := r.c.Metadata(ctx, &h)
	if err != nil {
		return nil, wrap("metadata", err)
	}
	return v, nil
}

// NextNonce is system_accountNextIndex (the endpoint's pool included).
func (r *RPC) NextNonce(ctx context.Context, account [32]byte) (uint64, error) {
	n, err := r.c.AccountNextIndex(ctx, ss58.MustEncode(account, 42))
	if err != nil {
		return 0, wrap("next nonce", err)
	}
	return n, nil
}

// DryRun is system_dryRun(extrinsic, at).
func (r *RPC) DryRun(ctx context.Context, extrinsic []byte, at Hash) ([]byte, error) {
	var v rpc.Bytes
	if err := r.c.Call(ctx, "system_dryRun", []any{rpc.Bytes(extrinsic), rpc.Hash(at)}, &v); err != nil {
		var re *rpc.Error
		if errors.As(err, &re) && (re.Code == -32601 || strings.Contains(strings.ToLower(re.Message), "method not found")) {
			return nil, fmt.Errorf("system_dryRun: %w", ErrUnsupported)
		}
		return nil, wrap("system_dryRun", err)
	}
	return v, nil
}

// Submit is author_submitAndWatchExtrinsic. The request is sent once.
func (r *RPC) Submit(ctx context.Context, extrinsic []byte) (Watch, error) {
	if err := r.c.Err(); err != nil {
		return nil, &SubmitError{MaybeSent: false, Err: wrap("submit", err)}
	}
	sub, err := r.c.Subscribe(ctx, "author_submitAndWatchExtrinsic", []any{rpc.Bytes(extrinsic)}, "author_unwatchExtrinsic")
	if err != nil {
		var re *rpc.Error
		if errors.As(err, &re) {
			data := ""
			if len(re.Data) > 0 {
				var s string
				if json.Unmarshal(re.Data, &s) == nil {
					data = s
				} else {
					data = string(re.Data)
				}
			}
			return nil, &RejectedError{Code: re.Code, Message: re.Message, Data: data}
		}
		return nil, &SubmitError{MaybeSent: true, Err: wrap("submit", err)}
	}
	return &rpcWatch{s: sub}, nil
}

type rpcWatch struct{ s *rpc.Subscription }

func (w *rpcWatch) Next(ctx context.Context) (Status, error) {
	for {
		select {
		case raw, ok := <-w.s.Notifications():
			if !ok {
				if err := w.s.Err(); err != nil {
					return Status{}, wrap("transaction status", err)
				}
				return Status{}, fmt.Errorf("transaction status: %w: subscription ended", ErrDisconnected)
			}
			st, ok := parseStatus(raw)
			if !ok {
				continue // a status ksm does not know tells it nothing
			}
			return st, nil
		case <-ctx.Done():
			return Status{}, ctx.Err()
		}
	}
}

func (w *rpcWatch) Close() error { return w.s.Unsubscribe() }

// parseStatus reads one author_extrinsicUpdate notification
// (lightclient.ParseTxStatus).
func parseStatus(raw json.RawMessage) (Status, bool) {
	u, ok := lightclient.ParseTxStatus(raw)
	return Status{Kind: u.Kind, Block: Hash(u.Block), Detail: u.Detail}, ok
}
