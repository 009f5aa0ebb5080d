package e2e_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
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
