package chainsync

import (
	"errors"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// ErrMalformed (possibly wrapped) means a payload does not decode.
var ErrMalformed = errors.New("chainsync: malformed payload")

// Verdict classifies a peer's answer.
type Verdict uint8

// Verdicts.
const (
	OK Verdict = iota
	Useless
	Malicious
	Failed // the request failed or timed out (OnFailure)
)

func (v Verdict) String() string {
	switch v {
	case OK:
		return "ok"
	case Useless:
		return "useless"
	case Malicious:
		return "malicious"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("verdict(%d)", uint8(v))
}

// Errors OnResponse returns (wrapped) for a Malicious or a Useless answer.
var (
	// ErrMalicious means a peer's answer was invalid: it cannot come from an
	// honest node (ban the peer).
	ErrMalicious = errors.New("chainsync: invalid answer from peer")
	// ErrUseless means an answer was well formed but brought nothing.
	ErrUseless = errors.New("chainsync: useless answer from peer")
)

// VerdictOf classifies an error returned by OnResponse.
func VerdictOf(err error) Verdict {
	switch {
	case err == nil:
		return OK
	case errors.Is(err, ErrMalicious):
		return Malicious
	case errors.Is(err, ErrUseless):
		return Useless
	}
	return Failed
}

// PeerID names a peer (a libp2p peer id, an RPC endpoint, ...).
type PeerID string

// RequestID identifies a request in flight.
type RequestID uint64

// QueryID identifies a storage query.
type QueryID uint64

// Kind is a request kind; see the package documentation for its payload.
type Kind uint8

// Request kinds.
const (
	KindWarp Kind = iota + 1
	KindFinality
	KindStorage
	// KindHeaders asks for Request.Count headers descending from
	// Request.Block (a /sync/2 HEADER request); see commit.go.
	KindHeaders
	// KindBody asks for the body of block Request.Block; see body.go.
	KindBody
	// KindJustification asks for the GRANDPA justification stored with
	// block Request.Block (an RPC node's chain_getBlock justifications,
	// engine "FRNK"); see justif.go.
	KindJustification
	// KindCallProof asks for the proof of the storage a runtime call reads
	// (Request.Method, Request.Data at Request.Block: a /light/2 remote
	// call); see callproof.go.
	KindCallProof
)

// kindNames names each request kind.
var kindNames = [...]string{
	KindWarp:          "warp",
	KindFinality:      "finality",
	KindStorage:       "storage",
	KindHeaders:       "headers",
	KindBody:          "body",
	KindJustification: "justification",
	KindCallProof:     "call proof",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Caps is a set of request kinds a peer serves.
type Caps uint8

// Capabilities.
const (
	CanWarp Caps = 1 << iota
	CanFinality
	CanStorage
	CanHeaders // serves KindHeaders (a p2p full node's /sync/2)
	CanBody    // serves KindBody
	// CanJustification: serves KindJustification.
	CanJustification
	// PushesJustifications: the peer pushes the justification of each block
	// it finalizes (an RPC node's grandpa_subscribeJustifications); while it
	// does, a synced machine does not poll for finality (justif.go).
	PushesJustifications
	// CanCallProof: serves KindCallProof (a p2p full node's /light/2
	// remote call).
	CanCallProof
)

// kindCaps is the capability that serves each request kind.
var kindCaps = [...]Caps{
	KindWarp:          CanWarp,
	KindFinality:      CanFinality,
	KindStorage:       CanStorage,
	KindHeaders:       CanHeaders,
	KindBody:          CanBody,
	KindJustification: CanJustification,
	KindCallProof:     CanCallProof,
}

func (c Caps) has(k Kind) bool {
	return int(k) < len(kindCaps) && c&kindCaps[k] != 0
}

// PeerCaps describes what a peer serves. A parachain peer (Para set) only
// answers storage requests at blocks of parachain ParaID.
type PeerCaps struct {
	Kinds  Caps
	Para   bool
	ParaID uint32
}

// Request is a request the machine wants performed.
type Request struct {
	ID   RequestID
	Peer PeerID
	Kind Kind
	// Block is the block the request starts from (warp: the finalized block)
	// or reads at (storage).
	Block header.Hash
	// Number is the block number of Block (finality: the block to prove,
	// the one after the finalized block).
	Number uint32
	// Keys are the storage keys to prove (storage).
	Keys [][]byte
	// Para is set for a storage request to a parachain peer.
	Para   bool
	ParaID uint32
	// Count is how many headers a KindHeaders request wants, from Block
	// descending (Block first).
	Count uint32
	// Method and Data are the runtime call whose storage a KindCallProof
	// request asks the proof of.
	Method string
	Data   []byte
	// Deadline is when the machine gives up on the request.
	Deadline time.Time
}

// Event is something verified the machine reports.
type Event interface{ isEvent() }

// Finalized reports a new finalized header and the set that finalizes its successors.
type Finalized struct {
	Header *header.Header
	Hash   header.Hash
	SetID  uint64
}

// SetChanged reports an authority-set change enacted at block (Number, Hash).
type SetChanged struct {
	Number uint32
	Hash   header.Hash
	Forced bool
	Set    grandpa.AuthoritySet
}

// Progress reports sync progress: Done is the finalized block number and
// Target the best block number known (claimed by peers, unverified).
type Progress struct {
	Target, Done uint32
}

// Synced reports that the machine reached the finalized head its peers know.
type Synced struct {
	Number uint32
	Hash   header.Hash
}

// ErrQueryFailed means no peer could answer a storage query with a valid proof.
var ErrQueryFailed = errors.New("chainsync: storage query failed")

// QueryResult answers a storage query with values verified against the
// state root of Block. Err is set (wrapping ErrQueryFailed) when no peer
// could answer.
type QueryResult struct {
	ID     QueryID
	Block  header.Hash // the relay block whose state (or para head) proves the values
	Number uint32
	// Para is the parachain head the values were read at (parachain queries).
	Para   *ParaHead
	Values []trie.Lookup
	// Proof holds the proof nodes the values were verified with (relay
	// queries and parachain reads), for callers that merge proofs of one
	// block.
	Proof [][]byte
	Err   error
}

// ParaHead is a parachain block proven by the relay state.
type ParaHead struct {
	ParaID uint32
	Header *header.Header
	Hash   header.Hash
}

// PeerBanned reports that the machine stopped using a peer: Verdict is
// Malicious (invalid data) or Failed (stalled).
type PeerBanned struct {
	Peer    PeerID
	Verdict Verdict
	Reason  error
}

func (Finalized) isEvent()   {}
func (SetChanged) isEvent()  {}
func (Progress) isEvent()    {}
func (Synced) isEvent()      {}
func (QueryResult) isEvent() {}
func (PeerBanned) isEvent()  {}

// FinalityProof is sc-consensus-grandpa's FinalityProof, the answer of
// grandpa_proveFinality: the justified block, its encoded justification, and
// headers up to and including it (Substrate: after the requested block; the
// machine's payload: from the block after the finalized one).
type FinalityProof struct {
	Block          header.Hash
	Justification  []byte
	UnknownHeaders []*header.Header
}

// minHeaderSize is the smallest SCALE header: parent, compact number (1),
// state root, extrinsics root, empty digest (1).
const minHeaderSize = 32 + 1 + 32 + 32 + 1

// DecodeFinalityProof decodes a SCALE FinalityProof, refusing trailing bytes.
func DecodeFinalityProof(b []byte) (*FinalityProof, error) {
	d := scale.NewDecoder(b)
	var p FinalityProof
	if err := d.Fixed(p.Block[:]); err != nil {
		return nil, fmt.Errorf("%w: finality proof block: %v", ErrMalformed, err)
	}
	j, err := d.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: finality proof justification: %v", ErrMalformed, err)
	}
	p.Justification = append([]byte(nil), j...)
	n, err := d.Len(minHeaderSize)
	if err != nil {
		return nil, fmt.Errorf("%w: finality proof headers: %v", ErrMalformed, err)
	}
	p.UnknownHeaders = make([]*header.Header, 0, n)
	for i := 0; i < n; i++ {
		hd, err := header.DecodeFrom(d)
		if err != nil {
			return nil, fmt.Errorf("%w: finality proof header %d: %v", ErrMalformed, i, err)
		}
		p.UnknownHeaders = append(p.UnknownHeaders, hd)
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: finality proof: %v", ErrMalformed, err)
	}
	return &p, nil
}

// Encode returns the SCALE encoding of p.
func (p *FinalityProof) Encode() []byte {
	out := append([]byte(nil), p.Block[:]...)
	out = scale.AppendBytes(out, p.Justification)
	out = scale.AppendCompact(out, uint64(len(p.UnknownHeaders)))
	for _, h := range p.UnknownHeaders {
		out = h.AppendTo(out)
	}
	return out
}
