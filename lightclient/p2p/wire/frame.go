package wire

import (
	"errors"
	"fmt"
	"io"
)

// MaxVarintLen is the longest unsigned-varint the multiformats spec allows
// (9 bytes, 63 bits).
const MaxVarintLen = 9

// AppendUvarint appends v as a multiformats unsigned-varint.
func AppendUvarint(dst []byte, v uint64) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}

// Uvarint decodes a minimal unsigned-varint from the start of b and returns
// the value and the number of bytes read.
func Uvarint(b []byte) (uint64, int, error) {
	var v uint64
	for i := 0; i < MaxVarintLen; i++ {
		if i >= len(b) {
			return 0, 0, fmt.Errorf("%w: truncated", ErrVarint)
		}
		c := b[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 {
				return 0, 0, fmt.Errorf("%w: not minimal", ErrVarint)
			}
			return v, i + 1, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: longer than %d bytes", ErrVarint, MaxVarintLen)
}

// ReadUvarint reads one minimal unsigned-varint from r, one byte at a time
// (so it never reads past the varint).
func ReadUvarint(r io.Reader) (uint64, error) {
	var buf [1]byte
	var v uint64
	for i := 0; i < MaxVarintLen; i++ {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			if i > 0 && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		c := buf[0]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 {
				return 0, fmt.Errorf("%w: not minimal", ErrVarint)
			}
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: longer than %d bytes", ErrVarint, MaxVarintLen)
}

// AppendFrame appends msg preceded by its unsigned-varint length.
func AppendFrame(dst, msg []byte) []byte {
	dst = AppendUvarint(dst, uint64(len(msg)))
	return append(dst, msg...)
}

// WriteFrame writes msg to w as one length-prefixed frame in a single Write.
func WriteFrame(w io.Writer, msg []byte) error {
	_, err := w.Write(AppendFrame(make([]byte, 0, len(msg)+MaxVarintLen), msg))
	return err
}

// frameChunk is the first buffer of a frame body and the most ReadFrame
// allocates ahead of the bytes that actually arrived.
const frameChunk = 64 << 10

// ReadFrame reads one length-prefixed frame of at most limit bytes from r.
// The length is checked against max before anything is allocated, and the
// buffer grows as the body arrives (never more than frameChunk, or the bytes
// read so far, ahead of them), so a peer declaring a large frame and sending
// little pins little. A clean end of stream before the first byte is
// reported as io.EOF.
func ReadFrame(r io.Reader, limit int) ([]byte, error) {
	n, err := ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > uint64(limit) {
		return nil, fmt.Errorf("%w: frame of %d bytes, limit %d", ErrTooLarge, n, limit)
	}
	msg := make([]byte, 0, min(int(n), frameChunk))
	for len(msg) < int(n) {
		if len(msg) == cap(msg) {
			// Double what arrived, up to the declared length: a whole frame
			// costs about twice its length in allocations, a stalled one at
			// most twice what it sent.
			grown := make([]byte, len(msg), min(int(n), 2*len(msg)))
			copy(grown, msg)
			msg = grown
		}
		k, err := io.ReadFull(r, msg[len(msg):cap(msg)])
		msg = msg[:len(msg)+k]
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("read frame body (%d of %d bytes): %w", len(msg), n, err)
		}
	}
	return msg, nil
}

// DiscardFrame reads one length-prefixed frame of at most limit bytes from
// r and throws its body away without buffering it; it returns the body's
// length. Errors are ReadFrame's.
func DiscardFrame(r io.Reader, limit int) (int, error) {
	n, err := ReadUvarint(r)
	if err != nil {
		return 0, err
	}
	if n > uint64(limit) {
		return 0, fmt.Errorf("%w: frame of %d bytes, limit %d", ErrTooLarge, n, limit)
	}
	k, err := io.CopyN(io.Discard, r, int64(n))
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, fmt.Errorf("skip frame body (%d of %d bytes): %w", k, n, err)
	}
	return int(n), nil
}

// SplitFrame splits one length-prefixed frame of at most max bytes off the
// start of b and returns it and the rest.
func SplitFrame(b []byte, max int) (msg, rest []byte, err error) {
	n, k, err := Uvarint(b)
	if err != nil {
		return nil, nil, err
	}
	if n > uint64(max) {
		return nil, nil, fmt.Errorf("%w: frame of %d bytes, limit %d", ErrTooLarge, n, max)
	}
	if n > uint64(len(b)-k) {
		return nil, nil, fmt.Errorf("%w: frame of %d bytes, %d present", ErrMalformed, n, len(b)-k)
	}
	return b[k : k+int(n)], b[k+int(n):], nil
}
