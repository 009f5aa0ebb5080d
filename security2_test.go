package snskit_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
)

func TestNilStringerParamIsRefused(t *testing.T) {
	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("tok-0123456789abcdef")), snskit.WithBaseURL("http://127.0.0.1:1"))
	for name, v := range map[string]any{
		"*url.URL nil":       (*url.URL)(nil),
		"*net.IP nil":        (*net.IP)(nil),
		"*time.Duration nil": (*time.Duration)(nil),
		"*int nil":           (*int)(nil),
	} {
		t.Run(name, func(t *testing.T) {
			var p any
			var err error
			func() {
				defer func() { p = recover() }()
				_, err = api.Method("users.get").Request(context.Background(), snskit.Params{"x": v})
			}()
			if p != nil {
				t.Errorf("PANIC on %s: %v", name, p)
			} else {
				t.Logf("%s -> %v", name, err)
			}
		})
	}
}

// ReplyError snippets are cut to 120 bytes first and redacted after, so a
// secret that straddles the cut is not recognised and its prefix shows.
func TestSnippetRedactedBeforeCut(t *testing.T) {
	const tok = "TOKENPREFIXVISIBLE-0123456789abcdefghij"
	srv := httptestServer(func(body string) string {
		return "Bad Gateway: upstream rejected request: " + strings.Repeat("x", 40) + " body=" + body
	})
	defer srv.Close()
	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token(tok)), snskit.WithBaseURL(srv.URL))
	_, err := api.Method("users.get").Do(nil)
	t.Logf("err: %v", err)
	if strings.Contains(err.Error(), "TOKENPREFIXVIS") {
		t.Errorf("PARTIAL LEAK: the first bytes of the access token survive redaction")
	}
}

func httptestServer(f func(body string) string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, f(string(b)))
	}))
}
