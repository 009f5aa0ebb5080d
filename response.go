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
		buf = make([]byte, 0, 4096)
		for {
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)]
			}
			n, err := resp.Body.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if int64(len(buf)) > limit {
				return "", fmt.Errorf("reply body is larger than the limit of %d bytes; raise it with snskit.WithMaxBodySize", limit)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				if errors.Is(err, io.ErrUnexpectedEOF) {
					return "", fmt.Errorf("reply body truncated after %d bytes", len(buf))
				}
				return "", fmt.Errorf("reading reply body: %w", err)
			}
		}
	}
	if len(buf) == 0 {
		return "", nil
	}
	// buf is never written again, so it can back an immutable string.
	return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
}
