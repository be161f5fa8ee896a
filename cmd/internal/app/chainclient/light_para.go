package chainclient

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
)

// ParaClient is what LightPara needs of a parachain seen through the relay
// light client (*lightclient.ParaView has these methods): heads proven by
// the finalized relay state, and storage proven against their state roots.
type ParaClient interface {
	// ParaID is the parachain's id (Asset Hub: 1000).
	ParaID() uint32
	// Head proves the head recorded in the latest finalized relay state.
	Head(ctx context.Context) (*lightclient.ParaHead, error)
	// Header returns a para header proven so far.
	Header(hash header.Hash) (*header.Header, bool)
	// ReadStorageAt proves keys against the state root of para block.
	ReadStorageAt(ctx context.Context, block header.Hash, keys [][]byte) (*lightclient.StorageResult, error)
	// StorageKeys lists up to count keys with prefix after startKey, verified.
	StorageKeys(ctx context.Context, block header.Hash, prefix []byte, count int, startKey []byte) ([][]byte, error)
	// NextKey is the key following key in the whole para state, verified.
	NextKey(ctx context.Context, block header.Hash, key []byte) ([]byte, bool, error)
}

var _ ParaClient = (*lightclient.ParaView)(nil)

// LightPara is a Chain for a parachain (Asset Hub, where Kusama's staking,
// governance and balances live since 2025) whose every answer is verified
// through the relay light client: its finalized head is the para head the
// latest finalized relay state records (Paras::Heads), proven by GRANDPA
// finality of the relay chain; storage is proven against that head's state
// root by para nodes' proofs; runtime calls execute the parachain's runtime
// (its proven ":code") over proven storage, as Light does for the relay.
//
// Block bodies and transaction submission need the parachain's own network
// (its collators and full nodes): LightPara answers them with
// ErrUnsupported unless it was given that network (SubmitOverP2P: blocks
// fetched from its peers and verified down from the heads the relay chain
// proves) or a parachain endpoint (SubmitThrough), whose answers it checks
// against what the relay chain proves.
type LightPara struct {
	*Light
	pc ParaClient
	pl *paraLight
	// pinned is the head Pin pinned (guarded by pl.mu).
	pinned *lightclient.ParaHead
	// sub is the parachain endpoint transactions go through
	// (SubmitThrough), nil without one.
	sub *paraSubmit
	// p2p sends transactions on the parachain's own network and finds
	// them in blocks verified through the relay chain (SubmitOverP2P).
	p2p ParaP2PSubmitter
}

// ParaP2PSubmitter is what LightPara needs to send transactions on the
// parachain's own libp2p network (*lightclient.ParaSubmitter has these
// methods): Submit sends and watches the blocks the relay chain proves;
// BlockBody serves the verified bodies of proven blocks.
type ParaP2PSubmitter interface {
	Submit(ctx context.Context, ext []byte) (*lightclient.Submission, error)
	BlockBody(ctx context.Context, block header.Hash) ([][]byte, error)
}

var _ ParaP2PSubmitter = (*lightclient.ParaSubmitter)(nil)

// SubmitOverP2P makes Submit send transactions on the parachain's own
// network through s (when no parachain endpoint was given with
// SubmitThrough, which then wins): no endpoint is trusted with anything,
// the including block is found among the blocks between two para heads the
// relay chain proved, and BlockBody serves proven blocks' bodies from s.
func (l *LightPara) SubmitOverP2P(s ParaP2PSubmitter) { l.p2p = s }

// NewLightPara wraps the parachain view of a started relay light client.
// opts.Genesis and opts.Properties are the parachain's (its chain spec's).
func NewLightPara(pc ParaClient, opts LightOptions) *LightPara {
	pl := &paraLight{pc: pc}
	return &LightPara{Light: NewLight(pl, opts), pc: pc, pl: pl}
}

// ParaID is the parachain's id.
func (l *LightPara) ParaID() uint32 { return l.pc.ParaID() }

// BlockBody is ErrUnsupported without a parachain endpoint (SubmitThrough)
// or the parachain's network (SubmitOverP2P): the relay chain proves a
// parachain's headers and state, not its block bodies. With one, the body
// of a proven block comes from the endpoint or the parachain's peers,
// checked against the block's extrinsics root (a mismatch wraps
// lightclient.ErrVerification or chainsync.ErrMalicious).
func (l *LightPara) BlockBody(ctx context.Context, at Hash) ([][]byte, error) {
	if s := l.sub; s != nil {
		claimed, err := l.inclusion(ctx, at)
		if err != nil {
			return nil, err
		}
		if claimed {
			return s.ep.BlockBody(ctx, at)
		}
		if h, ok := l.pc.Header(header.Hash(at)); ok {
			return s.body(ctx, h, at)
		}
		return nil, fmt.Errorf("block body %s: %w (not among the verified headers kept)", at, ErrNotFound)
	}
	if l.p2p != nil {
		b, err := l.p2p.BlockBody(ctx, header.Hash(at))
		if err != nil {
			return nil, lightErr("block body", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("block body of parachain %d block %s: %w: the relay light client proves parachain heads and state, not block bodies (those need the parachain's own full nodes)",
		l.pc.ParaID(), at, ErrUnsupported)
}

// CanSubmit reports whether Submit can send anything (SubmitThrough,
// SubmitOverP2P or LightOptions.Submit): callers check it before asking for a password and
// signing.
func (l *LightPara) CanSubmit() bool { return l.sub != nil || l.p2p != nil || l.opts.Submit != nil }

// Pin is Light.Pin, also keeping the proven para head it pinned (Head).
func (l *LightPara) Pin(ctx context.Context) (*Header, error) {
	h, err := l.Light.Pin(ctx)
	if err != nil {
		return nil, err
	}
	l.pl.mu.Lock()
	if ph := l.pl.head; ph != nil && Hash(ph.Hash) == h.Hash {
		l.pinned = ph
	}
	l.pl.mu.Unlock()
	return h, nil
}

// Head is the para head pinned by Pin (else the latest one proven), with
// the relay block whose finalized state proved it; nil before the first
// FinalizedHead or Pin.
func (l *LightPara) Head() *lightclient.ParaHead {
	l.pl.mu.Lock()
	defer l.pl.mu.Unlock()
	if l.pinned != nil {
		return l.pinned
	}
	return l.pl.head
}

// Submit sends through the parachain endpoint (SubmitThrough), on the
// parachain's network (SubmitOverP2P) or LightOptions.Submit when given;
// otherwise it is ErrUnsupported (nothing was sent).
func (l *LightPara) Submit(ctx context.Context, extrinsic []byte) (Watch, error) {
	if l.sub != nil {
		return l.sub.submit(ctx, extrinsic)
	}
	if l.p2p != nil {
		s, err := l.p2p.Submit(ctx, extrinsic)
		if err != nil {
			return nil, submitErr(err)
		}
		return &lightWatch{s: s}, nil
	}
	if l.opts.Submit != nil {
		return l.opts.Submit(ctx, extrinsic)
	}
	return nil, &SubmitError{MaybeSent: false, Err: fmt.Errorf("submit to parachain %d: %w: the light client follows the parachain through the relay chain, "+
		"but a transaction must reach the parachain's collators through the parachain's own network, which it does not join; "+
		"submit through a parachain RPC endpoint instead", l.pc.ParaID(), ErrUnsupported)}
}

// paraLight adapts a ParaClient to the LightClient interface Light uses:
// "synced" means the current para head was proven, and Finalized is that
// head.
type paraLight struct {
	pc ParaClient

	mu   sync.Mutex
	head *lightclient.ParaHead
}

// WaitSynced proves the current para head (waiting for the relay client's
// sync first) and makes it the one Finalized returns.
func (p *paraLight) WaitSynced(ctx context.Context) error {
	h, err := p.pc.Head(ctx)
	if err != nil {
		if errors.Is(err, parachain.ErrNoHead) {
			return fmt.Errorf("%w: parachain %d has no head in the finalized relay state: %w", ErrNotFound, p.pc.ParaID(), err)
		}
		return err
	}
	p.mu.Lock()
	if p.head == nil || h.RelayNumber >= p.head.RelayNumber {
		p.head = h
	}
	p.mu.Unlock()
	return nil
}

// Finalized is the para head last proven by WaitSynced (nil before).
func (p *paraLight) Finalized() (*header.Header, header.Hash, uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.head == nil {
		return nil, header.Hash{}, 0
	}
	return p.head.Header, p.head.Hash, 0
}

func (p *paraLight) Header(hash header.Hash) (*header.Header, bool) { return p.pc.Header(hash) }

func (p *paraLight) ReadStorageAt(ctx context.Context, block header.Hash, keys [][]byte) (*lightclient.StorageResult, error) {
	return p.pc.ReadStorageAt(ctx, block, keys)
}

func (p *paraLight) StorageKeys(ctx context.Context, block header.Hash, prefix []byte, count int, startKey []byte) ([][]byte, error) {
	return p.pc.StorageKeys(ctx, block, prefix, count, startKey)
}

func (p *paraLight) NextKey(ctx context.Context, block header.Hash, key []byte) ([]byte, bool, error) {
	return p.pc.NextKey(ctx, block, key)
}

// PrefetchCall asks the parachain's peers for the proof of what a runtime
// call reads (when the ParaClient can: *lightclient.ParaView over a
// parachain libp2p network), checked against the block's state root.
func (p *paraLight) PrefetchCall(ctx context.Context, block header.Hash, method string, args []byte) (int, error) {
	if cp, ok := p.pc.(CallPrefetcher); ok {
		return cp.PrefetchCall(ctx, block, method, args)
	}
	return 0, fmt.Errorf("parachain %d call proof: %w", p.pc.ParaID(), ErrUnsupported)
}

func (p *paraLight) BlockBody(ctx context.Context, block header.Hash) ([][]byte, error) {
	return nil, fmt.Errorf("parachain %d block body: %w", p.pc.ParaID(), ErrUnsupported)
}
