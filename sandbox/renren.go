package sandbox

// The Renren emulator: API 2.0 (api.renren.com/v2/..., renren_v2.go), API 1.0
// (api.renren.com/restserver.do, renren1.go) and OAuth 2.0
// (graph.renren.com/oauth/..., renren_oauth.go), under one base URL and
// sharing tokens and data as they did upstream. Renren's open platform is
// gone; this follows its archived documentation (wiki.dev.renren.com) and
// SDKs, and marks guesses (unverified).

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Fictional Renren application and user of the sandbox.
const (
	// RenrenAppKey is the API key of the sandbox's Renren test application:
	// the OAuth client_id and the API 1.0 api_key.
	RenrenAppKey = "5e0a1f2b3c4d5e6f7a8b9c0d1e2f3a4b"
	// RenrenAppSecret is the test application's secret. It is "secret" so
	// that the signature vector of PLATFORMS.md verifies against the sandbox.
	RenrenAppSecret = "secret"
	// RenrenUserID is the id of the default user, 张小沙, who owns the tokens
	// of Token, IssueToken and the OAuth flow. Users 600000002 to 600000004
	// are friends of theirs; user 262156164 is the one seed 000's example
	// call asks for.
	RenrenUserID = "600000001"
)

const (
	rrTokenTTL     = 30 * 24 * time.Hour // expires_in 2592000
	rrCodeTTL      = time.Hour           // (unverified)
	rrStatusMaxLen = 240                 // characters in a status
)

// rrAllScopes() is what a token issued with a nil scope is said to carry.
func rrAllScopes() []string {
	return []string{
		"read_user_blog", "read_user_photo", "read_user_status", "read_user_album",
		"read_user_comment", "read_user_share", "read_user_feed", "publish_blog",
		"publish_share", "publish_feed", "publish_comment", "send_notification",
		"photo_upload", "status_update", "create_album", "operate_like",
	}
}

// renrenPlatform emulates Renren. tokens holds access and refresh tokens
// and codes; sessions holds API 1.0 session keys.
type renrenPlatform struct {
	env      *env
	tokens   *store
	sessions *store

	mu         sync.Mutex
	statuses   []rrStatus // oldest first
	photos     []*rrPhoto // oldest first
	nextStatus int64
	nextPhoto  int64
	lastCallID map[string]int64 // Renren 1.0's last call_id per credential
}

func newRenren(e *env) *renrenPlatform {
	return &renrenPlatform{
		env:        e,
		tokens:     newStore(e.now),
		sessions:   newStore(e.now),
		statuses:   append(rrSeedStatuses(), rrPopularStatuses()...),
		nextStatus: 800000100,
		nextPhoto:  900000100,
		lastCallID: map[string]int64{},
	}
}

// ServeHTTP routes the paths of api.renren.com and graph.renren.com.
func (p *renrenPlatform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/v2/"):
		p.serveV2(w, r)
	case path == "/restserver.do":
		p.serveRest(w, r)
	case path == "/oauth/authorize":
		p.serveAuthorize(w, r)
	case path == "/oauth/token":
		p.serveToken(w, r)
	case path == rrSessionKeyPath:
		p.serveSessionKey(w, r)
	case strings.HasPrefix(path, "/photos/"):
		p.servePhotoFile(w, r, strings.TrimSuffix(strings.TrimPrefix(path, "/photos/"), ".jpg"))
	default:
		http.NotFound(w, r)
	}
}

func (p *renrenPlatform) app() App { return App{ID: RenrenAppKey, Secret: RenrenAppSecret} }

// issue mints an access token, its refresh token and an API 1.0 session key
// for the same user, scope and lifetime (30 days unless o.TTL says
// otherwise).
func (p *renrenPlatform) issue(o TokenOptions) (Credentials, error) {
	if o.Service || o.GroupID != 0 || o.OAuth1 {
		return Credentials{}, fmt.Errorf("sandbox: renren has only user tokens")
	}
	uid := o.UserID
	if uid == "" {
		uid = RenrenUserID
	}
	id, err := strconv.ParseInt(uid, 10, 64)
	if _, ok := rrUserByID(id); err != nil || !ok {
		return Credentials{}, fmt.Errorf("sandbox: renren has no user %q (known: 600000001 to 600000004, 262156164)", uid)
	}
	ttl := o.TTL
	if ttl == 0 {
		ttl = rrTokenTTL
	}
	g := p.mint(uid, o.Scope, p.env.now().Add(ttl))
	sk := &grant{Token: rrNewSessionKey(uid), User: uid, Scope: o.Scope, ExpiresAt: g.ExpiresAt, AppID: RenrenAppKey}
	p.sessions.add(sk)
	return Credentials{
		AccessToken: g.Token, RefreshToken: g.Refresh, ExpiresAt: g.ExpiresAt,
		UserID: uid, SessionKey: sk.Token, Scope: rrScopeString(o.Scope),
	}, nil
}

// mint stores a fresh access and refresh token pair.
func (p *renrenPlatform) mint(uid string, scope []string, expires time.Time) *grant {
	g := &grant{
		Token:     RenrenAppKey[:6] + "|6." + randomHex(16) + ".2592000." + strconv.FormatInt(expires.Unix(), 10) + "-" + uid,
		Refresh:   RenrenAppKey[:6] + "|" + randomHex(20),
		User:      uid,
		Scope:     scope,
		ExpiresAt: expires,
		AppID:     RenrenAppKey,
	}
	p.tokens.add(g)
	return g
}

func rrNewSessionKey(uid string) string { return "6." + randomHex(16) + ".86400-" + uid }

func rrScopeString(scope []string) string {
	if scope == nil {
		scope = rrAllScopes()
	}
	return strings.Join(scope, " ")
}

// rrBase is the absolute base URL of the Renren emulator as the client
// reached it (the request has lost its "/renren" prefix).
func rrBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/" + Renren
}

// rrValidStatus checks a status text: present, at most 240 characters.
func rrValidStatus(s string) bool {
	return strings.TrimSpace(s) != "" && utf8.RuneCountInString(s) <= rrStatusMaxLen
}

// addStatus stores a new status of owner.
func (p *renrenPlatform) addStatus(owner int64, content string) rrStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nextStatus++
	s := rrStatus{ID: p.nextStatus, Owner: owner, Content: content, Time: p.env.now()}
	p.statuses = append(p.statuses, s)
	return s
}

// statusesOf returns owner's statuses, newest first.
func (p *renrenPlatform) statusesOf(owner int64) []rrStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []rrStatus
	for i := len(p.statuses) - 1; i >= 0; i-- {
		if p.statuses[i].Owner == owner {
			out = append(out, p.statuses[i])
		}
	}
	return out
}

// addPhoto reads an uploaded file whole and stores it in album (0: the
// owner's default album). ok is false when album is not the owner's.
func (p *renrenPlatform) addPhoto(owner, album int64, caption string, fh *multipart.FileHeader) (*rrPhoto, bool, error) {
	if album == 0 {
		album = rrDefaultAlbum(owner)
	}
	if a, found := rrAlbumByID(album); !found || a.Owner != owner {
		return nil, false, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, true, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, true, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nextPhoto++
	ph := &rrPhoto{ID: p.nextPhoto, Album: album, Owner: owner, Caption: caption, Time: p.env.now(), Data: data}
	p.photos = append(p.photos, ph)
	return ph, true, nil
}

// photosOf returns owner's photos (in album, unless 0), newest first.
func (p *renrenPlatform) photosOf(owner, album int64) []*rrPhoto {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*rrPhoto
	for i := len(p.photos) - 1; i >= 0; i-- {
		if ph := p.photos[i]; ph.Owner == owner && (album == 0 || ph.Album == album) {
			out = append(out, ph)
		}
	}
	return out
}

// servePhotoFile serves an uploaded photo's bytes as they were received.
func (p *renrenPlatform) servePhotoFile(w http.ResponseWriter, r *http.Request, id string) {
	var data []byte
	found := false
	p.mu.Lock()
	for _, ph := range p.photos {
		if strconv.FormatInt(ph.ID, 10) == id {
			data, found = ph.Data, true
		}
	}
	p.mu.Unlock()
	if !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(data))
	_, _ = w.Write(data)
}

// rrPage returns the window of page (from 1) of size items among n.
func rrPage(n int, page, size int64) (lo, hi int) {
	lo = int(min(int64(n), (page-1)*size))
	hi = int(min(int64(n), int64(lo)+size))
	return lo, hi
}
