package platforms

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// Renren API 1.0 host and default. Docs: http://wiki.dev.renren.com/wiki/API
// (offline upstream). OAuth goes through RenrenGraphURL, as for API 2.0.
const (
	// Renren1APIURL is the single endpoint of API 1.0; the method is a
	// parameter.
	Renren1APIURL = "https://api.renren.com/restserver.do"
	// Renren1DefaultVersion is the v sent when neither the client
	// (snskit.WithAPIVersion) nor the call (a "v" parameter) names one.
	Renren1DefaultVersion = "1.0"
)

// Renren1 returns the rules of the Renren API 1.0 (the REST server):
//
//   - POST https://api.renren.com/restserver.do, form-encoded; the method
//     goes in a "method" parameter: api.NS("users").M("getInfo") sends
//     method=users.getInfo. GET is refused, so that tokens stay out of URLs.
//   - common parameters: v=1.0, format=JSON and call_id, the client clock's
//     time in milliseconds, strictly increasing for each value Renren1
//     returns (when the clock stands still or goes back, the last call_id
//     plus one). Renren refuses a call_id that is not greater than the
//     credential's previous one (error 103), and takes concurrent calls in
//     any order, so the calls of one credential through one Renren1 value
//     are sent one at a time, each numbered when its turn comes and its
//     reply read before the next leaves: share one Renren1 value between
//     the clients of a credential. A 103 all the same (another process
//     using the credential) is resent with a fresh call_id, as
//     snskit.WithRetry says. A call's own v, format or call_id wins; a
//     format other than
//     JSON gives a *snskit.ReplyError, with the reply still in the Response.
//   - credential: an OAuth 2.0 token (auth.Token) as access_token, or a
//     legacy session key (auth.Session) as session_key with api_key, the app
//     key set by snskit.WithApp. A call's own access_token or session_key
//     wins over the client's credential.
//   - signature: when the app secret is known (snskit.WithApp), sig is the
//     md5 hex of the "k=v" pairs of every parameter but sig and files,
//     sorted by key and concatenated without separator, followed by the
//     secret. Renren requires it with session keys, so a session-key call
//     without the secret is refused before sending.
//   - photos.upload is a multipart POST with the file in the "upload" field.
//   - bools as 1/0, as API 1.0 wrote them (is_friend=1).
//   - a JSON object with error_code (other than 0) is an error: a
//     *snskit.Error whose Detail is the whole reply (error_msg,
//     request_args); anything else, lists included, is the result.
//
// The calls of the seed (renrenpy's client.users.getInfo() and so on):
//
//	api, err := snskit.New(platforms.Renren1(),
//		snskit.WithAuth(auth.Token(accessToken)), snskit.WithApp(appKey, appSecret))
//	me, err := api.NS("users").M("getInfo").Do(nil)
//	_, err = api.NS("users").M("getLoggedInUser").Do(nil)
//	_, err = api.NS("status").M("set").Do(snskit.Params{"status": "test"})
//	f, err := os.Open("test.png")
//	photo, err := api.NS("photos").M("upload").Do(snskit.Params{"upload": snskit.Upload("test.png", f)})
func Renren1() snskit.Platform { return &renren1{cat: catalog.New(renren1CatalogText)} }

type renren1 struct {
	lastCallID atomic.Int64 // the last call_id given out, in ms

	mu    sync.Mutex
	lines map[[sha256.Size]byte]*renren1Line // by hash of the credential
	cat   *catalog.Catalog                   // the method catalog, parsed on first use
}

// renren1Line is one credential's turn to call: turn holds a token while a
// call is in flight; users counts the calls holding or waiting for it.
type renren1Line struct {
	turn  chan struct{}
	users int
}

func (*renren1) Name() string        { return "renren1" }
func (*renren1) Style() driver.Style { return driver.Style{True: "1", False: "0"} }

func (p *renren1) Prepare(ctx context.Context, d *driver.Draft) error {
	if d.Verb == http.MethodGet {
		return d.Err("Renren API 1.0 calls are sent as POST so that the access token stays out of URLs; do not force GET")
	}
	d.Verb = http.MethodPost
	u, err := d.Endpoint(Renren1APIURL)
	if err != nil {
		return err
	}
	d.URL = u
	if m := d.Values.Get("method"); m != "" && m != d.Method {
		return d.Err("the method is named by the call, not by a method parameter (%q); drop the parameter", m)
	}
	if d.PathContains("upload") {
		if err := d.CheckFileFields("upload"); err != nil {
			return err
		}
	}
	v := d.Values
	v.Set("method", d.Method)
	if !v.Has("v") {
		ver := d.Version
		if ver == "" {
			ver = Renren1DefaultVersion
		}
		v.Set("v", ver)
	}
	if !v.Has("format") {
		v.Set("format", "JSON")
	}
	cred, err := renren1Credential(ctx, d)
	if err != nil {
		return err
	}
	if !d.DryRun {
		// Renren takes a credential's call_ids in increasing order: its
		// calls are numbered and answered one at a time.
		if err := p.hold(ctx, d, cred); err != nil {
			return d.Err("waiting for this credential's previous call: %w", err)
		}
	}
	if !v.Has("call_id") {
		v.Set("call_id", strconv.FormatInt(p.nextCallID(d.Now().UnixMilli()), 10))
	}
	if d.AppSecret != "" {
		v.Set("sig", renren1Sig(v, d.AppSecret))
	}
	return nil
}

// nextCallID returns now, or the last call_id plus one when now is not past
// it, and records it. It is safe for concurrent use.
func (p *renren1) nextCallID(now int64) int64 {
	for {
		last := p.lastCallID.Load()
		next := now
		if next <= last {
			next = last + 1
		}
		if p.lastCallID.CompareAndSwap(last, next) {
			return next
		}
	}
}

// hold waits until no other call with the credential cred is in flight,
// then keeps the credential's line until the call's reply is read
// (Draft.AfterReply), so that call_ids reach Renren in the order they are
// given out. Waiting ends with ctx.
func (p *renren1) hold(ctx context.Context, d *driver.Draft, cred string) error {
	key := sha256.Sum256([]byte(cred)) // no credential kept in memory
	p.mu.Lock()
	if p.lines == nil {
		p.lines = make(map[[sha256.Size]byte]*renren1Line)
	}
	l := p.lines[key]
	if l == nil {
		l = &renren1Line{turn: make(chan struct{}, 1)}
		p.lines[key] = l
	}
	l.users++
	p.mu.Unlock()
	select {
	case l.turn <- struct{}{}:
		d.AfterReply(func() {
			<-l.turn
			p.leave(key, l)
		})
		return nil
	case <-ctx.Done():
		p.leave(key, l)
		return ctx.Err()
	}
}

// leave drops a user of the line l, and the line when it has none left.
func (p *renren1) leave(key [sha256.Size]byte, l *renren1Line) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.users--; l.users == 0 {
		delete(p.lines, key)
	}
}

// renren1Credential places the access token, or the session key and the app
// key, unless the call carries its own, and returns the credential placed.
func renren1Credential(ctx context.Context, d *driver.Draft) (string, error) {
	v := d.Values
	if tok := v.Get("access_token"); tok != "" {
		d.Secret(tok)
		return tok, nil
	}
	key := v.Get("session_key")
	if key == "" {
		switch c := d.Auth.(type) {
		case nil:
			return "", d.MissingAuth("auth.Token, auth.TokenSource or auth.Session, or an access_token parameter")
		case *auth.OAuth2:
			tok, err := d.AccessToken(ctx, c)
			if err != nil {
				return "", d.Err("%w", err)
			}
			d.Secret(tok.AccessToken)
			v.Set("access_token", tok.AccessToken)
			return tok.AccessToken, nil
		case *auth.SessionKey:
			if c == nil || c.Key == "" {
				return "", d.Err("the session key is empty; pass the one Renren gave with auth.Session")
			}
			key = c.Key
			v.Set("session_key", key)
		default:
			return "", d.WrongAuth("an OAuth 2.0 access token (auth.Token) or a session key (auth.Session)")
		}
	}
	d.Secret(key)
	if !v.Has("api_key") {
		if d.AppID == "" {
			return "", d.Err("a session key is sent with the app key as api_key; pass it with snskit.WithApp(appKey, appSecret)")
		}
		v.Set("api_key", d.AppID)
	}
	if d.AppSecret == "" {
		return "", d.Err("calls with a session key must be signed (sig); pass the app secret with snskit.WithApp(appKey, appSecret)")
	}
	return key, nil
}

// renren1Sig returns md5hex(k1=v1k2=v2...secret) over every parameter but
// sig, keys sorted ascending, raw UTF-8 values. Files are not in values.
func renren1Sig(values map[string][]string, secret string) string {
	keys := make([]string, 0, len(values))
	for k := range values {
		if k != "sig" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := md5.New()
	for _, k := range keys {
		for _, val := range values[k] {
			h.Write([]byte(k))
			h.Write([]byte{'='})
			h.Write([]byte(val))
		}
	}
	h.Write([]byte(secret))
	return hex.EncodeToString(h.Sum(nil))
}

// Transient reports whether a refusal may pass when the call is sent again:
// 103, a call_id not greater than the previous one, means Renren did
// nothing, and the resent call gets a fresh call_id.
func (*renren1) Transient(d *driver.Draft, e *driver.Error) bool { return e.Code == "103" }

// Idempotent reports whether d only reads: its method's last name starts
// with "get" (users.getInfo, friends.get).
func (*renren1) Idempotent(d *driver.Draft) bool {
	return strings.HasPrefix(d.Segments[len(d.Segments)-1], "get")
}

func (*renren1) Decode(r *snskit.Response) (gjson.Result, error) {
	var env [2]gjson.Result
	doc, err := driver.ParseJSONFields(r, []string{"error_code", "error_msg"}, env[:])
	if err != nil {
		return gjson.Result{}, err
	}
	if doc.IsObject() {
		if ec := env[0]; ec.Exists() && ec.String() != "0" {
			return gjson.Result{}, &snskit.Error{
				Platform:   "renren1",
				Method:     r.Method,
				Code:       ec.String(),
				Message:    env[1].String(),
				HTTPStatus: r.StatusCode,
				Class:      renren1Class(ec.Int()),
				Detail:     doc,
			}
		}
	}
	if r.StatusCode >= 400 {
		return gjson.Result{}, r.BadReply("HTTP error status without a Renren error_code")
	}
	return doc, nil
}

// renren1Class maps API 1.0 error codes to classes. Renren 1.0 took its
// codes from the Facebook REST API; the table follows that numbering and
// Renren's 1.0 error page as SDKs quoted it (unverified: one source each).
// No 2000-range token codes were found; add them here if they surface.
func renren1Class(code int64) snskit.Class {
	switch code {
	case 1, 2: // unknown error, service temporarily unavailable
		return snskit.ErrServer
	case 3: // unknown method
		return snskit.ErrNotFound
	case 4, 9: // application request limit reached, user performing too many actions
		return snskit.ErrRateLimited
	case 5: // unauthorized source IP address
		return snskit.ErrPermission
	case 100, 103, 104: // invalid parameter, call_id not increasing, incorrect signature
		return snskit.ErrBadParams
	case 101: // invalid api_key: the app's configuration (snskit.WithApp), not the user's token
		return snskit.ErrBadParams
	case 102, 451, 452, 453: // session key invalid, not usable here, invalid, required
		return snskit.ErrTokenInvalid
	case 200, 10: // permission denied (application / user)
		return snskit.ErrPermission
	case 450: // session key expired
		return snskit.ErrTokenExpired
	}
	switch {
	case code > 100 && code < 200: // parameter errors
		return snskit.ErrBadParams
	case code >= 200 && code < 300: // permission errors
		return snskit.ErrPermission
	case code > 450 && code < 460: // session errors
		return snskit.ErrTokenInvalid
	}
	return snskit.ErrUnclassified
}
