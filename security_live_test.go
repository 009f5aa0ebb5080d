package snskit_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"golang.org/x/oauth2"
)

func TestLiveRecoversAfterRefreshTimeout(t *testing.T) {
	var mu sync.Mutex
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		n := hits
		mu.Unlock()
		if n == 1 {
			io.ReadAll(r.Body) // lets the server notice the client hanging up
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"fresh-token-0123456789","expires_in":3600,"refresh_token":"r2-0123456789"}`)
	}))
	defer srv.Close()
	api, _ := snskit.New(platforms.Renren(), snskit.WithApp("k", "s-0123456789"), snskit.WithBaseURL(srv.URL))
	login, _ := api.Login("https://example.com/cb")
	live := login.TokenSource(&oauth2.Token{AccessToken: "old-0123456789", RefreshToken: "r1-0123456789", Expiry: time.Now().Add(-time.Hour)}, auth.RefreshTimeout(300*time.Millisecond))
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		tok, err := live.TokenContext(ctx)
		cancel()
		if err == nil {
			t.Logf("recovered: %s", tok.AccessToken)
			return
		}
	}
	t.Error("still wedged")
}
