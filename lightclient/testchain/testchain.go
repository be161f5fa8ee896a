package testchain

import (
	"cmp"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// ErrConfig means a Config is inconsistent.
var ErrConfig = errors.New("testchain: invalid config")

// Config describes the chain to generate. Zero fields take the defaults
// noted beside them.
type Config struct {
	// Seed makes every key and value of the chain; the same Config always
	// gives the same chain.
	Seed string
	// Blocks is the number of blocks after genesis (default 1000).
	Blocks int
	// Voters is the size of every GRANDPA authority set (default 10).
	Voters int
	// Rotate is how many voters leave (and new ones join) at each change
	// (default 1; capped at Voters).
	Rotate int
	// VariedWeights gives voter v weight 1 + v%3 instead of 1.
	VariedWeights bool
	// SetLength is the number of blocks between change signals: block
	// k·SetLength signals change k (default 100).
	SetLength int
	// ForcedEvery makes every ForcedEvery-th change a ForcedChange (0: none).
	ForcedEvery int
	// ScheduledDelay and ForcedDelay are the delays of the changes (default
	// 0, as on Kusama). Warp proofs need a delay of 0: a fragment's header
	// must carry the change that ends its set.
	ScheduledDelay uint32
	ForcedDelay    uint32
	// JustifyEvery also justifies every JustifyEvery-th block (default 64;
	// negative: only set-ending blocks and the head).
	JustifyEvery int
	// Signers is how many voters (the first ones of each set) sign the
	// justifications Generate makes (default: all).
	Signers int
	// VoteAhead lets voter v precommit on the block v%(VoteAhead+1) after the
	// target when it exists, so justifications carry votes ancestries
	// (default 0).
	VoteAhead int
	// EpochLength is the number of blocks per BABE epoch (default 60).
	EpochLength int
	// GenesisSlot is the BABE slot of block 1 (default 300_000_000).
	GenesisSlot uint64
	// Layout is the state trie layout (default trie.V1).
	Layout *trie.Layout
	// ExtraState adds entries to the state of each block (for example
	// accounts to prove). It must be deterministic.
	ExtraState func(number uint32) []trie.KV
}

func (c *Config) setDefaults() error {
	c.Blocks = cmp.Or(c.Blocks, 1000)
	c.Voters = cmp.Or(c.Voters, 10)
	c.Rotate = cmp.Or(c.Rotate, 1)
	c.Rotate = min(c.Rotate, c.Voters)
	c.SetLength = cmp.Or(c.SetLength, 100)
	c.JustifyEvery = cmp.Or(c.JustifyEvery, 64)
	c.EpochLength = cmp.Or(c.EpochLength, 60)
	c.GenesisSlot = cmp.Or(c.GenesisSlot, 300_000_000)
	if c.Layout == nil {
		l := trie.V1
		c.Layout = &l
	}
	switch {
	case c.Blocks < 1 || c.Blocks > 1<<24:
		return fmt.Errorf("%w: %d blocks", ErrConfig, c.Blocks)
	case c.Signers < 0 || c.Signers > c.Voters:
		return fmt.Errorf("%w: %d signers of %d voters", ErrConfig, c.Signers, c.Voters)
	case c.Voters < 1 || c.Rotate < 0 || c.SetLength < 1 || c.ForcedEvery < 0 || c.VoteAhead < 0 || c.EpochLength < 1:
		return fmt.Errorf("%w: %+v", ErrConfig, *c)
	case uint64(c.ScheduledDelay) >= uint64(c.SetLength) || uint64(c.ForcedDelay) >= uint64(c.SetLength):
		return fmt.Errorf("%w: change delays must be below SetLength so that changes never overlap", ErrConfig)
	}
	return nil
}

// Block is one generated block.
type Block struct {
	Header *header.Header
	Hash   header.Hash
	// Extrinsics are the opaque extrinsics of the body, each with its
	// compact length prefix; the header's extrinsics root is their ordered
	// trie root (layout V0).
	Extrinsics [][]byte
	// SetID is the authority set that finalizes this block.
	SetID uint64
	// Justification finalizes this block (nil for most blocks).
	Justification *grandpa.Justification
}

// Change is an authority-set change of the chain.
type Change struct {
	// Signal is the number of the block carrying the log; Enact = Signal +
	// delay is the last block of the old set.
	Signal, Enact uint32
	Forced        bool
	// SetID is the id of the new set.
	SetID uint64
}

// Chain is a generated chain. Blocks[0] is genesis.
type Chain struct {
	Config  Config
	Blocks  []*Block
	Changes []Change
	// Sets holds every authority set, indexed by set id.
	Sets []grandpa.AuthoritySet
	// setVoters[id] are the private keys of Sets[id], in the same order.
	setVoters [][]ed25519.PrivateKey
	// slots[n] is the BABE slot of block n (0 for genesis).
	slots []uint64
	keys  map[int]ed25519.PrivateKey
}

// VoterKey derives voter v's ed25519 key from seed. Voter v belongs to the
// sets whose window [id·Rotate, id·Rotate+Voters) contains v.
func VoterKey(seed string, v int) ed25519.PrivateKey {
	s := hash.Blake2b256([]byte("ksm-testchain-voter"), []byte(seed), binary.LittleEndian.AppendUint64(nil, uint64(v)))
	return ed25519.NewKeyFromSeed(s[:])
}

func (c *Chain) makeSet(id uint64) {
	cfg := &c.Config
	set := grandpa.AuthoritySet{SetID: id}
	var keys []ed25519.PrivateKey
	for i := 0; i < cfg.Voters; i++ {
		v := int(id)*cfg.Rotate + i
		k, ok := c.keys[v]
		if !ok {
			k = VoterKey(cfg.Seed, v)
			c.keys[v] = k
		}
		w := uint64(1)
		if cfg.VariedWeights {
			w = 1 + uint64(v%3)
		}
		var pub [32]byte
		copy(pub[:], k.Public().(ed25519.PublicKey))
		set.Authorities = append(set.Authorities, grandpa.Authority{Key: pub, Weight: w})
		keys = append(keys, k)
	}
	c.Sets = append(c.Sets, set)
	c.setVoters = append(c.setVoters, keys)
}

// Generate builds the chain described by cfg.
func Generate(cfg Config) (*Chain, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	c := &Chain{Config: cfg, keys: make(map[int]ed25519.PrivateKey)}
	c.makeSet(0)
	// Plan the changes.
	for k := 1; k*cfg.SetLength <= cfg.Blocks; k++ {
		forced := cfg.ForcedEvery > 0 && k%cfg.ForcedEvery == 0
		delay := cfg.ScheduledDelay
		if forced {
			delay = cfg.ForcedDelay
		}
		ch := Change{Signal: uint32(k * cfg.SetLength), Forced: forced, SetID: uint64(k)}
		ch.Enact = ch.Signal + delay
		if int(ch.Enact) > cfg.Blocks {
			break // would not be enacted within the chain
		}
		c.Changes = append(c.Changes, ch)
		c.makeSet(uint64(k))
	}
	signals := make(map[uint32]Change, len(c.Changes))
	for _, ch := range c.Changes {
		signals[ch.Signal] = ch
	}
	c.slots = make([]uint64, cfg.Blocks+1)
	for n := 1; n <= cfg.Blocks; n++ {
		c.slots[n] = cfg.GenesisSlot
		if n > 1 {
			c.slots[n] = c.slots[n-1] + 1 + c.rand("slot-skip", uint32(n))%4/3 // a skipped slot now and then
		}
	}
	genesisState := c.State(0)
	g := &header.Header{StateRoot: trie.Root(*cfg.Layout, genesisState), ExtrinsicsRoot: trie.OrderedRoot(trie.V0, nil)}
	c.Blocks = append(c.Blocks, &Block{Header: g, Hash: g.Hash()})
	for n := 1; n <= cfg.Blocks; n++ {
		num, slot := uint32(n), c.slots[n]
		h := &header.Header{ParentHash: c.Blocks[n-1].Hash, Number: num}
		h.Digest = append(h.Digest, c.preDigest(num, slot).DigestItem())
		if (n-1)%cfg.EpochLength == 0 {
			h.Digest = append(h.Digest, c.nextEpoch(num).DigestItem())
		}
		if ch, ok := signals[num]; ok {
			l := header.GrandpaLog{Kind: header.GrandpaScheduledChange}
			l.Change.Delay = ch.Enact - ch.Signal
			l.Change.NextAuthorities = c.Sets[ch.SetID].Authorities
			if ch.Forced {
				l.Kind, l.Median = header.GrandpaForcedChange, num-1
			}
			h.Digest = append(h.Digest, l.DigestItem())
		}
		xt := c.extrinsics(num, slot)
		h.ExtrinsicsRoot = trie.OrderedRoot(trie.V0, xt)
		h.StateRoot = trie.Root(*cfg.Layout, c.State(num))
		preSeal := h.Hash()
		seal := hash.Blake2b512([]byte("ksm-testchain-seal"), preSeal[:])
		h.Digest = append(h.Digest, header.DigestItem{Kind: header.DigestSeal, Engine: header.EngineBABE, Data: seal[:]})
		c.Blocks = append(c.Blocks, &Block{Header: h, Hash: h.Hash(), Extrinsics: xt, SetID: c.SetIDAt(num)})
	}
	// Justifications: set-ending blocks, every JustifyEvery-th block, the head.
	for _, ch := range c.Changes {
		if err := c.justifyDefault(ch.Enact); err != nil {
			return nil, err
		}
	}
	if cfg.JustifyEvery > 0 {
		for n := cfg.JustifyEvery; n <= cfg.Blocks; n += cfg.JustifyEvery {
			if err := c.justifyDefault(uint32(n)); err != nil {
				return nil, err
			}
		}
	}
	if err := c.justifyDefault(uint32(cfg.Blocks)); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Chain) justifyDefault(n uint32) error {
	b := c.Blocks[n]
	if b.Justification != nil {
		return nil
	}
	opts := JustifyOptions{VoteAhead: c.Config.VoteAhead}
	if c.Config.Signers > 0 {
		opts.Signers = make([]int, c.Config.Signers)
		for i := range opts.Signers {
			opts.Signers[i] = i
		}
	}
	j, err := c.Justify(n, opts)
	if err != nil {
		return err
	}
	b.Justification = j
	return nil
}

// rand is a deterministic pseudo-random value for (topic, block).
func (c *Chain) rand(topic string, n uint32) uint64 {
	h := hash.Blake2b256([]byte(c.Config.Seed), []byte(topic), binary.LittleEndian.AppendUint32(nil, n))
	return binary.LittleEndian.Uint64(h[:8])
}

func (c *Chain) preDigest(n uint32, slot uint64) header.BABEPreDigest {
	p := header.BABEPreDigest{
		Kind:           header.BABEPreDigestKind(1 + c.rand("kind", n)%3),
		AuthorityIndex: uint32(c.rand("author", n) % uint64(c.Config.Voters)),
		Slot:           slot,
	}
	if p.Kind != header.BABESecondaryPlain {
		p.VRFOutput = hash.Blake2b256([]byte("vrf-out"), []byte(c.Config.Seed), binary.LittleEndian.AppendUint64(nil, slot))
		proof := hash.Blake2b512([]byte("vrf-proof"), []byte(c.Config.Seed), binary.LittleEndian.AppendUint64(nil, slot))
		p.VRFProof = proof
	}
	return p
}

func (c *Chain) nextEpoch(n uint32) header.BABELog {
	l := header.BABELog{Kind: header.BABENextEpochData}
	epoch := uint64(n-1)/uint64(c.Config.EpochLength) + 1
	for i := 0; i < c.Config.Voters; i++ {
		k := hash.Blake2b256([]byte("babe-author"), []byte(c.Config.Seed), binary.LittleEndian.AppendUint64(nil, epoch*1_000_000+uint64(i)))
		l.NextEpoch.Authorities = append(l.NextEpoch.Authorities, header.BABEAuthority{Key: k, Weight: 1})
	}
	l.NextEpoch.Randomness = hash.Blake2b256([]byte("babe-randomness"), []byte(c.Config.Seed), binary.LittleEndian.AppendUint64(nil, epoch))
	return l
}

// extrinsics returns the body of block n: one unsigned Timestamp.set
// (pallet 3, call 0, Compact<u64> milliseconds = slot × 6000).
func (c *Chain) extrinsics(n uint32, slot uint64) [][]byte {
	call := []byte{0x04, 0x03, 0x00}
	call = scale.AppendCompact(call, slot*6000)
	return [][]byte{scale.AppendBytes(nil, call)}
}

// Slot returns the BABE slot of block n (0 for genesis).
func (c *Chain) Slot(n uint32) uint64 { return c.slots[n] }

// Head returns the last block.
func (c *Chain) Head() *Block { return c.Blocks[len(c.Blocks)-1] }

// Set returns a copy of authority set id.
func (c *Chain) Set(id uint64) grandpa.AuthoritySet { return c.Sets[id].Clone() }

// Voters returns the private keys of set id, in the order of its authorities.
func (c *Chain) Voters(id uint64) []ed25519.PrivateKey { return c.setVoters[id] }

// SetIDAt returns the id of the set that finalizes block n: the number of
// changes enacted strictly before n.
func (c *Chain) SetIDAt(n uint32) uint64 {
	var id uint64
	for _, ch := range c.Changes {
		if ch.Enact < n {
			id = ch.SetID
		}
	}
	return id
}

// Storage keys of the generated state.
var (
	KeySystemNumber      = storageKey("System", "Number")
	KeyTimestampNow      = storageKey("Timestamp", "Now")
	KeyGrandpaSetID      = storageKey("Grandpa", "CurrentSetId")
	KeyBabeEpochIndex    = storageKey("Babe", "EpochIndex")
	KeyGrandpaAuthorites = []byte(":grandpa_authorities")
)

func storageKey(pallet, item string) []byte {
	p, i := hash.Twox128([]byte(pallet)), hash.Twox128([]byte(item))
	return append(p[:], i[:]...)
}

// State returns the storage entries of block n (its state after execution):
// System.Number, Timestamp.Now (u64 ms), Grandpa.CurrentSetId,
// :grandpa_authorities (0x01 ‖ Vec<(key, weight)>), Babe.EpochIndex and
// Config.ExtraState. The header's state root is trie.Root(Layout, State(n)).
func (c *Chain) State(n uint32) []trie.KV {
	setID := c.SetIDAt(n + 1) // the set in force after n executes
	auths := append([]byte{1}, header.AppendGrandpaAuthorities(nil, c.Sets[setID].Authorities)...)
	now := c.slots[n] * 6000
	kvs := []trie.KV{
		{Key: KeySystemNumber, Value: scale.AppendU32(nil, n)},
		{Key: KeyTimestampNow, Value: scale.AppendU64(nil, now)},
		{Key: KeyGrandpaSetID, Value: scale.AppendU64(nil, setID)},
		{Key: KeyGrandpaAuthorites, Value: auths},
		{Key: KeyBabeEpochIndex, Value: scale.AppendU64(nil, uint64(max(n, 1)-1)/uint64(c.Config.EpochLength))},
	}
	if c.Config.ExtraState != nil {
		kvs = append(kvs, c.Config.ExtraState(n)...)
	}
	return kvs
}
