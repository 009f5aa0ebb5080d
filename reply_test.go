package snskit_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawServer answers every request with the bytes written by answer, on the
// raw connection: for replies net/http's server would not send.
func rawServer(t *testing.T, answer string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString(answer)
		_ = buf.Flush()
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestCutBodiesAreReplyErrors: bodies cut short in each HTTP framing.
func TestCutBodiesAreReplyErrors(t *testing.T) {
	cases := map[string]struct{ answer, want string }{
		"content-length":              {"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"ok\":[1,2", "truncated: got 10 of 50 bytes"},
		"chunked":                     {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n{\"ok\":[1,2\r\n", "truncated after 10 bytes"},
		"close-delimited":             {"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"ok\":[1,2", "not complete JSON (truncated"},
		"two values, close-delimited": {"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"ok\":1}{\"ok\":2}", "more than one JSON value"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := fakeAPI(t, rawServer(t, c.answer)).Method("x.get").DoContext(context.Background(), nil)
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// TestBigChunkedBody: a body without a Content-Length, read in blocks, comes
// back whole, byte for byte, across the blocks it was read in.
func TestBigChunkedBody(t *testing.T) {
	for _, size := range []int{100, 4096, 4097, 3<<20 + 17} {
		var b strings.Builder
		for i := 0; b.Len() < size; i++ {
			b.WriteByte('a' + byte(i%26))
		}
		body := `{"ok":"` + b.String() + `"}`
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for rest := body; rest != ""; { // chunked, in odd-sized writes
				n := min(len(rest), 7001)
				_, _ = io.WriteString(w, rest[:n])
				w.(http.Flusher).Flush()
				rest = rest[n:]
			}
		}))
		r, err := fakeAPI(t, srv.URL).Method("x.get").Response(context.Background(), nil)
		srv.Close()
		require.NoError(t, err, "size %d", size)
		assert.Equal(t, body, r.Body, "size %d", size)
		assert.Equal(t, b.String(), r.Result.String())
	}
}
