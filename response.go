package snskit

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"unsafe"
)

// DefaultMaxBodySize bounds reply bodies unless WithMaxBodySize says
// otherwise.
const DefaultMaxBodySize = 16 << 20

// readBody reads a reply body once, bounded by limit, then closes it. It
// allocates exactly once when the server sends a Content-Length.
func readBody(resp *http.Response, limit int64) (string, error) {
	defer resp.Body.Close()
	if resp.ContentLength > limit {
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10) // let the connection be reused when cheap
		return "", fmt.Errorf("reply body of %d bytes is larger than the limit of %d bytes; raise it with snskit.WithMaxBodySize", resp.ContentLength, limit)
	}
	var buf []byte
	if resp.ContentLength >= 0 {
		// One byte more than announced: trying to fill it reaches EOF, so the
		// connection is reused, with no second allocation.
		buf = make([]byte, resp.ContentLength+1)
		n, err := io.ReadFull(resp.Body, buf)
		switch {
		case err == nil || int64(n) == resp.ContentLength && (err == io.ErrUnexpectedEOF || err == io.EOF):
			buf = buf[:resp.ContentLength]
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return "", fmt.Errorf("reply body truncated: got %d of %d bytes", n, resp.ContentLength)
		default:
			return "", fmt.Errorf("reading reply body: %w", err)
		}
	} else {
		var err error
		if buf, err = readUnsized(resp.Body, limit); err != nil {
			return "", err
		}
	}
	if len(buf) == 0 {
		return "", nil
	}
	// buf is never written again, so it can back an immutable string.
	return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
}

// readUnsized reads a body of unknown length (chunked, or ended by closing
// the connection), bounded by limit. It reads into blocks that double from
// 4 KiB up to 1 MiB, none copied while reading, and returns the first block
// itself when the body fits in it, else one buffer of the exact size: the
// heap beyond the body stays under its size plus 1 MiB, where growing one
// slice by append would allocate about four times the body.
func readUnsized(r io.Reader, limit int64) ([]byte, error) {
	const first, most = 4 << 10, 1 << 20
	buf := make([]byte, 0, first)
	var full [][]byte // the blocks before buf, each filled
	total := 0
	for {
		if len(buf) == cap(buf) {
			full = append(full, buf)
			buf = make([]byte, 0, min(2*cap(buf), most))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf, total = buf[:len(buf)+n], total+n
		if int64(total) > limit {
			return nil, fmt.Errorf("reply body is larger than the limit of %d bytes; raise it with snskit.WithMaxBodySize", limit)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("reply body truncated after %d bytes", total)
			}
			return nil, fmt.Errorf("reading reply body: %w", err)
		}
	}
	if len(full) == 0 {
		return buf, nil
	}
	out := make([]byte, 0, total)
	for _, b := range full {
		out = append(out, b...)
	}
	return append(out, buf...), nil
}
