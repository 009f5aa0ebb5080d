package snskit

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/snskit/snskit/driver"
)

// multipartBody lays out a multipart/form-data body whose file parts stream
// from their readers: the part headers and plain fields are written to small
// buffers up front, and the body is the sequence buffer, file, buffer, file,
// ..., closing boundary. Nothing is read, and no goroutine started, until the
// body is read, so a dry-run request that is never sent leaks nothing. A
// file's reads stop when ctx is done (see contextReader). length is -1 when
// a file's size is unknown.
func multipartBody(ctx context.Context, values url.Values, files []driver.FormFile) (body io.Reader, contentType string, length int64) {
	sw := &segmentWriter{}
	mw := multipart.NewWriter(sw)
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range values[k] {
			_ = mw.WriteField(k, v) // writes to memory: cannot fail
		}
	}
	length = 0
	for _, f := range files {
		h := make(textproto.MIMEHeader, 2)
		h.Set("Content-Disposition", `form-data; name="`+escapeQuotes(f.Field)+
			`"; filename="`+escapeQuotes(f.File.Name)+`"`)
		h.Set("Content-Type", fileContentType(f.File))
		_, _ = mw.CreatePart(h)
		sw.cut()
		sw.parts = append(sw.parts, contextReader(ctx, f.File.Reader))
		if f.File.Size < 0 || length < 0 {
			length = -1
		} else {
			length += f.File.Size
		}
	}
	_ = mw.Close()
	sw.cut()
	if length >= 0 {
		length += sw.n
	}
	return io.MultiReader(sw.parts...), mw.FormDataContentType(), length
}

// escapeQuotes escapes a field or file name for a Content-Disposition
// quoted string: backslashes and quotes escaped, line breaks dropped.
func escapeQuotes(s string) string {
	if !strings.ContainsAny(s, "\\\"\r\n") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\r', '\n':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// segmentWriter collects what the multipart writer writes into a list of
// readers, cut between file parts.
type segmentWriter struct {
	cur   bytes.Buffer
	parts []io.Reader
	n     int64 // bytes written, files excluded
}

func (w *segmentWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return w.cur.Write(p)
}

func (w *segmentWriter) cut() {
	if w.cur.Len() == 0 {
		return
	}
	b := bytes.Clone(w.cur.Bytes())
	w.parts = append(w.parts, bytes.NewReader(b))
	w.cur.Reset()
}

func fileContentType(f File) string {
	if f.ContentType != "" {
		return f.ContentType
	}
	if t := mime.TypeByExtension(filepath.Ext(f.Name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// readerSize returns how many bytes r has left to read, or -1 when it cannot
// tell without reading.
func readerSize(r io.Reader) int64 {
	switch x := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		return int64(x.Len())
	case interface {
		Stat() (fs.FileInfo, error)
		io.Seeker
	}: // *os.File
		fi, err := x.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		off, err := x.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return fi.Size() - off
	}
	return -1
}

// contextReader returns r with reads that give up when ctx is done, so that
// a reader that blocks (a pipe, a stalled network body) cannot hold a call
// past its deadline: each read runs in a goroutine, and a read still
// blocked when ctx ends is left to finish on its own, its result dropped.
// In-memory readers, which never block, are returned as they are.
func contextReader(ctx context.Context, r io.Reader) io.Reader {
	if _, ok := r.(interface{ Len() int }); ok || ctx.Done() == nil {
		return r
	}
	return &ctxReader{ctx: ctx, r: r, done: make(chan readResult, 1)}
}

// ctxReader is a reader whose reads stop when ctx is done.
type ctxReader struct {
	ctx  context.Context
	r    io.Reader
	buf  []byte          // the buffer of the read in flight
	done chan readResult // its result
	busy bool            // a read is in flight
}

type readResult struct {
	n   int
	err error
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if !c.busy {
		if cap(c.buf) < len(p) {
			c.buf = make([]byte, len(p))
		}
		buf := c.buf[:len(p)] // never p: the read may outlive this call
		c.busy = true
		go func() {
			n, err := c.r.Read(buf)
			c.done <- readResult{n, err}
		}()
	}
	select {
	case <-c.ctx.Done():
		return 0, c.ctx.Err() // the read in flight keeps buf; it is never reused
	case res := <-c.done:
		c.busy = false
		return copy(p, c.buf[:res.n]), res.err
	}
}
