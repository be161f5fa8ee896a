package lightclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/store"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// Config configures a Client.
type Config struct {
	// Genesis is the chain's genesis hash (default: Profile's).
	Genesis header.Hash
	// Profile is the embedded network; its checkpoint is the default start.
	Profile *chainspec.Profile
	// Checkpoint overrides the profile's checkpoint (a chain-spec file's).
	Checkpoint *chainspec.Checkpoint
	// Start overrides both (tests): the trusted finalized block to start from.
	Start *store.Start
	// Home is the data directory; "" disables persistence.
	Home string
	// Clock returns the time (default time.Now).
	Clock func() time.Time
	// Sources are the transports (at least one).
	Sources []Source
	// Sync tunes the state machine (its Header, Set and Pending are set by
	// the client).
	Sync chainsync.Config
	// Tick is how often the driver wakes without news (default 250 ms).
	Tick time.Duration
	// EventBuffer is the capacity of the Events channel (default 256);
	// events are dropped when nobody reads.
	EventBuffer int
}

// Status is a snapshot of the client.
type Status struct {
	Genesis   header.Hash
	Finalized *header.Header
	Hash      header.Hash
	SetID     uint64
	Synced    bool
	// Target is the best block number peers claim (unverified).
	Target uint32
	Peers  int
	// StartSource says where the client started (checkpoint or saved state).
	StartSource store.Source
	StartNumber uint32
	StartNote   string
}

// StorageResult holds values verified against the state of Block.
type StorageResult struct {
	Block  header.Hash
	Number uint32
	// Para is the parachain block read (ParachainStorage).
	Para   *chainsync.ParaHead
	Values []trie.Lookup
	// Proof holds the verified proof nodes of a relay-chain read.
	Proof [][]byte
}

// RuntimeInfo is the runtime of the finalized block, read from ":code".
type RuntimeInfo struct {
	Block    header.Hash
	Number   uint32
	CodeHash header.Hash
	CodeSize int
	Version  chainspec.RuntimeVersion
	// HasVersion is false for runtimes without a runtime_version section.
	HasVersion bool
}

type queryCmd struct {
	keys   [][]byte
	at     header.Hash // zero: the finalized block (storage_at.go)
	para   bool
	paraID uint32
	reply  chan chainsync.QueryResult
}

type result struct {
	id      chainsync.RequestID
	peer    chainsync.PeerID
	payload []byte
	err     error
}

// Client is a light client of one chain.
type Client struct {
	cfg     Config
	genesis header.Hash
	start   store.Start
	m       *chainsync.Machine
	clock   func() time.Time

	events chan chainsync.Event
	cmds   chan queryCmd
	// calls run on the driver goroutine (body.go, submit.go).
	calls chan func()

	mu      sync.Mutex
	status  Status
	synced  chan struct{}
	done    chan struct{}
	err     error
	started bool
	closed  bool
	cancel  context.CancelFunc
	saveErr error
	dropped int
	peerSrc map[chainsync.PeerID]Source
	runtime *runtimeCache
	// codeReads counts the reads of ":code" (tests).
	codeReads int
	wg        sync.WaitGroup
	closeOne  sync.Once
	// keyCache holds verified proof nodes for key enumeration (keys.go).
	keysMu   sync.Mutex
	keyCache []keyCacheEntry
}

// New prepares a client: it chooses the start point (saved state or
// checkpoint) but contacts nobody until Start.
func New(cfg Config) (*Client, error) {
	if len(cfg.Sources) == 0 {
		return nil, fmt.Errorf("lightclient: no source")
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Tick <= 0 {
		cfg.Tick = 250 * time.Millisecond
	}
	if cfg.EventBuffer <= 0 {
		cfg.EventBuffer = 256
	}
	genesis := cfg.Genesis
	if genesis == (header.Hash{}) && cfg.Profile != nil {
		genesis = cfg.Profile.GenesisHash
	}
	if genesis == (header.Hash{}) {
		return nil, fmt.Errorf("lightclient: no genesis hash")
	}
	var start store.Start
	switch {
	case cfg.Start != nil:
		start = *cfg.Start
	default:
		cp := cfg.Checkpoint
		if cp == nil {
			if cfg.Profile == nil {
				return nil, fmt.Errorf("lightclient: no checkpoint")
			}
			var err error
			if cp, err = cfg.Profile.Checkpoint(); err != nil {
				return nil, fmt.Errorf("lightclient: checkpoint: %w", err)
			}
		}
		if cfg.Home != "" {
			start = store.Resume(cfg.Home, genesis, cp)
		} else {
			start = store.FromCheckpointStart(cp)
		}
	}
	if start.Header == nil {
		return nil, fmt.Errorf("lightclient: no start header")
	}
	sc := cfg.Sync
	sc.Header, sc.Set, sc.Pending = start.Header, start.Set, start.Pending
	if sc.Verifier == nil {
		sc.Verifier = &grandpa.Verifier{}
	}
	m, err := chainsync.New(sc)
	if err != nil {
		return nil, fmt.Errorf("lightclient: %w", err)
	}
	c := &Client{
		cfg: cfg, genesis: genesis, start: start, m: m, clock: cfg.Clock,
		events:  make(chan chainsync.Event, cfg.EventBuffer),
		cmds:    make(chan queryCmd),
		calls:   make(chan func()),
		synced:  make(chan struct{}),
		done:    make(chan struct{}),
		peerSrc: map[chainsync.PeerID]Source{},
	}
	c.status = Status{Genesis: genesis, Finalized: start.Header, Hash: start.Hash, SetID: start.Set.SetID,
		Target: start.Header.Number, StartSource: start.Source, StartNumber: start.Header.Number, StartNote: start.Note}
	return c, nil
}

// StartPoint returns where the client starts.
func (c *Client) StartPoint() store.Start { return c.start }

// Start starts every source (concurrently) and the driver goroutine. It fails
// when no source starts: with an error wrapping ErrUnprovable if a source
// refused for that reason, else ErrUnreachable.
func (c *Client) Start(ctx context.Context) error {
	c.mu.Lock()
	if c.started || c.closed {
		c.mu.Unlock()
		return fmt.Errorf("lightclient: already started or closed")
	}
	c.started = true
	c.mu.Unlock()
	errs := make([]error, len(c.cfg.Sources))
	var wg sync.WaitGroup
	for i, s := range c.cfg.Sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Start(ctx)
		}()
	}
	wg.Wait()
	var live []Source
	var unprovable bool
	for i, err := range errs {
		if err == nil {
			live = append(live, c.cfg.Sources[i])
		} else if errors.Is(err, ErrUnprovable) {
			unprovable = true
		}
	}
	if len(live) == 0 {
		err := errors.Join(errs...)
		if unprovable {
			return err
		}
		if !errors.Is(err, ErrUnreachable) {
			err = fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		return err
	}
	dctx, cancel := context.WithCancel(context.Background())
	c.mu.Lock()
	c.cancel = cancel
	c.mu.Unlock()
	c.wg.Add(1)
	for _, s := range live {
		if ps, ok := s.(interface{ ServesPara() (uint32, bool) }); ok {
			if id, ok := ps.ServesPara(); ok {
				c.m.ExpectPara(id)
			}
		}
	}
	// Peers learn the client's GRANDPA state from the start: a client
	// resuming at its saved finalized head sees no Finalized event until
	// the next block is finalized, and full nodes gossip no commit to a
	// peer whose neighbor packet they have not seen.
	if h, hh, set := c.m.Finalized(); h != nil {
		c.announceFinalized(chainsync.Finalized{Header: h, Hash: hh, SetID: set})
	}
	go c.drive(dctx, live)
	return nil
}

// ErrClosed means the client is closed.
var ErrClosed = errors.New("lightclient: client closed")

// Close stops the driver and closes the sources.
func (c *Client) Close() error {
	var err error
	c.closeOne.Do(func() {
		c.mu.Lock()
		c.closed = true
		cancel := c.cancel
		c.mu.Unlock()
		if cancel != nil {
			cancel()
			c.wg.Wait()
		} else {
			c.finish(ErrClosed)
		}
		var errs []error
		for _, s := range c.cfg.Sources {
			errs = append(errs, s.Close())
		}
		err = errors.Join(errs...)
	})
	return err
}

// Events delivers the machine's events (Finalized, SetChanged, Progress,
// Synced, PeerBanned; QueryResult is not repeated here). When the buffer is
// full new events are dropped.
func (c *Client) Events() <-chan chainsync.Event { return c.events }

// Done is closed when the driver stopped; Err says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the driver stopped (nil while it runs).
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Status returns a snapshot.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

// Finalized returns the latest verified finalized header, its hash and the
// id of the authority set that finalizes its successors.
func (c *Client) Finalized() (*header.Header, header.Hash, uint64) {
	s := c.Status()
	return s.Finalized, s.Hash, s.SetID
}

// SaveError returns the last error saving the state (nil when fine).
func (c *Client) SaveError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.saveErr
}

// WaitSynced waits until the client reached the finalized head its peers
// know, the driver fails, or ctx ends.
func (c *Client) WaitSynced(ctx context.Context) error {
	select {
	case <-c.synced:
		return nil
	case <-c.done:
		select {
		case <-c.synced:
			return nil
		default:
		}
		return c.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ReadStorage returns the values of keys proven against the state root of
// the latest finalized block (waiting for sync first).
func (c *Client) ReadStorage(ctx context.Context, keys [][]byte) (*StorageResult, error) {
	return c.query(ctx, queryCmd{keys: keys})
}

// ParachainStorage returns values of parachain paraID proven against the
// state root of its head recorded in the finalized relay state.
func (c *Client) ParachainStorage(ctx context.Context, paraID uint32, keys [][]byte) (*StorageResult, error) {
	return c.query(ctx, queryCmd{keys: keys, para: true, paraID: paraID})
}

func (c *Client) query(ctx context.Context, q queryCmd) (*StorageResult, error) {
	q.reply = make(chan chainsync.QueryResult, 1)
	select {
	case c.cmds <- q:
	case <-c.done:
		return nil, c.doneErr()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case r := <-q.reply:
		if r.Err != nil {
			return nil, r.Err
		}
		return &StorageResult{Block: r.Block, Number: r.Number, Para: r.Para, Values: r.Values, Proof: r.Proof}, nil
	case <-c.done:
		return nil, c.doneErr()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *Client) doneErr() error {
	if err := c.Err(); err != nil {
		return err
	}
	return ErrClosed
}

// CodeKey is the storage key of the runtime code.
var CodeKey = []byte(":code")

func (c *Client) finish(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.done:
		return
	default:
	}
	c.err = err
	close(c.done)
}

// drive is the driver goroutine: the only one touching the machine.
func (c *Client) drive(ctx context.Context, sources []Source) {
	defer c.wg.Done()
	results := make(chan result, 64)
	srcEvents := make(chan struct {
		src Source
		ev  SourceEvent
	}, 64)
	var fwd sync.WaitGroup
	for _, s := range sources {
		fwd.Add(1)
		go func() {
			defer fwd.Done()
			for {
				select {
				case ev, ok := <-s.Events():
					if !ok {
						return
					}
					select {
					case srcEvents <- struct {
						src Source
						ev  SourceEvent
					}{s, ev}:
					case <-ctx.Done():
						return
					}
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	var reqs sync.WaitGroup
	defer func() {
		reqs.Wait()
		fwd.Wait()
	}()
	waiters := map[chainsync.QueryID]chan chainsync.QueryResult{}
	ticker := time.NewTicker(c.cfg.Tick)
	defer ticker.Stop()
	for {
		now := c.clock()
		for _, r := range c.m.Desired(now) {
			src := c.peerSrc[r.Peer]
			if src == nil {
				c.m.OnFailureAt(r.ID, now)
				continue
			}
			reqs.Add(1)
			go func() {
				defer reqs.Done()
				rctx, cancel := context.WithDeadline(ctx, r.Deadline)
				payload, err := src.Do(rctx, r)
				cancel()
				select {
				case results <- result{id: r.ID, peer: r.Peer, payload: payload, err: err}:
				case <-ctx.Done():
				}
			}()
		}
		c.dispatch(waiters)
		if err := c.m.Err(); err != nil {
			if errors.Is(err, chainsync.ErrAllPeersMalicious) {
				err = fmt.Errorf("%w: %w", ErrVerification, err)
			} else {
				err = fmt.Errorf("%w: %w", ErrUnreachable, err)
			}
			for id, w := range waiters {
				w <- chainsync.QueryResult{ID: id, Err: err}
			}
			c.finish(err)
			return
		}
		select {
		case <-ctx.Done():
			c.finish(ErrClosed)
			return
		case res := <-results:
			now := c.clock()
			if res.err != nil {
				c.m.OnFailureAt(res.id, now)
				continue
			}
			if err := c.m.OnResponseAt(res.id, res.payload, now); chainsync.VerdictOf(err) == chainsync.Malicious {
				if src := c.peerSrc[res.peer]; src != nil {
					src.Ban(res.peer, err)
				}
			}
		case fn := <-c.calls:
			fn()
		case se := <-srcEvents:
			if se.ev.Commit != nil {
				c.onCommit(se.src, se.ev)
				continue
			}
			if se.ev.Justification != nil {
				c.onJustification(se.src, se.ev)
				continue
			}
			if se.ev.Gone {
				c.m.RemovePeer(se.ev.Peer)
				delete(c.peerSrc, se.ev.Peer)
			} else {
				c.peerSrc[se.ev.Peer] = se.src
				c.m.AddPeer(se.ev.Peer, se.ev.Caps)
				if se.ev.Best > 0 {
					c.m.NoteTarget(se.ev.Best)
				}
			}
		case q := <-c.cmds:
			var id chainsync.QueryID
			if q.para {
				id = c.m.QueryPara(q.paraID, q.keys)
			} else {
				id = c.m.QueryAt(q.at, q.keys)
			}
			waiters[id] = q.reply
		case <-ticker.C:
		}
	}
}

// dispatch handles the machine's events: persistence, status, waiters, and
// the public channel.
func (c *Client) dispatch(waiters map[chainsync.QueryID]chan chainsync.QueryResult) {
	for _, ev := range c.m.Events() {
		switch e := ev.(type) {
		case chainsync.QueryResult:
			if w, ok := waiters[e.ID]; ok {
				w <- e
				delete(waiters, e.ID)
			}
			continue
		case chainsync.Finalized:
			c.save()
			c.announceFinalized(e)
		case chainsync.PeerBanned:
			// Bans the machine decides on its own (a queued pushed
			// justification found forged) reach the source too.
			if src := c.peerSrc[e.Peer]; src != nil && e.Verdict == chainsync.Malicious {
				src.Ban(e.Peer, e.Reason)
			}
		}
		c.snapshot()
		select {
		case c.events <- ev:
		default:
			c.mu.Lock()
			c.dropped++
			c.mu.Unlock()
		}
		if _, ok := ev.(chainsync.Synced); ok {
			// After the event is queued, so that a WaitSynced caller
			// finds it on Events.
			c.mu.Lock()
			select {
			case <-c.synced:
			default:
				close(c.synced)
			}
			c.mu.Unlock()
		}
	}
	c.snapshot()
}

func (c *Client) snapshot() {
	f, h, id := c.m.Finalized()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status.Finalized, c.status.Hash, c.status.SetID = f, h, id
	c.status.Synced = c.m.Synced()
	c.status.Target = c.m.Target()
	c.status.Peers = c.m.PeerCount()
}

// save persists the finalized state (atomic write).
func (c *Client) save() {
	if c.cfg.Home == "" {
		return
	}
	f, _, _ := c.m.Finalized()
	err := store.Save(c.cfg.Home, &store.State{GenesisHash: c.genesis, Header: f, Set: c.m.Set(), Pending: c.m.Pending(), SavedAt: c.clock()})
	c.mu.Lock()
	c.saveErr = err
	c.mu.Unlock()
}
