package app

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// Options configure a Session.
type Options struct {
	// Home is ksm's data directory; pending nonces are kept under
	// Home/pending. Empty keeps them in memory only.
	Home string
	// Name names the chain in JSON output ("chain") when no embedded
	// profile has its genesis (a development chain, a generated test
	// chain standing for a network's chain); "" gives "development".
	Name string
	// DisplayName names it in messages likewise ("" gives "this
	// development chain").
	DisplayName string
	// Chosen says the user named this chain (--chain): Route then leaves
	// every pallet to the runtime's metadata.
	Chosen bool
	// EndpointFlag is the flag that names this chain's endpoint, for
	// messages ("--rpc" when empty; "--asset-hub-rpc" for Asset Hub on a
	// relay network).
	EndpointFlag string
	// FollowTimeout is the session's FollowTimeout (0: the default).
	FollowTimeout time.Duration
}

// Token is how the chain writes addresses and amounts.
type Token struct {
	SS58Prefix uint16
	Decimals   int
	Symbol     string
}

// Session is one chain as the use cases see it: the Chain backend, the
// network profile it was recognised as (nil for a development chain),
// its token, and the runtimes met so far (cached per spec version).
type Session struct {
	Chain   chainclient.Chain
	Genesis chainclient.Hash
	// Profile is the embedded network profile whose genesis hash the chain
	// has, or nil (a development chain: every pallet is served here).
	Profile *chainspec.Profile
	Token   Token
	// Nonces tracks this machine's pending transactions.
	Nonces *NonceStore
	// FollowTimeout bounds the wait for each status of a submitted
	// transaction (DefaultFollowTimeout when zero).
	FollowTimeout time.Duration

	name, display string
	chosen        bool
	endpointFlag  string

	props    chainclient.Properties
	cache    metadataCache
	mu       sync.Mutex
	runtimes map[uint32]*Runtime
}

// Open identifies the chain behind c (genesis hash, profile, token).
func Open(ctx context.Context, c chainclient.Chain, o Options) (*Session, error) {
	g, err := c.GenesisHash(ctx)
	if err != nil {
		return nil, err
	}
	props, err := c.Properties(ctx)
	if err != nil {
		return nil, err
	}
	s := &Session{Chain: c, Genesis: g, props: props, runtimes: map[uint32]*Runtime{}, Nonces: NewNonceStore(o.Home), cache: newMetadataCache(o.Home, c.Verified()), FollowTimeout: o.FollowTimeout}
	s.Profile = ProfileByGenesis(g)
	s.name, s.display, s.chosen, s.endpointFlag = o.Name, o.DisplayName, o.Chosen, o.EndpointFlag
	if s.endpointFlag == "" {
		s.endpointFlag = "--rpc"
	}
	s.Token = Token{SS58Prefix: 42, Decimals: 0, Symbol: "UNIT"}
	if p := s.Profile; p != nil {
		s.Token = Token{SS58Prefix: p.SS58Prefix, Decimals: int(p.Decimals), Symbol: p.Symbol}
	}
	if props.HasSS58 {
		s.Token.SS58Prefix = props.SS58Prefix
	}
	if props.HasDecimals {
		s.Token.Decimals = props.Decimals
	}
	if props.Symbol != "" {
		s.Token.Symbol = props.Symbol
	}
	if !props.HasSS58 && s.Profile == nil {
		// The runtime's own System.SS58Prefix constant.
		if rt, err := s.Latest(ctx); err == nil {
			if ci, err := rt.Meta.ChainInfo(); err == nil && ci.HasPrefix {
				s.Token.SS58Prefix = ci.Base58Prefix
			}
		}
	}
	return s, nil
}

// ProfileByGenesis returns the embedded profile with genesis hash g, or nil.
func ProfileByGenesis(g chainclient.Hash) *chainspec.Profile {
	for _, p := range chainspec.Profiles() {
		if chainclient.Hash(p.GenesisHash) == g {
			return p
		}
	}
	return nil
}

// ChainName names the chain for messages ("Kusama Asset Hub").
func (s *Session) ChainName() string {
	switch {
	case s.Profile != nil:
		return s.Profile.DisplayName
	case s.display != "":
		return s.display
	}
	return "this development chain"
}

// NonceGenesis keys this chain's reserved nonces (NonceStore): its
// genesis hash, except on a trusted endpoint opened under a chain's name
// (Options.Name: development chains standing side by side for a relay and
// its Asset Hub), keyed by genesis and name, as chopsticks reports the same
// block #0 hash for every chain it runs and their accounts' nonces must
// not mix.
func (s *Session) NonceGenesis() chainclient.Hash {
	if s.Chain.Verified() || s.name == "" || s.Profile != nil {
		return s.Genesis
	}
	return chainclient.Hash(hash.Blake2b256(append(s.Genesis[:], s.name...)))
}

// ChainID names the chain in JSON output: its profile's Name
// ("kusama-asset-hub"), else the name it was opened as, else
// "development".
func (s *Session) ChainID() string {
	switch {
	case s.Profile != nil:
		return s.Profile.Name
	case s.name != "":
		return s.name
	}
	return "development"
}

// Route checks that this chain is where calls of pallet are made today.
// On a known network whose profile places pallet on another of its chains
// it returns an error wrapping ErrWrongChain that names that chain; on a
// development chain (unknown genesis), or a chain the user chose
// (Options.Chosen), everything is served here (the runtime's metadata
// judges), and a pallet no profile of the network lists is left to the
// runtime to judge.
func (s *Session) Route(pallet string) error {
	p := s.Profile
	if p == nil || s.chosen || p.Hosts(pallet) {
		return nil
	}
	host, ok := p.HostOf(pallet)
	if !ok || host == p {
		return nil
	}
	hint := "pass --network " + host.Name
	if relay := p.RelayProfile(); relay != nil && IsMultiChain(relay) {
		choice := ChainAssetHub
		if host.IsRelay() {
			choice = ChainRelay
		}
		hint = fmt.Sprintf("on --network %s pass --chain %s, or pass --network %s", relay.Name, choice, host.Name)
	}
	return fmt.Errorf("%w: %s lives on %s, not on %s; %s",
		ErrWrongChain, pallet, host.DisplayName, p.DisplayName, hint)
}

// Runtime is one runtime version: its metadata and what ksm derives from it.
type Runtime struct {
	Version chainclient.RuntimeVersion
	Meta    *metadata.Metadata
	Format  *extrinsic.Format
	Codec   *value.Codec
	Calls   *calls.Builder

	digestOnce sync.Once
	digest     [32]byte
	digestErr  error
	token      Token
	propsSS58  bool

	mhMu      sync.Mutex
	mhKnown   bool // metadata-hash support probed
	mhBuiltIn bool // the runtime accepts CheckMetadataHash mode 1
}

// HasExtension reports whether the runtime's transactions carry the named
// transaction extension.
func (rt *Runtime) HasExtension(name string) bool {
	for _, e := range rt.Format.Extensions() {
		if e == name {
			return true
		}
	}
	return false
}

// MetadataDigest is the RFC-0078 digest for CheckMetadataHash: spec name and
// version from the runtime version, SS58 prefix, decimals and symbol of the
// chain's token.
func (rt *Runtime) MetadataDigest() ([32]byte, error) {
	rt.digestOnce.Do(func() {
		if rt.token.Decimals < 0 || rt.token.Decimals > 255 {
			rt.digestErr = fmt.Errorf("token decimals %d out of range", rt.token.Decimals)
			return
		}
		want := metadata.MerkleExtraInfo{
			SpecName: rt.Version.SpecName, SpecVersion: rt.Version.SpecVersion,
			Base58Prefix: rt.token.SS58Prefix, Decimals: uint8(rt.token.Decimals), TokenSymbol: rt.token.Symbol,
		}
		info, err := rt.Meta.MerkleInfo(want, rt.propsSS58)
		if err != nil {
			rt.digestErr = err
			return
		}
		mk, err := rt.Meta.Merkleize(info)
		if err != nil {
			rt.digestErr = err
			return
		}
		rt.digest = mk.Digest()
	})
	return rt.digest, rt.digestErr
}

// ExistentialDeposit is the Balances.ExistentialDeposit constant.
func (rt *Runtime) ExistentialDeposit() (*big.Int, error) {
	v, err := rt.Codec.Constant("Balances", "ExistentialDeposit")
	if err != nil {
		return nil, err
	}
	return value.BigInt(v)
}

// Runtime returns the runtime of block at, from the cache when its spec
// version was seen before.
func (s *Session) Runtime(ctx context.Context, at chainclient.Hash) (*Runtime, error) {
	v, err := s.Chain.RuntimeVersion(ctx, at)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	rt := s.runtimes[v.SpecVersion]
	s.mu.Unlock()
	if rt != nil {
		return rt, nil
	}
	var md *metadata.Metadata
	if raw := s.cache.load(s.Genesis, v, "scale"); raw != nil {
		md, _ = metadata.Decode(raw)
	}
	if md == nil {
		raw, err := s.fetchMetadata(ctx, at)
		if err != nil {
			return nil, err
		}
		if md, err = metadata.Decode(raw); err != nil {
			return nil, fmt.Errorf("runtime %s %d metadata: %w", v.SpecName, v.SpecVersion, err)
		}
		s.cache.store(s.Genesis, v, "scale", raw)
	}
	f, err := extrinsic.New(md)
	if err != nil {
		return nil, fmt.Errorf("runtime %s %d: %w", v.SpecName, v.SpecVersion, err)
	}
	codec := value.New(md, s.Token.SS58Prefix)
	rt = &Runtime{Version: *v, Meta: md, Format: f, Codec: codec, Calls: calls.New(codec), token: s.Token, propsSS58: s.props.HasSS58}
	switch s.cache.metadataHashSupport(s.Genesis, v) {
	case mhBuiltIn:
		rt.mhKnown, rt.mhBuiltIn = true, true
	case mhAbsent:
		rt.mhKnown = true
	}
	s.mu.Lock()
	s.runtimes[v.SpecVersion] = rt
	s.mu.Unlock()
	return rt, nil
}

// fetchMetadata asks for the newest metadata version ksm reads
// (Metadata_metadata_at_version), falling back to the runtime's default.
func (s *Session) fetchMetadata(ctx context.Context, at chainclient.Hash) ([]byte, error) {
	vs, err := s.Chain.RuntimeCall(ctx, "Metadata_metadata_versions", nil, at)
	if err == nil {
		best, err := chainclient.BestMetadataVersion(vs)
		if err == nil && best >= 14 {
			b, err := s.Chain.RuntimeCall(ctx, "Metadata_metadata_at_version", scale.AppendU32(nil, best), at)
			if err == nil {
				return b, nil
			}
			if errors.Is(err, chainclient.ErrDisconnected) {
				return nil, err
			}
		}
	} else if errors.Is(err, chainclient.ErrDisconnected) {
		return nil, err
	}
	return s.Chain.Metadata(ctx, at)
}

// Latest returns the runtime of the finalized head.
func (s *Session) Latest(ctx context.Context) (*Runtime, error) {
	_, rt, err := s.HeadRuntime(ctx)
	return rt, err
}

// HeadRuntime returns the finalized head and its runtime.
func (s *Session) HeadRuntime(ctx context.Context) (*chainclient.Header, *Runtime, error) {
	h, err := s.Chain.FinalizedHead(ctx)
	if err != nil {
		return nil, nil, err
	}
	rt, err := s.Runtime(ctx, h.Hash)
	if err != nil {
		return nil, nil, err
	}
	return h, rt, nil
}

// PrepareRuntime makes the runtime of the finalized head ready for the
// next command: its version and metadata proven and cached under the home,
// its code proven and compiled (the executor keeps the compiled code in its
// cache there). A chain that cannot execute runtimes (an endpoint trusted
// as it is) only has its metadata cached.
func (s *Session) PrepareRuntime(ctx context.Context) (*Runtime, error) {
	h, rt, err := s.HeadRuntime(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.Chain.RuntimeCall(ctx, "Core_version", nil, h.Hash); err != nil && !errors.Is(err, chainclient.ErrUnsupported) {
		return nil, fmt.Errorf("runtime %s %d: %w", rt.Version.SpecName, rt.Version.SpecVersion, err)
	}
	return rt, nil
}

// Account formats an account id as an address of this chain.
func (s *Session) Account(id [32]byte) string {
	return ss58.MustEncode(id, s.Token.SS58Prefix)
}

// FormatAmount writes planck as tokens ("1.5 KSM").
func (s *Session) FormatAmount(planck *big.Int) string {
	return value.FormatBalance(planck, s.Token.Decimals, s.Token.Symbol)
}

// ParseAmount reads "1.5", "1.5KSM" or "1500000000000planck".
func (s *Session) ParseAmount(text string) (*big.Int, error) {
	return value.ParseAmount(text, s.Token.Decimals, s.Token.Symbol)
}
