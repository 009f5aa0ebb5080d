package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// authorizeRedirect opens an authorize URL as the user's browser would
// (the sandbox approves at once) without following the redirect, and
// returns the redirect's Location: the redirect URL with code and state.
func authorizeRedirect(t *testing.T, authURL string) *url.URL {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode, "the authorize page redirects (reason: %q)", resp.Header.Get("X-Sandbox-Reason"))
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	return loc
}

// appClient builds a client of p routed to the sandbox's platform name,
// with the sandbox's test app, on the sandbox's clock (OAuth 1.0a
// timestamps and token expiries must agree with the sandbox's).
func appClient(t *testing.T, s *sandbox.Server, clock *sandbox.Clock, p snskit.Platform, name string, opts ...snskit.Option) *snskit.API {
	t.Helper()
	app := s.App(name)
	api, err := snskit.New(p, append([]snskit.Option{snskit.WithBaseURL(s.URL(name)),
		snskit.WithApp(app.ID, app.Secret), snskit.WithClock(clock.Now)}, opts...)...)
	require.NoError(t, err)
	return api
}

// appLogin is appClient with its login for redirect and scopes.
func appLogin(t *testing.T, s *sandbox.Server, clock *sandbox.Clock, p snskit.Platform, name, redirect string, scopes ...string) (*snskit.API, *snskit.Login) {
	t.Helper()
	api := appClient(t, s, clock, p, name)
	login, err := api.Login(redirect, scopes...)
	require.NoError(t, err)
	return api, login
}

// signIn runs the authorize page (approved at once by the sandbox), checks
// the redirect's state, and exchanges the code; opts go to both steps.
func signIn(t *testing.T, login *snskit.Login, opts ...snskit.AuthOption) *oauth2.Token {
	t.Helper()
	state := auth.NewState()
	u, err := login.AuthCodeURL(state, opts...)
	require.NoError(t, err)
	loc := authorizeRedirect(t, u)
	require.NoError(t, auth.CheckState(state, loc.Query().Get("state")))
	tok, err := login.Exchange(context.Background(), loc.Query().Get("code"), opts...)
	require.NoError(t, err)
	return tok
}

// served returns the requests the sandbox served for a platform at path,
// with the given grant_type when grant is not empty.
func served(s *sandbox.Server, platform, path, grant string) []sandbox.Request {
	var out []sandbox.Request
	for _, r := range s.Requests() {
		if r.Platform == platform && r.Path == path && (grant == "" || len(r.Form["grant_type"]) > 0 && r.Form["grant_type"][0] == grant) {
			out = append(out, r)
		}
	}
	return out
}
