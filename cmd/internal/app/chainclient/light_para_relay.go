package chainclient

// RelayBlock is the relay block whose finalized state proved the para
// head pinned by Pin (else the latest one proven); ok is false before one
// was proven.
func (l *LightPara) RelayBlock() (number uint32, hash Hash, ok bool) {
	h := l.Head()
	if h == nil {
		return 0, Hash{}, false
	}
	return h.RelayNumber, Hash(h.Relay), true
}
