package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Approve plays the user's browser on one of the sandbox's authorize pages:
// it opens authorizeURL, which the sandbox approves at once as the default
// user, and returns the address the page redirects to, without following
// it. That is the application's redirect URL with code and state in the
// query (the OAuth 2.0 code flow of every platform, WeChat's link
// included), with the token in the fragment (VK's implicit flow), or with
// oauth_token and oauth_verifier (Kaixin's OAuth 1.0a). Nothing needs to
// listen at the redirect URL, so any URL the platform accepts will do.
//
//	u, _ := login.AuthCodeURL(state)
//	back, err := s.Approve(ctx, u)
//	if err != nil { ... }
//	err = auth.CheckState(state, back.Query().Get("state"))
//	tok, err := login.Exchange(ctx, back.Query().Get("code"))
//
// A redirect that reports a refusal (error=access_denied&state=...) is
// returned as it is, for the application to read. Approve fails when
// authorizeURL is not an address of this sandbox (it never opens another
// site), and when the page does not redirect: a wrong client id or redirect
// URL, or an "oob" OAuth 1.0a callback, whose page shows the verifier. The
// error then gives the page's status and the sandbox's reason.
func (s *Server) Approve(ctx context.Context, authorizeURL string) (*url.URL, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	u, err := url.Parse(authorizeURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, errors.New("sandbox: approve: the authorize URL is not an absolute URL; pass the one the login built")
	}
	base, err := url.Parse(s.srv.URL)
	if err != nil {
		return nil, fmt.Errorf("sandbox: approve: the server's URL: %w", err)
	}
	if !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
		return nil, fmt.Errorf("sandbox: approve: the authorize URL is on %s, not on this sandbox (%s); build the client with the sandbox's base URL (URL)", u.Host, base.Host)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("sandbox: approve: %w", err)
	}
	browser := *s.srv.Client()
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := browser.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sandbox: approve: opening the authorize page: %w", err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // drain, so the connection is reused
	if resp.StatusCode < 300 || resp.StatusCode > 399 || resp.Header.Get("Location") == "" {
		why := resp.Header.Get("X-Sandbox-Reason")
		if why == "" {
			why = strings.Join(strings.Fields(string(page)), " ")
			if len(why) > 160 {
				why = why[:160] + "..."
			}
		}
		return nil, fmt.Errorf("sandbox: approve: the authorize page answered %q without redirecting: %s", resp.Status, why)
	}
	back, err := resp.Location()
	if err != nil {
		return nil, fmt.Errorf("sandbox: approve: the authorize page redirects to an unreadable address: %w", err)
	}
	return back, nil
}
