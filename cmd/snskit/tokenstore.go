package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	snsredis "github.com/snskit/snskit/redis"
	"golang.org/x/oauth2"
)

// Stored tokens. "snskit login" stores the token of a platform under a key
// that says where it is valid:
//
//	vk                         the platform's own hosts
//	vk@http://host:8080/vk     a -base-url (a proxy, a shared sandbox)
//	vk@sandbox                 "login -sandbox": the token of a sandbox
//	                           that stopped when login exited
//
// so that a sandbox's token never replaces a real one. "snskit call" looks
// the token up with the same rule: without -base-url it uses "vk", with
// -base-url U it uses "vk@U".

// sandboxKeySuffix ends the key of tokens of "login -sandbox".
const sandboxKeySuffix = "@sandbox"

// tokenKey returns the key of platform's token for baseURL.
func tokenKey(platform, baseURL string, inSandbox bool) string {
	switch {
	case inSandbox:
		return platform + sandboxKeySuffix
	case baseURL != "":
		return platform + "@" + strings.TrimRight(baseURL, "/")
	}
	return platform
}

// tokenFile returns the token file: -token-file (or SNSKIT_TOKEN_FILE), else
// auth.DefaultTokenFile.
func tokenFile(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	p, err := auth.DefaultTokenFile()
	if err != nil {
		return "", fmt.Errorf("%w; give the token file with -token-file or SNSKIT_TOKEN_FILE", err)
	}
	return p, nil
}

// openStore returns the store of the token file flagValue names.
func openStore(flagValue string) (*auth.FileStore, error) {
	p, err := tokenFile(flagValue)
	if err != nil {
		return nil, err
	}
	return auth.NewFileStore(p), nil
}

// storedCall is what "snskit call" needs of a stored token.
type storedCall struct {
	key   string
	saved *auth.Saved
	store auth.Store
	// shared is the Redis of -redis, which refreshes the token once for
	// all processes.
	shared *snsredis.Client
}

// loadStored returns the token stored for a call to platform name, or nil
// when none is (or no token file can be found: noted under -v).
func (f *callFlags) loadStored(ctx context.Context, key string, log io.Writer) (*storedCall, error) {
	st, err := tokenStore(f.rc, f.tokenFile)
	if err != nil {
		if f.verbose {
			fmt.Fprintf(log, "snskit: no stored tokens: %v\n", err)
		}
		return nil, nil
	}
	s, err := st.Load(ctx, key)
	if errors.Is(err, auth.ErrNotFound) {
		if f.verbose {
			fmt.Fprintf(log, "snskit: no token stored as %q in %s\n", key, storeName(st))
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &storedCall{key: key, saved: s, store: st, shared: f.rc}, nil
}

// secrets lists the stored secrets, to be masked in all output.
func (sc *storedCall) secrets() []string {
	return nonEmpty(sc.saved.AccessToken, sc.saved.RefreshToken, sc.saved.TokenSecret, sc.saved.SessionKey)
}

// nonEmpty returns the values that are not empty.
func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// credential returns the credential of the stored token for calls made
// with api. An OAuth 2.0 token with a refresh token becomes a live source
// when the application's secret is known (-app-secret or
// SNSKIT_APP_SECRET; it is never stored): an expired token is then
// refreshed, the call retried once, and the new token saved. errw gets the
// notes and the secrets of new tokens.
func (sc *storedCall) credential(ctx context.Context, api *snskit.API, f *callFlags, errw *redactWriter) (auth.Credential, error) {
	s := sc.saved
	note := func(format string, args ...any) {
		if f.verbose {
			fmt.Fprintf(errw, "snskit: "+format+"\n", args...)
		}
	}
	note("using the %s stored as %q", s.Kind(), sc.key)
	switch {
	case s.TokenSecret != "":
		if f.appID == "" || f.appSecret == "" {
			return nil, fmt.Errorf("the token stored as %q is an OAuth 1.0a token: pass -app-secret (or SNSKIT_APP_SECRET), the consumer secret it is signed with", sc.key)
		}
		return auth.OAuth1Token(f.appID, f.appSecret, s.AccessToken, s.TokenSecret), nil
	case s.AccessToken == "" && s.SessionKey != "":
		return auth.Session(s.SessionKey), nil
	case s.AccessToken == "":
		return nil, fmt.Errorf("the token stored as %q is empty; run 'snskit login %s' again", sc.key, s.Platform)
	}
	tok := s.Token()
	var why string
	switch {
	case s.RefreshToken == "":
		why = "it has no refresh token"
	case f.appSecret == "" && s.DeviceID == "": // VK ID's refresh needs no secret
		why = "refreshing it needs the application's secret: pass -app-secret or set SNSKIT_APP_SECRET"
	case f.dryRun:
		why = "-dry-run sends no refresh"
	}
	var login *snskit.Login
	if why == "" {
		var err error
		redirect := s.RedirectURL
		if redirect == "" {
			redirect = "http://127.0.0.1/callback"
		}
		if login, err = api.Login(redirect); err != nil {
			why = err.Error()
		}
	}
	if why != "" {
		note("using the stored token as is: %s", why)
		if !s.Expiry.IsZero() && !s.Expiry.After(time.Now()) {
			fmt.Fprintf(errw, "snskit: the token stored as %q expired at %s and cannot be refreshed here (%s); run 'snskit login %s' again if the platform refuses it\n",
				sc.key, s.Expiry.Local().Format(time.RFC3339), why, s.Platform)
		}
		c := auth.TokenSource(oauth2.StaticTokenSource(tok))
		if f.openID != "" {
			c = c.WithOpenID(f.openID)
		}
		return c, nil
	}
	save := func(t *oauth2.Token) {
		errw.addSecrets(t.AccessToken, t.RefreshToken)
		ns := auth.NewSaved(t)
		ns.Platform, ns.BaseURL, ns.AppID, ns.RedirectURL = s.Platform, s.BaseURL, s.AppID, s.RedirectURL
		ns.Updated = time.Now().UTC()
		if err := sc.store.Save(context.WithoutCancel(ctx), sc.key, ns); err != nil {
			fmt.Fprintf(errw, "snskit: the token was refreshed but could not be saved: %v\n", err)
			return
		}
		note("refreshed the token stored as %q (expires %s)", sc.key, expiryText(t.Expiry))
	}
	var c *auth.OAuth2
	if sc.shared != nil { // the token in Redis, refreshed once for every process
		c = auth.TokenSource(sc.shared.TokenSource(sc.key, login.Refresh, snsredis.OnToken(func(t *oauth2.Token) {
			errw.addSecrets(t.AccessToken, t.RefreshToken)
			note("refreshed the token stored as %q in Redis (expires %s)", sc.key, expiryText(t.Expiry))
		})))
	} else {
		c = auth.TokenSource(login.TokenSource(tok, auth.OnToken(save)))
	}
	if f.openID != "" {
		c = c.WithOpenID(f.openID)
	}
	return c, nil
}

// expiryText writes an expiry for people.
func expiryText(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := time.Until(t).Round(time.Second)
	if d <= 0 {
		return t.Local().Format(time.RFC3339) + " (expired)"
	}
	return fmt.Sprintf("%s (in %s)", t.Local().Format(time.RFC3339), d)
}

// printSaved writes a stored token as a table of fields, secrets masked.
func printSaved(w io.Writer, key string, s *auth.Saved) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(tw, "  %s\t%s\n", label, value)
		}
	}
	fmt.Fprintf(tw, "%s\n", key)
	row("platform", s.Platform)
	row("base URL", s.BaseURL)
	row("app id", s.AppID)
	row("kind", s.Kind())
	row("user id", s.UserID)
	row("openid", s.OpenID)
	row("unionid", s.UnionID)
	row("email", s.Email)
	row("scope", s.Scope)
	if s.TokenSecret == "" && s.SessionKey == "" {
		row("expires", expiryText(s.Expiry))
		row("refresh", map[bool]string{true: "yes", false: "no"}[s.RefreshToken != ""])
	}
	for _, sec := range []struct{ label, v string }{{"token", s.AccessToken}, {"token secret", s.TokenSecret}, {"session key", s.SessionKey}} {
		if sec.v != "" {
			row(sec.label, auth.Mask(sec.v))
		}
	}
	if !s.Updated.IsZero() {
		row("stored", s.Updated.Local().Format(time.RFC3339))
	}
	tw.Flush()
}

// addSecrets masks more values from now on. It is safe to call while
// another goroutine writes.
func (r *redactWriter) addSecrets(values ...string) {
	r.mu.Lock()
	r.secrets = append(r.secrets, nonEmpty(values...)...)
	r.mu.Unlock()
}
