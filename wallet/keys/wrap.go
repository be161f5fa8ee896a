package keys

import "bytes"

// The markers polkadot-js's signRaw (and its browser extension) put around a
// message before signing it. A wrapped message can never be a transaction
// signing payload, so a signature over it cannot be replayed as one.
var (
	bytesPrefix = []byte("<Bytes>")
	bytesSuffix = []byte("</Bytes>")
)

// IsWrapped reports whether msg is already framed by <Bytes>…</Bytes>.
func IsWrapped(msg []byte) bool {
	return len(msg) >= len(bytesPrefix)+len(bytesSuffix) &&
		bytes.HasPrefix(msg, bytesPrefix) && bytes.HasSuffix(msg, bytesSuffix)
}

// WrapBytes returns msg framed by <Bytes>…</Bytes> as polkadot-js's
// u8aWrapBytes does: a message that is already framed is returned as it is.
func WrapBytes(msg []byte) []byte {
	if IsWrapped(msg) {
		return bytes.Clone(msg)
	}
	out := make([]byte, 0, len(bytesPrefix)+len(msg)+len(bytesSuffix))
	out = append(out, bytesPrefix...)
	out = append(out, msg...)
	return append(out, bytesSuffix...)
}
