package wire

import "fmt"

// Kademlia message types (libp2p dht.pb Message.MessageType).
const (
	KadPutValue     = 0
	KadGetValue     = 1
	KadAddProvider  = 2
	KadGetProviders = 3
	KadFindNode     = 4
	KadPing         = 5
)

// Kademlia connection types.
const (
	KadNotConnected  = 0
	KadConnected     = 1
	KadCanConnect    = 2
	KadCannotConnect = 3
)

// Limits of the Kademlia codec.
const (
	// MaxKadMessageSize is the largest Kademlia message accepted (rust-libp2p
	// allows 16 KiB by default; this is more lenient).
	MaxKadMessageSize = 64 << 10
	// MaxKadPeers bounds closer peers per message, MaxKadAddrs addresses per peer.
	MaxKadPeers = 64
	MaxKadAddrs = 32
)

// KadPeer is a peer in a Kademlia message: its peer id bytes and binary
// multiaddrs, not validated here.
type KadPeer struct {
	ID         []byte
	Addrs      [][]byte
	Connection uint64
}

// KadMessage is the libp2p Kademlia protobuf Message, with the fields a
// FIND_NODE exchange uses. Record and provider fields are skipped.
type KadMessage struct {
	Type        uint64
	Key         []byte
	CloserPeers []KadPeer
}

// FindNodeRequest builds a FIND_NODE request for key (a peer id's bytes).
func FindNodeRequest(key []byte) *KadMessage {
	return &KadMessage{Type: KadFindNode, Key: key}
}

// Encode returns the protobuf encoding of m.
func (m *KadMessage) Encode() []byte {
	var b []byte
	if m.Type != 0 {
		b = appendVarintField(b, 1, m.Type)
	}
	if m.Key != nil {
		b = appendBytesField(b, 2, m.Key)
	}
	for _, p := range m.CloserPeers {
		pb := appendBytesField(nil, 1, p.ID)
		for _, a := range p.Addrs {
			pb = appendBytesField(pb, 2, a)
		}
		if p.Connection != 0 {
			pb = appendVarintField(pb, 3, p.Connection)
		}
		b = appendBytesField(b, 8, pb)
	}
	return b
}

// DecodeKadMessage decodes a Kademlia message, enforcing the size and count limits.
func DecodeKadMessage(b []byte) (*KadMessage, error) {
	if len(b) > MaxKadMessageSize {
		return nil, fmt.Errorf("%w: kademlia message of %d bytes", ErrTooLarge, len(b))
	}
	m := new(KadMessage)
	err := eachField(b, func(f field) (err error) {
		switch f.num {
		case 1:
			m.Type, err = f.varint()
		case 2:
			m.Key, err = f.bytes()
		case 8:
			m.CloserPeers, err = appendDecoded(m.CloserPeers, f, MaxKadPeers, "closer peer", "closer peers", decodeKadPeer)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("kademlia message: %w", err)
	}
	return m, nil
}

func decodeKadPeer(b []byte) (KadPeer, error) {
	var p KadPeer
	err := eachField(b, func(f field) (err error) {
		switch f.num {
		case 1:
			p.ID, err = f.bytes()
		case 2:
			p.Addrs, err = appendDecoded(p.Addrs, f, MaxKadAddrs, "address", "addresses", asBytes)
		case 3:
			p.Connection, err = f.varint()
		}
		return err
	})
	if err != nil {
		return p, err
	}
	if len(p.ID) == 0 {
		return p, fmt.Errorf("%w: peer without id", ErrMalformed)
	}
	return p, nil
}
