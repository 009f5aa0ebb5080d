package snskit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"golang.org/x/oauth2"
)

// Many goroutines share one client whose token expires and is refused:
// refresh-on-expired, OnToken into a FileStore, the QQ openid cache.
func TestConcurrentRace(t *testing.T) {
	var gen atomic.Int64
	var cur atomic.Value
	cur.Store("tok-0-0123456789")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		switch r.URL.Path {
		case "/oauth2.0/token":
			n := gen.Add(1)
			tok := fmt.Sprintf("tok-%d-0123456789", n)
			cur.Store(tok)
			fmt.Fprintf(w, "access_token=%s&expires_in=3600&refresh_token=r-%d-0123456789", tok, n)
		case "/oauth2.0/me":
			fmt.Fprintf(w, `callback( {"client_id":"1","openid":"OPENID"} );`)
		default:
			if r.Form.Get("access_token") != cur.Load().(string) {
				fmt.Fprint(w, `{"ret":100014,"msg":"token expired"}`)
				return
			}
			fmt.Fprint(w, `{"ret":0,"nickname":"x"}`)
		}
	}))
	defer srv.Close()
	api, _ := snskit.New(platforms.QQ(), snskit.WithApp("1", "app-secret-0123456789"), snskit.WithBaseURL(srv.URL))
	login, _ := api.Login("https://example.com/cb")
	store := auth.NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	live := login.TokenSource(&oauth2.Token{AccessToken: "stale-0123456789", RefreshToken: "r-0-0123456789", Expiry: time.Now().Add(time.Hour)},
		auth.OnToken(func(tok *oauth2.Token) { _ = store.Save(context.Background(), "qq", auth.NewSaved(tok)) }))
	user, _ := api.With(snskit.WithAuth(auth.TokenSource(live)))
	var wg sync.WaitGroup
	var fails atomic.Int64
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				if _, err := user.Method("user.get_user_info").Do(nil); err != nil {
					fails.Add(1)
				}
				_, _ = store.Keys(context.Background())
			}
		}()
	}
	wg.Wait()
	t.Logf("refreshes: %d, failed calls: %d", gen.Load(), fails.Load())
}
