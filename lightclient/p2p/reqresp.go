package p2p

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// RequestHandler answers one inbound request. Returning an error resets
// the stream without a response (Substrate's way to refuse). ctx ends at
// the request deadline or when the host closes.
type RequestHandler func(ctx context.Context, from peer.ID, req []byte) ([]byte, error)

// Serve registers h as the handler of request protocol k (KindSync,
// KindWarp or KindLight) under its main and legacy names. Requests larger
// than the protocol's limit are refused and their sender banned; a handler
// that panics has its stream reset.
func (h *Host) Serve(k wire.Kind, handler RequestHandler) {
	h.mu.Lock()
	h.handlers[k] = handler
	h.mu.Unlock()
	h.setHandler(k, h.handleRequestStream)
}

func (h *Host) handleRequestStream(k wire.Kind, s network.Stream, p peer.ID) {
	h.mu.Lock()
	handler := h.handlers[k]
	ps := h.peerLocked(p)
	over := ps.inflight >= h.cfg.MaxInboundRequests
	if !over {
		ps.inflight++
	}
	h.mu.Unlock()
	if handler == nil || over {
		s.Reset()
		return
	}
	defer func() {
		h.mu.Lock()
		h.peerLocked(p).inflight--
		h.mu.Unlock()
	}()
	ctx, cancel := context.WithTimeout(h.ctx, h.cfg.RequestTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { s.Reset() })
	defer stop()
	dl, _ := ctx.Deadline()
	_ = s.SetDeadline(dl)
	maxReq, _ := k.RequestLimits()
	req, err := wire.ReadFrame(s, maxReq)
	if err != nil {
		h.banBadFrame(p, k.String()+" request", err)
		s.Reset()
		return
	}
	resp, err := safeCall(ctx, handler, p, req)
	if err != nil {
		h.log.Debug("request handler", "peer", p, "kind", k, "err", err)
		s.Reset()
		return
	}
	if err := wire.WriteFrame(s, resp); err != nil {
		s.Reset()
		return
	}
	_ = s.Close()
}

// safeCall runs a handler, turning a panic into an error.
func safeCall(ctx context.Context, f RequestHandler, p peer.ID, req []byte) (resp []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("request handler panicked: %v", r)
		}
	}()
	return f(ctx, p, req)
}

// Errors (wrapped) of failed requests, besides ErrBanned, ErrClosed and ErrTimeout.
var (
	// ErrRefused means the peer closed or reset the stream without answering.
	ErrRefused = errors.New("p2p: peer refused the request")
	// ErrInvalidResponse means a response was malformed or broke the protocol; the peer is banned.
	ErrInvalidResponse = errors.New("p2p: invalid response")
)

// Request sends one raw request of protocol k to p and returns the raw
// response. The request is bounded by ctx and Config.RequestTimeout; the
// response by the protocol's size limit. A response over the limit bans p;
// a timeout or failure lowers p's reputation. Cancelling ctx resets the stream.
func (h *Host) Request(ctx context.Context, p peer.ID, k wire.Kind, req []byte) ([]byte, error) {
	if h.Banned(p) {
		return nil, fmt.Errorf("%s request to %s: %w", k, p, ErrBanned)
	}
	if h.isClosed() {
		return nil, ErrClosed
	}
	_, maxResp := k.RequestLimits()
	ctx, cancel := context.WithTimeout(ctx, h.cfg.RequestTimeout)
	defer cancel()
	main, legacy := h.names.Pair(k)
	s, err := h.h.NewStream(ctx, p, protocol.ID(main), protocol.ID(legacy))
	if err != nil {
		err = ctxOr(ctx, err)
		h.adjust(p, repFailure, "open stream failure")
		return nil, fmt.Errorf("open %s stream to %s: %w", k, p, err)
	}
	stop := context.AfterFunc(ctx, func() { s.Reset() })
	defer stop()
	dl, _ := ctx.Deadline()
	_ = s.SetDeadline(dl)
	if err := wire.WriteFrame(s, req); err != nil {
		s.Reset()
		err = ctxOr(ctx, err)
		h.adjust(p, repFailure, "request write failure")
		return nil, fmt.Errorf("send %s request to %s: %w", k, p, err)
	}
	_ = s.CloseWrite()
	resp, err := wire.ReadFrame(s, maxResp)
	if err != nil {
		s.Reset()
		switch {
		case ctx.Err() != nil:
			err = ctxErr(ctx.Err())
			if errors.Is(err, ErrTimeout) {
				h.adjust(p, repTimeout, "timeout")
			}
		case errors.Is(err, wire.ErrTooLarge), errors.Is(err, wire.ErrVarint):
			h.Ban(p, fmt.Sprintf("%s response: %v", k, err))
			err = fmt.Errorf("%w: %w", ErrInvalidResponse, err)
		case errors.Is(err, io.EOF), errors.Is(err, network.ErrReset):
			h.adjust(p, repFailure, "refused request")
			err = fmt.Errorf("%w: %w", ErrRefused, err)
		default:
			err = ctxOr(ctx, err)
			if errors.Is(err, ErrTimeout) {
				h.adjust(p, repTimeout, "timeout")
			} else {
				h.adjust(p, repFailure, "failed request")
			}
		}
		return nil, fmt.Errorf("%s response from %s: %w", k, p, err)
	}
	_ = s.Close()
	return resp, nil
}

// invalid bans p for an invalid response and returns the wrapped error.
func (h *Host) invalid(p peer.ID, k wire.Kind, err error) error {
	h.Ban(p, fmt.Sprintf("invalid %s response: %v", k, err))
	return fmt.Errorf("%s response from %s: %w: %w", k, p, ErrInvalidResponse, err)
}

// RequestBlocks performs a /sync/2 block request. The response is checked
// for well-formedness (and not to exceed req.MaxBlocks), not verified.
func (h *Host) RequestBlocks(ctx context.Context, p peer.ID, req *wire.BlockRequest) (*wire.BlockResponse, error) {
	raw, err := h.Request(ctx, p, wire.KindSync, req.Encode())
	if err != nil {
		return nil, err
	}
	resp, err := wire.DecodeBlockResponse(raw)
	if err != nil {
		return nil, h.invalid(p, wire.KindSync, err)
	}
	if req.MaxBlocks != 0 && len(resp.Blocks) > int(req.MaxBlocks) {
		return nil, h.invalid(p, wire.KindSync, fmt.Errorf("%d blocks for a request of %d", len(resp.Blocks), req.MaxBlocks))
	}
	for i := range resp.Blocks {
		if req.Fields&wire.FieldHeader != 0 && resp.Blocks[i].Header == nil {
			return nil, h.invalid(p, wire.KindSync, fmt.Errorf("block %d without the requested header", i))
		}
	}
	h.adjust(p, repSuccess, "")
	return resp, nil
}

// RequestWarp performs a /sync/warp request starting after the finalized
// block begin. The fragments are split but not verified.
func (h *Host) RequestWarp(ctx context.Context, p peer.ID, begin header.Hash) (*wire.WarpResponse, error) {
	raw, err := h.Request(ctx, p, wire.KindWarp, wire.EncodeWarpRequest(begin))
	if err != nil {
		return nil, err
	}
	resp, err := wire.DecodeWarpResponse(raw)
	if err != nil {
		return nil, h.invalid(p, wire.KindWarp, err)
	}
	h.adjust(p, repSuccess, "")
	return resp, nil
}

// ErrNoProof means a /light/2 response carried no proof (the peer cannot answer).
var ErrNoProof = errors.New("p2p: peer returned no proof")

func (h *Host) lightRequest(ctx context.Context, p peer.ID, req *wire.LightRequest) ([][]byte, error) {
	raw, err := h.Request(ctx, p, wire.KindLight, req.Encode())
	if err != nil {
		return nil, err
	}
	resp, err := wire.DecodeLightResponse(raw, req.Kind)
	if err != nil {
		return nil, h.invalid(p, wire.KindLight, err)
	}
	if !resp.HasProof {
		return nil, fmt.Errorf("light response from %s: %w", p, ErrNoProof)
	}
	nodes, err := wire.DecodeProof(resp.Proof)
	if err != nil {
		return nil, h.invalid(p, wire.KindLight, err)
	}
	h.adjust(p, repSuccess, "")
	return nodes, nil
}

// RemoteRead asks p for a storage proof of keys at block. It returns the
// proof's trie nodes, unverified; ErrNoProof when the peer cannot answer.
func (h *Host) RemoteRead(ctx context.Context, p peer.ID, block header.Hash, keys [][]byte) ([][]byte, error) {
	return h.lightRequest(ctx, p, &wire.LightRequest{Kind: wire.LightRead, Block: block, Keys: keys})
}

// RemoteReadChild asks p for a child-trie storage proof.
func (h *Host) RemoteReadChild(ctx context.Context, p peer.ID, block header.Hash, childKey []byte, keys [][]byte) ([][]byte, error) {
	return h.lightRequest(ctx, p, &wire.LightRequest{Kind: wire.LightReadChild, Block: block, ChildKey: childKey, Keys: keys})
}

// RemoteCall asks p for an execution proof of method(data) at block.
func (h *Host) RemoteCall(ctx context.Context, p peer.ID, block header.Hash, method string, data []byte) ([][]byte, error) {
	if data == nil {
		data = []byte{}
	}
	return h.lightRequest(ctx, p, &wire.LightRequest{Kind: wire.LightCall, Block: block, Method: method, Data: data})
}
