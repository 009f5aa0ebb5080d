package snskit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"golang.org/x/oauth2"
)

// %v / %+v / %#v of an *API print the app secret.
func TestAPIFormatMasksAppSecret(t *testing.T) {
	const secret = "APP-SECRET-0123456789abcdef"
	api, _ := snskit.New(platforms.QQ(), snskit.WithApp("100", secret), snskit.WithAuth(auth.Token("tok-0123456789abcdef")))
	for _, verb := range []string{"%v", "%+v", "%#v", "%d", "%x"} {
		s := fmt.Sprintf(verb, api)
		if strings.Contains(s, secret) {
			t.Errorf("LEAK: %s of *snskit.API contains the app secret: %.200s...", verb, s)
		}
	}
	login, _ := api.Login("https://example.com/cb")
	cfg, _ := login.Driver().OAuth2Config("https://a/authorize", "https://a/token", oauth2.AuthStyleInParams)
	_ = cfg
}

func TestLiveOnTokenInOrder(t *testing.T) {
	n := 0
	var nmu sync.Mutex
	refresh := func(ctx context.Context, t *oauth2.Token) (*oauth2.Token, error) {
		nmu.Lock()
		defer nmu.Unlock()
		n++
		return &oauth2.Token{AccessToken: fmt.Sprintf("token-%d-0123456789", n), RefreshToken: fmt.Sprintf("refresh-%d", n), Expiry: time.Now().Add(time.Hour)}, nil
	}
	var smu sync.Mutex
	var stored []string
	firstHookIn := make(chan struct{})
	letFirstGo := make(chan struct{})
	hook := func(tok *oauth2.Token) {
		if tok.AccessToken == "token-1-0123456789" {
			close(firstHookIn)
			<-letFirstGo // e.g. a slow fsync of the token file
		}
		smu.Lock()
		stored = append(stored, tok.AccessToken)
		smu.Unlock()
	}
	live := auth.NewLive(&oauth2.Token{AccessToken: "token-0", RefreshToken: "refresh-0", Expiry: time.Now().Add(-time.Hour)}, refresh, auth.OnToken(hook))
	go live.Token() // refresh 1
	<-firstHookIn
	// Meanwhile the platform refuses token-1 as expired (a call already holds it via Current / a racing TokenContext).
	refreshed := make(chan error, 1)
	go func() { refreshed <- live.Refresh(context.Background(), "token-1-0123456789") }()
	select {
	case err := <-refreshed: // base code: a second refresh ran while hook 1 was still running
		if err != nil {
			t.Fatal(err)
		}
		close(letFirstGo)
	case <-time.After(200 * time.Millisecond): // fixed code: Refresh waits for flight 1, hook included
		close(letFirstGo)
		<-refreshed
	}
	time.Sleep(50 * time.Millisecond)
	smu.Lock()
	defer smu.Unlock()
	t.Logf("hook order: %v, current: %s", stored, live.Current().AccessToken)
	if len(stored) == 2 && stored[1] != live.Current().AccessToken {
		t.Errorf("OUT OF ORDER: the last token handed to OnToken (%s) is not the current one (%s): a store keeps the stale token", stored[1], live.Current().AccessToken)
	}
}
