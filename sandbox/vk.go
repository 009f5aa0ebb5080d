package sandbox

// The VK emulator: api.vk.ru (/method/...), oauth.vk.ru (/authorize,
// /access_token, /token) and an upload host (/upload/photo), all under one
// base URL. Written from https://dev.vk.com/ru/reference, /ru/api/api-requests,
// /ru/api/access-token and /ru/reference/errors.

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fictional VK accounts and fixed answers of the sandbox. The default user
// (id 1, Pavel Primerov) owns the tokens of Token, IssueToken and the OAuth
// flows; users 2 to 5 are his friends and neighbours; communities 1 (Sandbox
// Club), 2 (Mock Kitchen), 123456 and 654321 (those of seed 002's examples)
// are administered by user 1.
const (
	// VKAppID is the client id of the sandbox's VK test application.
	VKAppID = "51234567"
	// VKAppSecret is the client secret (protected key) of the test application.
	VKAppSecret = "Sb0xVkAppS3cretKey20"
	// VKUserID is the id of the default VK user.
	VKUserID = "1"
	// VKLogin logs the default user in through direct auth (grant_type=password)
	// with VKPassword and no further step.
	VKLogin = "primerov@sandbox.test"
	// VKLogin2FA is the login of user 2, who has two-factor authentication:
	// direct auth first answers need_validation (2fa_sms), then succeeds when
	// repeated with code=VKValidationCode.
	VKLogin2FA = "testova@sandbox.test"
	// VKLoginCaptcha is the login of user 3, whose direct auth answers
	// need_captcha until repeated with captcha_sid and
	// captcha_key=VKCaptchaAnswer.
	VKLoginCaptcha = "sandboxov@sandbox.test"
	// VKPassword is the password of every fictional VK login.
	VKPassword = "sandbox-password"
	// VKValidationCode is the two-factor code the sandbox "sends" by SMS.
	VKValidationCode = "424242"
	// VKCaptchaAnswer is the text of every captcha the VK sandbox shows, in API
	// calls (error 14) and in direct auth (need_captcha).
	VKCaptchaAnswer = "s4ndb0x"
)

const (
	vkUserTTL  = 24 * time.Hour // a token without "offline"
	vkCodeTTL  = time.Hour
	vkRateUser = 3  // calls per second for user and service tokens (service: unverified)
	vkRateComm = 20 // calls per second for community tokens
)

// vkPlatform emulates VK. All mutable state sits behind mu, except tokens
// and codes, which the store guards itself.
type vkPlatform struct {
	env    *env
	tokens *store

	mu          sync.Mutex
	calls       map[string][]time.Time // accepted calls per token, last second
	captchaLeft int                    // API calls still to be challenged
	captchas    map[string]bool        // outstanding captcha sids
	walls       map[int64][]vkPost     // owner id (negative: community) -> posts, oldest first
	up          vkUploads              // upload servers, uploads not yet saved, documents
	photos      map[string]*vkPhoto    // saved, by "owner_id"
	nextPhoto   int64

	id *vkID       // VK ID logins (vk_id.go)
	nr *vkCaptchas // captcha styles and validation (vk_captcha.go)
	// lists holds the changes tests make to community rosters (vk_crowd.go).
	lists *vkLists
	// events feed long poll and callbacks (vk_events.go); msgs holds
	// messages.send's messages (vk_messages.go).
	events *vkEvents
	msgs   *vkMessages
}

func newVK(e *env) *vkPlatform {
	return &vkPlatform{
		env:       e,
		tokens:    newStore(e.now),
		calls:     map[string][]time.Time{},
		captchas:  map[string]bool{},
		walls:     vkSeedPosts(),
		up:        newVKUploads(),
		photos:    map[string]*vkPhoto{},
		nextPhoto: 457239017,
		id:        newVKID(),
		nr:        newVKCaptchas(),
		lists:     newVKLists(),
		events:    newVKEvents(e.now),
		msgs:      newVKMessages(),
	}
}

// ServeHTTP routes the paths of VK's hosts.
func (p *vkPlatform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.serveMore(w, r) {
		return
	}
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/method/"):
		p.serveAPI(w, r, strings.TrimPrefix(path, "/method/"))
	case path == "/authorize":
		p.serveAuthorize(w, r)
	case path == "/access_token":
		p.serveAccessToken(w, r)
	case path == "/token":
		p.serveDirectAuth(w, r)
	case strings.HasPrefix(path, "/upload/"):
		p.serveUpload(w, r)
	case strings.HasPrefix(path, "/doc/"):
		p.serveDocFile(w, r, strings.TrimPrefix(path, "/doc/"))
	case strings.HasPrefix(path, "/photos/"):
		p.servePhotoFile(w, r, strings.TrimPrefix(path, "/photos/"))
	case path == "/login":
		p.serveLogin(w, r)
	case path == "/blank.html":
		vkServeBlank(w)
	case path == "/captcha.php":
		vkServeCaptchaImage(w)
	default:
		http.NotFound(w, r)
	}
}

func (p *vkPlatform) app() App { return App{ID: VKAppID, Secret: VKAppSecret} }

// issue mints a user, community or service token. A zero TTL gives VK's
// usual lifetime: 24 hours for user tokens, except that a scope listing
// "offline" never expires; community and service tokens never expire.
func (p *vkPlatform) issue(o TokenOptions) (Credentials, error) {
	if o.OAuth1 {
		return Credentials{}, fmt.Errorf("sandbox: vk has no OAuth 1.0a tokens")
	}
	now := p.env.now()
	g := &grant{Token: vkNewToken(), Scope: o.Scope, AppID: VKAppID}
	ttl := o.TTL
	switch {
	case o.Service:
		g.Service = true
	case o.GroupID != 0:
		if _, ok := vkGroupByID(o.GroupID); !ok {
			return Credentials{}, fmt.Errorf("sandbox: vk has no community %d (known: 1, 2, 123456, 654321)", o.GroupID)
		}
		g.GroupID = o.GroupID
	default:
		uid := o.UserID
		if uid == "" {
			uid = VKUserID
		}
		u, ok := vkResolveUser(uid)
		if !ok {
			return Credentials{}, fmt.Errorf("sandbox: vk has no user %q (known: 1 to 5)", uid)
		}
		g.User = strconv.FormatInt(u.ID, 10)
		if ttl == 0 && !vkHas(o.Scope, "offline") {
			ttl = vkUserTTL
		}
	}
	if ttl != 0 {
		g.ExpiresAt = now.Add(ttl)
	}
	p.tokens.add(g)
	scope := strings.Join(o.Scope, ",")
	if o.Scope == nil {
		scope = strings.Join(vkAllScopes(g.GroupID != 0), ",")
	}
	return Credentials{AccessToken: g.Token, ExpiresAt: g.ExpiresAt, UserID: g.User, Scope: scope}, nil
}

// VKRequireCaptcha makes the next n VK API calls need a captcha: each is
// answered with error 14 (captcha_sid, captcha_img) until it is re-sent with
// that captcha_sid and captcha_key=VKCaptchaAnswer. Every captcha is single
// use; a wrong answer gets a new one. n <= 0 turns the challenge off.
func (s *Server) VKRequireCaptcha(n int) {
	s.VKRequireCaptchaStyle(n, VKCaptchaLegacy)
}

// allowCall applies VK's per-second limit with a sliding one-second window
// per token; only accepted calls count.
func (p *vkPlatform) allowCall(token string, limit int) bool {
	now := p.env.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	var kept []time.Time
	for _, t := range p.calls[token] {
		if now.Sub(t) < time.Second {
			kept = append(kept, t)
		}
	}
	if len(kept) >= limit {
		p.calls[token] = kept
		return false
	}
	p.calls[token] = append(kept, now)
	return true
}

// solveCaptcha reports whether sid is an outstanding captcha answered with
// key. The sid is spent either way.
func (p *vkPlatform) solveCaptcha(sid, key string) bool {
	if sid == "" || !p.captchas[sid] {
		return false
	}
	delete(p.captchas, sid)
	return key == VKCaptchaAnswer
}

// newCaptcha records a fresh captcha and returns its sid and image URL.
func (p *vkPlatform) newCaptcha(base string) (sid, img string) {
	sid = vkNumericID()
	p.captchas[sid] = true
	return sid, base + "/captcha.php?sid=" + sid + "&s=1"
}

// checkCaptcha challenges a top-level API call while captchas or
// validation are required (vk_captcha.go).
func (p *vkPlatform) checkCaptcha(c *vkCall) *vkError {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.challenge(c, false)
}

// vkServeCaptchaImage serves a small grey PNG standing for a captcha.
func vkServeCaptchaImage(w http.ResponseWriter) {
	img := image.NewGray(image.Rect(0, 0, 130, 50))
	for i := range img.Pix {
		img.Pix[i] = uint8(200 + i%40)
	}
	img.Set(0, 0, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(buf.Bytes())
}

// vkBase is the absolute base URL of the VK emulator as the client reached
// it: the request path has lost its "/vk" prefix, so it is put back.
func vkBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/" + VK
}

// vkNewToken returns a random token with the "vk1.a." prefix of current VK
// tokens.
func vkNewToken() string { return "vk1.a." + randomHex(40) }

// vkNumericID returns a random decimal id of 12 digits, as VK's captcha and
// validation sids look.
func vkNumericID() string {
	n, err := rand.Int(rand.Reader, big.NewInt(9e11))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return strconv.FormatInt(n.Int64()+1e11, 10)
}

func vkHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
