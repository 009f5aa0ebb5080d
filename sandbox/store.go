package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"
)

// grant is one issued access token and what it allows.
type grant struct {
	Token     string
	Refresh   string
	User      string
	Scope     []string // nil means every scope
	ExpiresAt time.Time
	// RefreshExpiresAt is zero when the refresh token does not expire.
	RefreshExpiresAt time.Time
	GroupID          int64  // VK community token
	Service          bool   // VK service token
	Secret           string // OAuth 1.0a token secret
	Revoked          bool
	OpenID           string
	AppID            string
}

// Expired reports whether the access token has expired at now.
func (g *grant) Expired(now time.Time) bool {
	return !g.ExpiresAt.IsZero() && !now.Before(g.ExpiresAt)
}

// Allows reports whether the grant carries scope s.
func (g *grant) Allows(s string) bool {
	return g.Scope == nil || slices.Contains(g.Scope, s)
}

// code is an authorization code waiting to be exchanged.
type code struct {
	Value       string
	User        string
	Scope       []string
	RedirectURI string
	ExpiresAt   time.Time
	Used        bool
	// Extra carries flow-specific values (PKCE challenge, OAuth1 verifier...).
	Extra map[string]string
}

// store keeps one platform's tokens and codes. It is safe for concurrent use.
type store struct {
	now func() time.Time

	mu      sync.Mutex
	tokens  map[string]*grant
	refresh map[string]*grant
	codes   map[string]*code
}

func newStore(now func() time.Time) *store {
	return &store{
		now:     now,
		tokens:  map[string]*grant{},
		refresh: map[string]*grant{},
		codes:   map[string]*code{},
	}
}

// add stores g under its token (and refresh token, when it has one).
func (s *store) add(g *grant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[g.Token] = g
	if g.Refresh != "" {
		s.refresh[g.Refresh] = g
	}
}

// lookup returns a copy of the grant of an access token.
func (s *store) lookup(token string) (grant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.tokens[token]
	if !ok {
		return grant{}, false
	}
	return *g, true
}

// takeRefresh consumes a refresh token and returns a copy of its grant.
// With revoke, the old access token is revoked (lookups find it Revoked);
// otherwise it keeps working until it expires. ok is false for an unknown
// token.
func (s *store) takeRefresh(rt string, revoke bool) (grant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.refresh[rt]
	if !ok {
		return grant{}, false
	}
	delete(s.refresh, rt)
	out := *g
	if revoke {
		g.Revoked = true
	}
	return out, true
}

// revoke makes an access token invalid.
func (s *store) revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.tokens[token]; ok {
		g.Revoked = true
	}
}

// addCode stores a fresh code.
func (s *store) addCode(c *code) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[c.Value] = c
}

// codeState tells what redeemCode found.
type codeState int

const (
	codeOK codeState = iota
	codeUnknown
	codeUsed
	codeExpired
)

// redeemCode marks a code used and returns a copy of it. A code can be
// redeemed once; a second try reports codeUsed.
func (s *store) redeemCode(v string) (code, codeState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[v]
	switch {
	case !ok:
		return code{}, codeUnknown
	case c.Used:
		return *c, codeUsed
	case !s.now().Before(c.ExpiresAt):
		return *c, codeExpired
	}
	c.Used = true
	return *c, codeOK
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// writeJSON writes v as a JSON reply with the given status and content type
// (application/json when ctype is empty).
func writeJSON(w http.ResponseWriter, status int, ctype string, v any) {
	if ctype == "" {
		ctype = "application/json; charset=utf-8"
	}
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
