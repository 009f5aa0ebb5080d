package platforms_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
)

const reviewTok = "NEW-ACCESS-TOKEN-0123456789abcdef"

// F1: a token answer that is cut short (valid HTTP, broken JSON) puts the
// freshly issued token into the *ReplyError snippet (VK's OAuth helpers do
// not drop it, unlike tencentHideToken for WeChat/QQ).
func TestVKServiceTokenTruncatedAnswerHidesToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"access_token":"`+reviewTok+`","expires_in":0`) // no closing brace
	}))
	defer srv.Close()
	api, _ := snskit.New(platforms.VK(), snskit.WithApp("1", "app-secret-xyz-123456"), snskit.WithBaseURL(srv.URL))
	_, err := platforms.VKServiceToken(context.Background(), api)
	t.Logf("VKServiceToken err: %v", err)
	if err != nil && strings.Contains(err.Error(), reviewTok) {
		t.Errorf("LEAK: service-token error contains the new access token")
	}
}

func TestVKDirectAuthTruncatedAnswerHidesToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"access_token":"`+reviewTok+`","expires_in":0,"user_id":1`)
	}))
	defer srv.Close()
	api, _ := snskit.New(platforms.VK(), snskit.WithApp("1", "app-secret-xyz-123456"), snskit.WithBaseURL(srv.URL))
	_, err := platforms.VKDirectAuth(context.Background(), api, platforms.VKDirectAuthConfig{Username: "u", Password: "hunter2-password"})
	t.Logf("VKDirectAuth err: %v", err)
	if err != nil && strings.Contains(err.Error(), reviewTok) {
		t.Errorf("LEAK: direct-auth error contains the new access token")
	}
}

func TestVKCommunityExchangeTruncatedAnswerHidesToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"groups":[{"group_id":1,"access_token":"`+reviewTok+`"}]`)
	}))
	defer srv.Close()
	api, _ := snskit.New(platforms.VK(), snskit.WithApp("1", "app-secret-xyz-123456"), snskit.WithBaseURL(srv.URL))
	login, _ := api.Login("https://example.com/cb")
	_, err := platforms.VKCommunityExchange(context.Background(), login, "the-code-1234567")
	t.Logf("VKCommunityExchange err: %v", err)
	if err != nil && strings.Contains(err.Error(), reviewTok) {
		t.Errorf("LEAK: community-exchange error contains the new access token")
	}
}

// Renren session key: a cut-off answer that stops before "session_key"
// keeps session_secret in the snippet.
func TestRenrenSessionKeyTruncatedHidesSessionSecret(t *testing.T) {
	const sec = "SESSION-SECRET-abcdef0123456789"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"renren_token":{"session_secret":"`+sec+`","expires_in":2592000`)
	}))
	defer srv.Close()
	api, _ := snskit.New(platforms.Renren(), snskit.WithApp("1", "app-secret-xyz-123456"), snskit.WithBaseURL(srv.URL))
	_, err := platforms.RenrenSessionKey(context.Background(), api, "access-token-0123456789")
	t.Logf("RenrenSessionKey err: %v", err)
	if err != nil && strings.Contains(err.Error(), sec) {
		t.Errorf("LEAK: session-key error contains session_secret")
	}
}

// Kaixin OAuth 1.0a: a malformed success answer to access_token puts the
// new token credentials in the error.
func TestKaixinOAuth1MalformedAnswerHidesNewSecret(t *testing.T) {
	const newSecret = "NEW-TOKEN-SECRET-0123456789abcdef"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "request_token") {
			io.WriteString(w, "oauth_token=reqtok-0123456789&oauth_token_secret=reqsec-0123456789&oauth_callback_confirmed=true")
			return
		}
		io.WriteString(w, "oauth_token="+reviewTok+";oauth_token_secret="+newSecret) // ';' separator -> ParseQuery error
	}))
	defer srv.Close()
	api, _ := snskit.New(platforms.Kaixin(), snskit.WithApp("key", "consumer-secret-0123456789"), snskit.WithBaseURL(srv.URL))
	flow, err := platforms.KaixinOAuth1(api, "")
	if err != nil {
		t.Fatal(err)
	}
	tok, sec, err := flow.RequestToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = flow.AccessToken(context.Background(), tok, sec, "verifier-0123456789")
	t.Logf("AccessToken err: %v", err)
	if err != nil && (strings.Contains(err.Error(), newSecret) || strings.Contains(err.Error(), reviewTok)) {
		t.Errorf("LEAK: oauth1 access-token error contains the new token / token secret")
	}
}

// Typed-nil credentials pass WithAuth and panic in Prepare.
func TestTypedNilCredentialIsRefused(t *testing.T) {
	cases := []struct {
		name string
		p    snskit.Platform
		c    auth.Credential
	}{
		{"renren1 nil *SessionKey", platforms.Renren1(), (*auth.SessionKey)(nil)},
		{"vk nil *PerParam", platforms.VK(), (*auth.PerParam)(nil)},
		{"kaixin nil *SessionKey", platforms.Kaixin(), (*auth.SessionKey)(nil)},
		{"vk nil *OAuth2", platforms.VK(), (*auth.OAuth2)(nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api, err := snskit.New(tc.p, snskit.WithAuth(tc.c), snskit.WithApp("k", "s-0123456789"), snskit.WithBaseURL("http://127.0.0.1:1"))
			if err != nil {
				t.Logf("New refused: %v", err)
				return
			}
			var perr any
			func() {
				defer func() { perr = recover() }()
				_, err = api.Method("users.get").Request(context.Background(), nil)
			}()
			if perr != nil {
				t.Errorf("PANIC: %v", perr)
			} else {
				t.Logf("err: %v", err)
			}
		})
	}
}

// A cross-host 307 re-sends the POST body, VK's access_token (and direct
// auth's password and client_secret) included, to the new host.
func TestRedirect307IsRefused(t *testing.T) {
	got := make(chan string, 1)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case got <- fmt.Sprintf("%s %s body=%s", r.Host, r.URL.Path, b):
		default:
		}
		io.WriteString(w, `{"response":[]}`)
	}))
	defer evil.Close()
	api1 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer api1.Close()
	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token(reviewTok)), snskit.WithBaseURL(api1.URL))
	_, err := api.Method("users.get").Do(nil)
	t.Logf("call err: %v", err)
	select {
	case s := <-got:
		t.Logf("other host received: %s", s)
		if strings.Contains(s, reviewTok) {
			t.Errorf("LEAK: the access token was forwarded to another host on a 307")
		}
	default:
		t.Log("no forward")
	}
}

// TokenError (x/oauth2 platforms: Renren, Kaixin OAuth 2.0, VK code flow)
// masks only the app secret: a code or refresh token echoed by the token
// endpoint stays in Message and Detail.
func TestTokenErrorMasksCallSecrets(t *testing.T) {
	const code = "AUTH-CODE-0123456789abcdef"
	const rt = "REFRESH-TOKEN-0123456789abcdef"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		echo := r.PostForm.Get("code") + r.PostForm.Get("refresh_token")
		fmt.Fprintf(w, `{"error":"invalid_grant","error_description":"grant %s is invalid"}`, echo)
	}))
	defer srv.Close()
	for _, p := range []snskit.Platform{platforms.Renren(), platforms.Kaixin(), platforms.VK()} {
		api, _ := snskit.New(p, snskit.WithApp("k", "app-secret-0123456789"), snskit.WithBaseURL(srv.URL))
		login, _ := api.Login("https://example.com/cb")
		_, err := login.Exchange(context.Background(), code)
		if err != nil && strings.Contains(err.Error(), code) {
			t.Errorf("%s exchange: code unmasked: %v", p.Name(), err)
		}
		if p.Name() == "vk" {
			continue
		}
		_, err = login.Refresh(context.Background(), &oauth2.Token{RefreshToken: rt})
		if err != nil && strings.Contains(err.Error(), rt) {
			t.Errorf("%s refresh: refresh token unmasked: %v", p.Name(), err)
		}
	}
	// WeChat for comparison: the code is masked.
	wx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"errcode":40029,"errmsg":"invalid code %s"}`, r.URL.Query().Get("code"))
	}))
	defer wx.Close()
	api, _ := snskit.New(platforms.Weixin(), snskit.WithApp("k", "app-secret-0123456789"), snskit.WithBaseURL(wx.URL))
	login, _ := api.Login("https://example.com/cb")
	_, err := login.Exchange(context.Background(), code)
	t.Logf("weixin (masked as designed): %v", err)
}

func TestKaixinAuthParamCannotOverrideLoginParams(t *testing.T) {
	api, _ := snskit.New(platforms.Kaixin(), snskit.WithApp("k", "app-secret-0123456789"))
	login, _ := api.Login("https://example.com/cb")
	u, err := login.AuthCodeURL("real-state", snskit.AuthParam("state", "other"), snskit.AuthParam("redirect_uri", "https://evil.example/"))
	t.Logf("url=%s err=%v", u, err)
	if err == nil {
		t.Errorf("kaixin accepted AuthParams that replace state / redirect_uri")
	}
}
