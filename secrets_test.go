package snskit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/internal/leaktest"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// Tokens as Renren issues them, with the characters escaping changes.
const (
	oddToken  = "239975|6.8d4c1f+a/b=c.5184000.1367|ЖТ=="
	oddSecret = "app/secret+key=0123|456"
)

// hangUp is a server that closes every connection without answering, so
// that the client's error is a *url.Error holding the request URL.
func hangUp(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			c.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A failed QQ openid lookup: the wrapper of the error kept the app secret
// and the access token as a field, shown by %#v and reachable by reflection.
func TestFailedSideRequestHoldsNoSecret(t *testing.T) {
	srv := hangUp(t)
	api, err := snskit.New(platforms.QQ(), snskit.WithApp("100", oddSecret), snskit.WithAuth(auth.Token(oddToken)), snskit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = api.Method("user.get_user_info").Do(nil)
	require.Error(t, err)
	var ue *url.Error
	assert.ErrorAs(t, err, &ue, "the transport failure keeps its type")
	leaktest.NoSecret(t, err, oddToken, oddSecret)
}

// A platform error page (HTML, any status) that echoes the request URL.
func TestEchoedEscapedTokenIsMasked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, "<html><body>upstream failed for %s?%s</body></html>", r.URL.Path, r.URL.RawQuery)
	}))
	defer srv.Close()
	api := fakeAPIWith(t, srv.URL, oddToken)
	_, err := api.Method("x.get").Do(nil)
	var re *snskit.ReplyError
	require.ErrorAs(t, err, &re)
	leaktest.NoSecret(t, err, oddToken)
}

func fakeAPIWith(t *testing.T, base, tok string, opts ...snskit.Option) *snskit.API {
	t.Helper()
	api, err := snskit.New(fake{}, append([]snskit.Option{snskit.WithBaseURL(base), snskit.WithAuth(auth.Token(tok))}, opts...)...)
	require.NoError(t, err)
	return api
}

// The debug log's error attribute is a *url.Error's text, which holds the
// query-escaped token.
func TestLogOfTransportErrorMasksEscapedToken(t *testing.T) {
	srv := hangUp(t)
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	api := fakeAPIWith(t, srv.URL, oddToken, snskit.WithLogger(log))
	_, err := api.Method("x.get").Do(nil)
	require.Error(t, err)
	require.Contains(t, buf.String(), "error=")
	leaktest.NoSecret(t, buf.String(), oddToken)
	leaktest.NoSecret(t, err, oddToken)
}

// A platform error that repeats the token in its message keeps it in
// Detail: VK's error_msg, Kaixin's request.
func TestErrorDetailMasksEchoedToken(t *testing.T) {
	for name, body := range map[string]string{
		"message":       `{"fail":5,"msg":"invalid token ` + oddToken + `"}`,
		"php json":      `{"fail":5,"msg":"x","request":"\/api\/x?token=` + strings.ReplaceAll(oddToken, "/", `\/`) + `"}`,
		"escaped query": `{"fail":5,"msg":"x","request":"/api/x?token=` + url.QueryEscape(oddToken) + `"}`,
		"ascii json":    `{"fail":5,"msg":"x","echo":` + jsonASCII(oddToken) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			srv, _ := fakeServer(t, body)
			api := fakeAPIWith(t, srv.URL, oddToken)
			_, err := api.Method("x.post").Do(nil)
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			leaktest.NoSecret(t, err, oddToken)
			assert.Equal(t, "5", e.Detail.Get("fail").String(), "the rest of the detail stays")
		})
	}
}

func jsonASCII(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		} else if r >= 0x80 {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// A refresh that fails: the error joined to the call's kept the secrets in
// its wrapper.
func TestFailedRefreshHoldsNoSecret(t *testing.T) {
	srv, _ := fakeServer(t, `{"fail":"expired"}`)
	const refreshTok = "refresh|0123456789+abc="
	refresh := func(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
		return nil, &url.Error{Op: "Post", URL: "https://example.com/token?refresh_token=" + url.QueryEscape(old.RefreshToken) + "&client_secret=" + url.QueryEscape(oddSecret), Err: errors.New("connection reset")}
	}
	live := auth.NewLive(&oauth2.Token{AccessToken: oddToken, RefreshToken: refreshTok, Expiry: time.Now().Add(time.Hour)}, refresh)
	api, err := snskit.New(fake{}, snskit.WithBaseURL(srv.URL), snskit.WithApp("a", oddSecret), snskit.WithAuth(auth.TokenSource(live)))
	require.NoError(t, err)
	_, err = api.Method("x.post").Do(nil)
	require.ErrorIs(t, err, snskit.ErrTokenExpired)
	assert.Contains(t, err.Error(), "refreshing the token failed")
	leaktest.NoSecret(t, err, oddToken, oddSecret, refreshTok)
}

// A side request's broken reply was cut to its snippet before masking, so
// a token across the cut left its first bytes in the error.
func TestSideRequestSnippetMaskedBeforeCut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, "%s token=%s", strings.Repeat("x", 100), r.URL.Query().Get("access_token"))
	}))
	defer srv.Close()
	const tok = "TOKENPREFIXVISIBLE-0123456789abcdefghij"
	api, err := snskit.New(platforms.QQ(), snskit.WithApp("100", oddSecret), snskit.WithAuth(auth.Token(tok)), snskit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = api.Method("user.get_user_info").Do(nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "TOKENPREFIX")
}

// A token source whose refresh fails before the call is sent: its error
// may repeat the refresh token, which the call never placed.
func TestFailedRefreshBeforeSendingHoldsNoSecret(t *testing.T) {
	const refreshTok = "refresh|0123456789+abc="
	refresh := func(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
		return nil, fmt.Errorf("token endpoint said: invalid_grant for %s", url.QueryEscape(old.RefreshToken))
	}
	live := auth.NewLive(&oauth2.Token{AccessToken: oddToken, RefreshToken: refreshTok, Expiry: time.Now().Add(-time.Hour)}, refresh)
	api, err := snskit.New(fake{}, snskit.WithBaseURL("http://127.0.0.1:1"), snskit.WithAuth(auth.TokenSource(live)))
	require.NoError(t, err)
	_, err = api.Method("x.post").Do(nil)
	require.ErrorContains(t, err, "invalid_grant")
	leaktest.NoSecret(t, err, refreshTok)
}
