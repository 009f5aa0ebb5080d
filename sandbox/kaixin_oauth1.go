package sandbox

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The OAuth 1.0a side of Kaixin: request verification (RFC 5849) and the
// three-legged flow /oauth/request_token, /oauth/authorize,
// /oauth/access_token.

// kxOAuthRequest holds what a request says in OAuth 1.0a terms.
type kxOAuthRequest struct {
	protocol url.Values // oauth_* parameters, from wherever they came
	params   url.Values // every parameter that is signed
	baseURI  string
}

// kxReadOAuth gathers the protocol and signed parameters from the
// Authorization header, the query and an urlencoded body (not a multipart
// one). ok is false when the request carries no OAuth 1.0a parameter at all.
func kxReadOAuth(r *http.Request) (*kxOAuthRequest, *kxProblem, bool) {
	o := &kxOAuthRequest{protocol: url.Values{}, params: url.Values{}}
	sources := []url.Values{}
	if h := r.Header.Get("Authorization"); len(h) > 6 && strings.EqualFold(h[:6], "OAuth ") {
		hv, err := kxParseHeader(h[6:])
		if err != nil {
			return nil, kxBad(40005, "unreadable Authorization header"), true
		}
		sources = append(sources, hv)
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, kxBad(40001, "unreadable query"), true
	}
	sources = append(sources, q)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		sources = append(sources, r.PostForm)
	}
	for _, src := range sources {
		for k, vs := range src {
			if k == "realm" {
				continue
			}
			o.params[k] = append(o.params[k], vs...)
			if strings.HasPrefix(k, "oauth_") {
				if len(vs) != 1 || o.protocol.Has(k) {
					return nil, kxBad(40005, "OAuth parameter %s given more than once", k), true
				}
				o.protocol.Set(k, vs[0])
			}
		}
	}
	if len(o.protocol) == 0 {
		return nil, nil, false
	}
	scheme, host, path := "http", r.Host, r.RequestURI
	if r.TLS != nil {
		scheme = "https"
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if u, err := url.Parse(path); err == nil && u.Scheme != "" && u.Host != "" {
		scheme, host, path = u.Scheme, u.Host, u.EscapedPath() // absolute-form request target
	}
	o.baseURI = kxBaseURI(scheme, host, path)
	return o, nil, true
}

// kxParseHeader reads `k="v", k2="v2"` with percent-encoded keys and values.
func kxParseHeader(s string) (url.Values, error) {
	v := url.Values{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok || len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
			return nil, url.EscapeError(part)
		}
		k, err := url.PathUnescape(strings.TrimSpace(k))
		if err != nil {
			return nil, err
		}
		val, err = url.PathUnescape(val[1 : len(val)-1])
		if err != nil {
			return nil, err
		}
		v.Add(k, val)
	}
	return v, nil
}

// verify checks the consumer, timestamp, signature (with tokenSecret) and
// nonce of a signed request.
func (p *kaixinPlatform) verify(r *http.Request, o *kxOAuthRequest, tokenSecret string) *kxProblem {
	pr := o.protocol
	switch {
	case pr.Get("oauth_consumer_key") == "":
		return kxBad(40005, "missing oauth_consumer_key")
	case pr.Get("oauth_consumer_key") != kxAppKey:
		return kxUnauthorized(40102, "invalid consumer key")
	case pr.Get("oauth_signature_method") != "HMAC-SHA1":
		return kxBad(40005, "oauth_signature_method must be HMAC-SHA1")
	case pr.Has("oauth_version") && pr.Get("oauth_version") != "1.0":
		return kxBad(40005, "oauth_version must be 1.0")
	case pr.Get("oauth_signature") == "" || pr.Get("oauth_nonce") == "" || pr.Get("oauth_timestamp") == "":
		return kxBad(40005, "missing oauth_signature, oauth_nonce or oauth_timestamp")
	}
	ts, err := strconv.ParseInt(pr.Get("oauth_timestamp"), 10, 64)
	if err != nil {
		return kxBad(40005, "oauth_timestamp is not a number")
	}
	now := p.env.now()
	if d := time.Unix(ts, 0).Sub(now); d > kxClockSkew || d < -kxClockSkew {
		return kxUnauthorized(40106, "oauth_timestamp is too far from the server clock (%d)", now.Unix())
	}
	base := kxBaseString(r.Method, o.baseURI, o.params)
	want := kxHMAC(base, kxAppSecret, tokenSecret)
	if subtle.ConstantTimeCompare([]byte(want), []byte(pr.Get("oauth_signature"))) != 1 {
		return kxUnauthorized(40104, "invalid signature, base string: %s", base)
	}
	key := pr.Get("oauth_consumer_key") + "&" + pr.Get("oauth_token") + "&" + pr.Get("oauth_nonce")
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, seen := p.nonces[key]; seen {
		return kxUnauthorized(40105, "oauth_nonce has already been used")
	}
	if len(p.nonces) >= 1024 {
		for k, t := range p.nonces {
			if now.Sub(time.Unix(t, 0)) > kxClockSkew {
				delete(p.nonces, k)
			}
		}
	}
	p.nonces[key] = ts
	return nil
}

// kxRequestToken is a temporary credential of the three-legged flow.
type kxRequestToken struct {
	Token, Secret string
	Callback      string
	Scope         []string
	ExpiresAt     time.Time
	Verifier      string // set once the user approved
	User          string
}

// requestToken serves /oauth/request_token, signed with the consumer only.
func (p *kaixinPlatform) requestToken(w http.ResponseWriter, r *http.Request) {
	o, prob, ok := kxReadOAuth(r)
	if !ok {
		prob = kxUnauthorized(40101, "OAuth 1.0a signature required")
	}
	if prob == nil {
		prob = p.verify(r, o, "")
	}
	if prob == nil && o.protocol.Get("oauth_callback") == "" {
		prob = kxBad(40005, "missing oauth_callback (use oob without a callback)")
	}
	var scope []string
	if prob == nil {
		scope, prob = kxParseScope(o.params.Get("scope"))
	}
	if prob != nil {
		prob.write(w, r)
		return
	}
	rt := &kxRequestToken{
		Token: randomHex(16), Secret: randomHex(16), Callback: o.protocol.Get("oauth_callback"),
		Scope: scope, ExpiresAt: p.env.now().Add(kxCodeTTL),
	}
	p.mu.Lock()
	p.requests[rt.Token] = rt
	p.mu.Unlock()
	kxWriteForm(w, "oauth_token="+kxEncode(rt.Token)+"&oauth_token_secret="+kxEncode(rt.Secret)+
		"&oauth_callback_confirmed=true")
}

// authorize1 serves GET /oauth/authorize?oauth_token: the default user
// approves at once; 302 to the callback with oauth_token and oauth_verifier,
// or, for oob, a page showing the verifier.
func (p *kaixinPlatform) authorize1(w http.ResponseWriter, r *http.Request) {
	tok := r.Form.Get("oauth_token")
	p.mu.Lock()
	rt, ok := p.requests[tok]
	if ok && p.env.now().Before(rt.ExpiresAt) {
		if rt.Verifier == "" {
			rt.Verifier, rt.User = randomHex(8), p.me
		}
	} else {
		ok = false
	}
	var cb, verifier string
	if ok {
		cb, verifier = rt.Callback, rt.Verifier
	}
	p.mu.Unlock()
	if !ok {
		kxFail(w, r, http.StatusUnauthorized, 40102, "invalid or expired request token")
		return
	}
	if cb == "oob" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<html><body><p>授权码 verifier: <code id=\"oauth_verifier\">" + verifier +
			"</code></p></body></html>\n"))
		return
	}
	target, err := url.Parse(cb)
	if err != nil {
		kxFail(w, r, http.StatusBadRequest, 40005, "unreadable oauth_callback")
		return
	}
	q := target.Query()
	q.Set("oauth_token", tok)
	q.Set("oauth_verifier", verifier)
	target.RawQuery = q.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// accessToken1 serves /oauth/access_token, signed with the request token and
// its secret, with oauth_verifier. A request token is good for one exchange.
func (p *kaixinPlatform) accessToken1(w http.ResponseWriter, r *http.Request) {
	o, prob, ok := kxReadOAuth(r)
	if !ok {
		prob = kxUnauthorized(40101, "OAuth 1.0a signature required")
	}
	if prob != nil {
		prob.write(w, r)
		return
	}
	tok := o.protocol.Get("oauth_token")
	p.mu.Lock()
	rt, ok := p.requests[tok]
	var secret string
	if ok {
		secret = rt.Secret
	}
	p.mu.Unlock()
	if !ok {
		kxFail(w, r, http.StatusUnauthorized, 40102, "invalid or used request token")
		return
	}
	if prob := p.verify(r, o, secret); prob != nil {
		prob.write(w, r)
		return
	}
	p.mu.Lock()
	switch {
	case p.requests[tok] != rt:
		prob = kxUnauthorized(40102, "invalid or used request token")
	case !p.env.now().Before(rt.ExpiresAt):
		prob = kxUnauthorized(40103, "request token expired")
	case rt.Verifier == "":
		prob = kxUnauthorized(40102, "request token not authorized")
	case subtle.ConstantTimeCompare([]byte(rt.Verifier), []byte(o.protocol.Get("oauth_verifier"))) != 1:
		prob = kxUnauthorized(40102, "invalid oauth_verifier")
	default:
		delete(p.requests, tok)
	}
	p.mu.Unlock()
	if prob != nil {
		prob.write(w, r)
		return
	}
	g := p.grantOAuth1(rt.User, rt.Scope, 0)
	kxWriteForm(w, "oauth_token="+kxEncode(g.Token)+"&oauth_token_secret="+kxEncode(g.Secret))
}

// authOAuth1 authenticates an API call signed with an OAuth 1.0a access
// token.
func (p *kaixinPlatform) authOAuth1(r *http.Request, o *kxOAuthRequest) (grant, *kxProblem) {
	tok := o.protocol.Get("oauth_token")
	if tok == "" {
		return grant{}, kxUnauthorized(40101, "missing oauth_token")
	}
	g, ok := p.oauth1.lookup(tok)
	if !ok || g.Revoked {
		return grant{}, kxUnauthorized(40102, "invalid oauth_token")
	}
	if prob := p.verify(r, o, g.Secret); prob != nil {
		return grant{}, prob
	}
	if g.Expired(p.env.now()) {
		return grant{}, kxUnauthorized(40103, "oauth_token expired")
	}
	return g, nil
}

func kxWriteForm(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", kxFormReply)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
}

// kxParseScope reads a scope list (space-separated as Kaixin documents;
// commas are tolerated). Empty means basic.
func kxParseScope(s string) ([]string, *kxProblem) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	if len(fields) == 0 {
		return []string{kxBasicScope}, nil
	}
	for _, f := range fields {
		known := false
		for _, k := range kxScopes() {
			known = known || f == k
		}
		if !known {
			return nil, kxBad(40001, "unknown scope %q", f)
		}
	}
	return fields, nil
}
