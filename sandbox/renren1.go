package sandbox

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Renren API 1.0: POST https://api.renren.com/restserver.do, form or
// multipart, with method, v=1.0, format=JSON, call_id and either an
// access_token or a legacy session_key with api_key. A sig is optional with
// an access_token (checked when present) and required with a session key.
// Results are bare JSON (lists too); errors are HTTP 200 objects
// {"error_code","error_msg","request_args"}.
//
// Error codes follow the Facebook REST style Renren 1.0 copied. (unverified:
// the numbers and texts below come from that lineage, not from a Renren
// reply the sandbox could check.)
//
//	1   Unknown error                          2   Service temporarily unavailable
//	3   Unknown method                         4   Application request limit reached
//	100 Invalid parameter                      101 Invalid API key
//	102 Session key invalid or no longer valid 104 Incorrect signature
//	200 Permissions error                      450 Session key expired
//
// The sandbox's choice for tokens: a missing, unknown or revoked access_token
// (or session_key) is 102, an expired one 450.
const (
	rr1Unknown     = 1
	rr1BadMethod   = 3
	rr1BadParam    = 100
	rr1BadAPIKey   = 101
	rr1BadSession  = 102
	rr1BadCallID   = 103
	rr1BadSig      = 104
	rr1Permission  = 200
	rr1SessionDone = 450
)

func rr1Messages() map[int]string {
	return map[int]string{
		rr1Unknown:     "Unknown error",
		2:              "Service temporarily unavailable",
		rr1BadMethod:   "Unknown method",
		4:              "Application request limit reached",
		rr1BadParam:    "Invalid parameter",
		rr1BadAPIKey:   "Invalid API key",
		rr1BadSession:  "Session key invalid or no longer valid",
		rr1BadCallID:   "call_id must be greater than the previous call_id",
		rr1BadSig:      "Incorrect signature",
		rr1Permission:  "Permissions error",
		rr1SessionDone: "Session key expired",
	}
}

// rr1Error is an API 1.0 error; Detail, when set, follows the message after
// a colon.
type rr1Error struct {
	Code   int
	Detail string
}

func rr1Err(code int, detail string) *rr1Error { return &rr1Error{Code: code, Detail: detail} }

// rr1Method is one API 1.0 method: the scope it needs and its work.
type rr1Method struct {
	scope string
	run   func(p *renrenPlatform, c *rr1Call) (any, *rr1Error)
}

func rr1Lookup(name string) (rr1Method, bool) {
	switch name {
	case "users.getInfo":
		return rr1Method{"", (*renrenPlatform).v1UsersGetInfo}, true
	case "users.getLoggedInUser":
		return rr1Method{"", (*renrenPlatform).v1LoggedInUser}, true
	case "users.getVisitors":
		return rr1Method{"", (*renrenPlatform).v1Visitors}, true
	case "status.set":
		return rr1Method{"status_update", (*renrenPlatform).v1StatusSet}, true
	case "status.gets":
		return rr1Method{"read_user_status", (*renrenPlatform).v1StatusGets}, true
	case "photos.upload":
		return rr1Method{"photo_upload", (*renrenPlatform).v1PhotosUpload}, true
	}
	return rr1Method{}, false
}

// rr1Call is one API 1.0 call.
type rr1Call struct {
	r    *http.Request
	me   int64
	base string
}

// rr1Sig is Renren 1.0's signature: md5 hex of every "k=v" (keys sorted, sig
// left out, first value of each key, no separator) followed by the secret.
// File parts are not in form, so they are left out too.
func rr1Sig(form url.Values, secret string) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		if k != "sig" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + form.Get(k))
	}
	sum := md5.Sum([]byte(b.String() + secret))
	return hex.EncodeToString(sum[:])
}

// serveRest is https://api.renren.com/restserver.do.
func (p *renrenPlatform) serveRest(w http.ResponseWriter, r *http.Request) {
	res, err := p.rest(r)
	if err == nil {
		writeJSON(w, http.StatusOK, "", res)
		return
	}
	msg := rr1Messages()[err.Code]
	if err.Detail != "" {
		msg += ": " + err.Detail
	}
	keys := make([]string, 0, len(r.Form))
	for k := range r.Form {
		if k != "access_token" && k != "session_key" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	args := make([]map[string]string, 0, len(keys))
	for _, k := range keys {
		args = append(args, map[string]string{"key": k, "value": r.Form.Get(k)})
	}
	writeJSON(w, http.StatusOK, "", map[string]any{"error_code": err.Code, "error_msg": msg, "request_args": args})
}

// rest checks, in order: verb, v, format, method and call_id present,
// api_key, sig, credential, call_id increasing for that credential, method
// known, scope; then runs the method.
func (p *renrenPlatform) rest(r *http.Request) (any, *rr1Error) {
	f := r.Form
	switch {
	case r.Method != http.MethodPost:
		return nil, rr1Err(rr1BadParam, "restserver.do takes POST")
	case f.Get("v") != "1.0":
		return nil, rr1Err(rr1BadParam, "v must be 1.0")
	case !strings.EqualFold(f.Get("format"), "JSON"):
		return nil, rr1Err(rr1BadParam, "format must be JSON (the sandbox does not speak XML)")
	case f.Get("method") == "":
		return nil, rr1Err(rr1BadParam, "method is missing")
	}
	callID, err := strconv.ParseInt(f.Get("call_id"), 10, 64)
	if err != nil || callID <= 0 {
		return nil, rr1Err(rr1BadParam, "call_id must be a positive number (the time in milliseconds)")
	}
	tok, sk := f.Get("access_token"), f.Get("session_key")
	useSession := tok == "" && sk != ""
	if ak := f.Get("api_key"); (useSession || ak != "") && ak != RenrenAppKey {
		return nil, rr1Err(rr1BadAPIKey, "")
	}
	sig := f.Get("sig")
	if (sig == "" && useSession) || (sig != "" && !strings.EqualFold(sig, rr1Sig(f, RenrenAppSecret))) {
		return nil, rr1Err(rr1BadSig, "")
	}
	var g grant
	var ok bool
	switch {
	case tok != "":
		g, ok = p.tokens.lookup(tok)
	case sk != "":
		g, ok = p.sessions.lookup(sk)
	}
	if !ok || g.Revoked {
		return nil, rr1Err(rr1BadSession, "")
	}
	if g.Expired(p.env.now()) {
		return nil, rr1Err(rr1SessionDone, "")
	}
	if !p.advanceCallID(tok+"\x00"+sk, callID) {
		return nil, rr1Err(rr1BadCallID, "")
	}
	m, ok := rr1Lookup(f.Get("method"))
	if !ok {
		return nil, rr1Err(rr1BadMethod, "")
	}
	if m.scope != "" && !g.Allows(m.scope) {
		return nil, rr1Err(rr1Permission, "the token lacks the permission "+m.scope)
	}
	me, _ := strconv.ParseInt(g.User, 10, 64)
	return m.run(p, &rr1Call{r: r, me: me, base: rrBase(r)})
}

// int reads an integer parameter in [lo, hi], def when absent.
func (c *rr1Call) int(name string, def, lo, hi int64) (int64, *rr1Error) {
	s := strings.TrimSpace(c.r.Form.Get(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, rr1Err(rr1BadParam, name)
	}
	return n, nil
}

// users.getInfo: unknown uids are left out of the list; fields defaults to
// uid,name,tinyurl,headurl,zidou,star.
func (p *renrenPlatform) v1UsersGetInfo(c *rr1Call) (any, *rr1Error) {
	uids := []int64{c.me}
	if s := c.r.Form.Get("uids"); s != "" {
		uids = uids[:0]
		for _, part := range strings.Split(s, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil {
				return nil, rr1Err(rr1BadParam, "uids")
			}
			uids = append(uids, id)
		}
	}
	fields := []string{"name", "tinyurl", "headurl", "zidou", "star"}
	if s := c.r.Form.Get("fields"); s != "" {
		fields = strings.Split(strings.ReplaceAll(s, " ", ""), ",")
	}
	out := []map[string]any{}
	for _, id := range uids {
		if u, ok := rrUserByID(id); ok {
			out = append(out, u.v1(fields))
		}
	}
	return out, nil
}

func (p *renrenPlatform) v1LoggedInUser(c *rr1Call) (any, *rr1Error) {
	return map[string]any{"uid": c.me}, nil
}

func (p *renrenPlatform) v1Visitors(c *rr1Call) (any, *rr1Error) {
	page, err := c.int("page", 1, 1, 1e9)
	if err != nil {
		return nil, err
	}
	count, err := c.int("count", 10, 1, 100)
	if err != nil {
		return nil, err
	}
	u, _ := rrUserByID(c.me)
	lo, hi := rrPage(len(u.Visitors), page, count)
	out := []map[string]any{}
	for i, id := range u.Visitors[lo:hi] {
		v, _ := rrUserByID(id)
		at := p.env.now().Add(-time.Duration(lo+i+1) * time.Hour)
		out = append(out, map[string]any{"uid": v.ID, "name": v.Name, "tinyurl": v.avatar("tiny"), "time": rrTime(at)})
	}
	return map[string]any{"visitors": out}, nil
}

func (p *renrenPlatform) v1StatusSet(c *rr1Call) (any, *rr1Error) {
	if !rrValidStatus(c.r.Form.Get("status")) {
		return nil, rr1Err(rr1BadParam, "status")
	}
	p.addStatus(c.me, c.r.Form.Get("status"))
	return map[string]int{"result": 1}, nil
}

func (p *renrenPlatform) v1StatusGets(c *rr1Call) (any, *rr1Error) {
	uid, err := c.int("uid", c.me, 1, 1<<62)
	if err != nil {
		return nil, err
	}
	if _, ok := rrUserByID(uid); !ok {
		return nil, rr1Err(rr1BadParam, "uid")
	}
	page, err := c.int("page", 1, 1, 1e9)
	if err != nil {
		return nil, err
	}
	count, err := c.int("count", 10, 1, 1000)
	if err != nil {
		return nil, err
	}
	all := p.statusesOf(uid)
	lo, hi := rrPage(len(all), page, count)
	out := []map[string]any{}
	for _, s := range all[lo:hi] {
		out = append(out, s.v1())
	}
	return out, nil
}

func (p *renrenPlatform) v1PhotosUpload(c *rr1Call) (any, *rr1Error) {
	mf := c.r.MultipartForm
	if mf == nil || len(mf.File["upload"]) == 0 {
		return nil, rr1Err(rr1BadParam, "upload")
	}
	aid, err := c.int("aid", 0, 0, 1<<62)
	if err != nil {
		return nil, err
	}
	ph, ok, rerr := p.addPhoto(c.me, aid, c.r.Form.Get("caption"), mf.File["upload"][0])
	switch {
	case !ok:
		return nil, rr1Err(rr1BadParam, "aid")
	case rerr != nil:
		return nil, rr1Err(rr1Unknown, "upload failed")
	}
	return ph.v1(c.base), nil
}

// advanceCallID records callID as the last one of a credential and reports
// whether it is greater than the one before, as Renren requires of
// call_id ("must be greater than the previous call_id").
func (p *renrenPlatform) advanceCallID(cred string, callID int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if callID <= p.lastCallID[cred] {
		return false
	}
	p.lastCallID[cred] = callID
	return true
}
