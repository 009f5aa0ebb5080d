package snskit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/platforms"
)

func TestTencentGETTokenEndpointTransportErrors(t *testing.T) {
	const secret = "APP-SECRET-0123456789abcdef"
	const code = "AUTH-CODE-0123456789abcdef"
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.String(), http.StatusFound) // redirect loop, query kept
	}))
	defer loop.Close()
	for _, base := range []string{"http://127.0.0.1:1", loop.URL} {
		for _, p := range []snskit.Platform{platforms.Weixin(), platforms.QQ()} {
			api, _ := snskit.New(p, snskit.WithApp("1", secret), snskit.WithBaseURL(base))
			login, _ := api.Login("https://example.com/cb")
			_, err := login.Exchange(context.Background(), code)
			t.Logf("%s: %v", p.Name(), err)
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), code) {
				t.Errorf("LEAK")
			}
		}
	}
}
