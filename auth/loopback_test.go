package auth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestLoopbackReceivesOneRedirect(t *testing.T) {
	l, err := NewLoopback("")
	require.NoError(t, err)
	defer l.Close()
	require.Regexp(t, `^http://127\.0\.0\.1:\d+/callback$`, l.RedirectURL())

	got := make(chan url.Values, 1)
	done := make(chan error, 1)
	go func() {
		done <- l.Receive(context.Background(), func(q url.Values) error { got <- q; return nil })
	}()
	base, _ := url.Parse(l.RedirectURL())
	status, _ := get(t, base.Scheme+"://"+base.Host+"/favicon.ico")
	assert.Equal(t, http.StatusNotFound, status, "other paths are not the redirect")

	status, page := get(t, l.RedirectURL()+"?code=C&state=S")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, "You can close this tab")
	assert.Equal(t, "C", (<-got).Get("code"))
	require.NoError(t, <-done)

	status, _ = get(t, l.RedirectURL()+"?code=again")
	assert.Equal(t, http.StatusGone, status, "the login is over")
	assert.Error(t, l.Receive(context.Background(), func(url.Values) error { return nil }))
}

func TestLoopbackShowsTheHandlersError(t *testing.T) {
	l, err := NewLoopback("")
	require.NoError(t, err)
	defer l.Close()
	bad := errors.New("the redirect's state does not match <script>")
	done := make(chan error, 1)
	// The browser may land before Receive is called: the redirect waits.
	type page struct {
		status int
		body   string
	}
	pages := make(chan page, 1)
	go func() { s, b := get(t, l.RedirectURL()+"?code=C&state=wrong"); pages <- page{s, b} }()
	go func() { done <- l.Receive(context.Background(), func(url.Values) error { return bad }) }()
	p := <-pages
	status, body := p.status, p.body
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, "does not match &lt;script&gt;", "the message is escaped")
	assert.ErrorIs(t, <-done, bad)
}

func TestLoopbackRedirectURLRules(t *testing.T) {
	for _, bad := range []string{"https://127.0.0.1:1/cb", "http://example.com/cb", "http://10.0.0.1/cb", "::"} {
		_, err := NewLoopback(bad)
		assert.Error(t, err, bad)
	}
	l, err := NewLoopback("http://localhost:0/oauth")
	require.NoError(t, err)
	defer l.Close()
	assert.Equal(t, "http://localhost:0/oauth", l.RedirectURL(), "a given URL is kept as registered")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, l.Receive(ctx, func(url.Values) error { return nil }), context.DeadlineExceeded)
}

func TestLoopbackCloseEndsReceive(t *testing.T) {
	l, err := NewLoopback("")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- l.Receive(context.Background(), func(url.Values) error { return nil }) }()
	require.NoError(t, l.Close())
	assert.ErrorIs(t, <-done, ErrLoopbackClosed)
	assert.NoError(t, l.Close(), "closing twice is harmless")
}
