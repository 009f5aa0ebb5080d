package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/snskit/snskit/auth"
)

// savedEntry is a stored token and its key.
type savedEntry struct {
	key   string
	saved *auth.Saved
}

// printOneToken writes the access token (or session key) of the one entry
// asked for: the platform's own key when a platform has several. This is
// the only place snskit prints a secret, and only because -print-token
// asks.
func printOneToken(stdout, stderr io.Writer, list []savedEntry, platform string) int {
	e := list[0]
	if len(list) > 1 {
		found := false
		for _, c := range list {
			if c.key == platform {
				e, found = c, true
			}
		}
		if !found {
			keys := make([]string, len(list))
			for i, c := range list {
				keys[i] = c.key
			}
			fmt.Fprintf(stderr, "snskit: %d %s tokens are stored (%s); name one key, as in: snskit token -print-token %s\n%s",
				len(list), platform, strings.Join(keys, ", "), keys[0], usageHint)
			return exitUsage
		}
	}
	secret := e.saved.AccessToken
	if secret == "" {
		secret = e.saved.SessionKey
	}
	if secret == "" {
		fmt.Fprintf(stderr, "snskit: the token stored as %q has no access token or session key\n", e.key)
		return exitPlatform
	}
	if !e.saved.Expiry.IsZero() && !e.saved.Expiry.After(time.Now()) {
		fmt.Fprintf(stderr, "snskit: note: the token stored as %q expired %s; 'snskit call' refreshes it when given -app-secret\n",
			e.key, e.saved.Expiry.Local().Format(time.RFC3339))
	}
	fmt.Fprintln(stdout, secret)
	return exitOK
}

// savedJSON is a stored token as 'snskit token -json' prints it: every
// secret masked.
type savedJSON struct {
	Key         string     `json:"key"`
	Platform    string     `json:"platform"`
	BaseURL     string     `json:"base_url,omitempty"`
	AppID       string     `json:"app_id,omitempty"`
	Kind        string     `json:"kind"`
	UserID      string     `json:"user_id,omitempty"`
	OpenID      string     `json:"openid,omitempty"`
	UnionID     string     `json:"unionid,omitempty"`
	Email       string     `json:"email,omitempty"`
	Scope       string     `json:"scope,omitempty"`
	Expires     *time.Time `json:"expires,omitempty"`
	Expired     bool       `json:"expired"`
	Refresh     bool       `json:"refresh_token_kept"`
	Token       string     `json:"token,omitempty"`
	TokenSecret string     `json:"token_secret,omitempty"`
	SessionKey  string     `json:"session_key,omitempty"`
	Stored      *time.Time `json:"stored,omitempty"`
}

// printSavedJSON writes list as a JSON array, secrets masked.
func printSavedJSON(w io.Writer, list []savedEntry) {
	out := make([]savedJSON, 0, len(list))
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return auth.Mask(s)
	}
	for _, e := range list {
		s := e.saved
		j := savedJSON{
			Key: e.key, Platform: s.Platform, BaseURL: s.BaseURL, AppID: s.AppID, Kind: s.Kind(),
			UserID: s.UserID, OpenID: s.OpenID, UnionID: s.UnionID, Email: s.Email, Scope: s.Scope,
			Refresh: s.RefreshToken != "", Token: mask(s.AccessToken), TokenSecret: mask(s.TokenSecret), SessionKey: mask(s.SessionKey),
		}
		if !s.Expiry.IsZero() {
			exp := s.Expiry.UTC()
			j.Expires, j.Expired = &exp, !exp.After(time.Now())
		}
		if !s.Updated.IsZero() {
			u := s.Updated.UTC()
			j.Stored = &u
		}
		out = append(out, j)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil { // only strings, bools and times: cannot fail
		fmt.Fprintf(w, "[]\n")
		return
	}
	fmt.Fprintf(w, "%s\n", b)
}
