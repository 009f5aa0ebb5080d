package sandbox

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func kxOAuth1Signer(t *testing.T, s *Server, clock *Clock, o TokenOptions) kxSigner {
	t.Helper()
	o.OAuth1 = true
	c, err := s.IssueToken(Kaixin, o)
	require.NoError(t, err)
	require.NotEmpty(t, c.TokenSecret)
	require.NotEmpty(t, c.SessionKey)
	return kxSigner{key: kxAppKey, secret: kxAppSecret, token: c.AccessToken, tokenSecret: c.TokenSecret, ts: clock.Now().Unix()}
}

func TestKaixinOAuth1SignedCalls(t *testing.T) {
	s, clock := kxSandbox(t)
	sg := kxOAuth1Signer(t, s, clock, TokenOptions{})
	api := s.URL(Kaixin)

	// signature in the query
	u := api + "/users/me.json?fields=uid,name"
	q := url.Values{}
	for k, v := range sg.sign("GET", u, nil, nil) {
		q.Set(k, v)
	}
	r := kxDo(t, kxNewRequest(t, "GET", u+"&"+q.Encode(), nil))
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Equal(t, map[string]any{"uid": "48620001", "name": "沙盒开心"}, r.json)

	// signature in the Authorization header
	u = api + "/friends/me.json?num=5&fields=uid,name,pinyin"
	req := kxNewRequest(t, "GET", u, nil)
	req.Header.Set("Authorization", kxHeader(sg.sign("GET", u, nil, nil)))
	r = kxDo(t, req)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Len(t, r.json["users"], 5)

	// signature in an urlencoded body, whose parameters are signed too
	form := url.Values{"content": {"签名的记录 ~!*'()"}}
	u = api + "/records/add.json"
	for k, v := range sg.sign("POST", u, form, nil) {
		form.Set(k, v)
	}
	r = kxDo(t, kxNewRequest(t, "POST", u, form))
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.NotEmpty(t, r.json["rid"])

	// multipart: the body is not signed, the header is
	pic := qqTestPNG(t, 120, 80, 5)
	body, ctype := qqTestMultipart(t, url.Values{"title": {"签名上传"}}, "pic", "p.png", pic)
	req, err := http.NewRequest("POST", api+"/photo/upload.json", body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", kxHeader(sg.sign("POST", api+"/photo/upload.json", nil, nil)))
	sum := md5.Sum(pic)
	r = kxDo(t, req)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Equal(t, strconv.Itoa(len(pic)), r.json["size"])
	assert.Equal(t, hex.EncodeToString(sum[:]), r.json["md5"])
	assert.Equal(t, "签名上传", r.json["title"])
}

func TestKaixinOAuth1Rejections(t *testing.T) {
	s, clock := kxSandbox(t)
	sg := kxOAuth1Signer(t, s, clock, TokenOptions{})
	u := s.URL(Kaixin) + "/users/me.json"
	send := func(sg kxSigner, tamper func(map[string]string)) kxResult {
		t.Helper()
		op := sg.sign("GET", u, nil, nil)
		if tamper != nil {
			tamper(op)
		}
		req := kxNewRequest(t, "GET", u, nil)
		req.Header.Set("Authorization", kxHeader(op))
		return kxDo(t, req)
	}
	wrong := sg
	wrong.tokenSecret = "not-the-secret"
	r := send(wrong, nil)
	kxWantError(t, r, 401, 40104, "/users/me.json")
	assert.Contains(t, r.json["error"], "base string: GET&http%3A%2F%2F127.0.0.1", "the error shows the base string the sandbox signed")
	kxWantError(t, send(sg, func(op map[string]string) { op["oauth_signature"] = "AAAA" + op["oauth_signature"][4:] }), 401, 40104, "/users/me.json")
	kxWantError(t, send(sg, func(op map[string]string) { op["oauth_token"] = "unknown" }), 401, 40102, "/users/me.json")
	kxWantError(t, send(sg, func(op map[string]string) { op["oauth_signature_method"] = "PLAINTEXT" }), 400, 40005, "/users/me.json")
	kxWantError(t, send(sg, func(op map[string]string) { op["oauth_version"] = "2.0" }), 400, 40005, "/users/me.json")
	kxWantError(t, send(sg, func(op map[string]string) { delete(op, "oauth_nonce") }), 400, 40005, "/users/me.json")
	foreign := sg
	foreign.key = "someoneelse"
	kxWantError(t, send(foreign, nil), 401, 40102, "/users/me.json")

	// a nonce is good once
	replay := sg
	replay.nonce = "same-nonce"
	require.Equal(t, http.StatusOK, send(replay, nil).status, "first use of a nonce")
	kxWantError(t, send(replay, nil), 401, 40105, "/users/me.json")

	// timestamps more than 5 minutes off
	stale := sg
	stale.ts -= 301
	kxWantError(t, send(stale, nil), 401, 40106, "/users/me.json")
	ahead := sg
	ahead.ts += 299
	assert.Equal(t, http.StatusOK, send(ahead, nil).status, "299 s ahead is within the window")

	expired := kxOAuth1Signer(t, s, clock, TokenOptions{TTL: -time.Second})
	kxWantError(t, send(expired, nil), 401, 40103, "/users/me.json")
}

func TestKaixinOAuth1ThreeLegged(t *testing.T) {
	s, clock := kxSandbox(t)
	api := s.URL(Kaixin)
	consumer := kxSigner{key: kxAppKey, secret: kxAppSecret, ts: clock.Now().Unix()}

	// 1. request token, signed with the consumer only
	scope := url.Values{"scope": {"create_records"}}
	req := kxNewRequest(t, "POST", api+"/oauth/request_token", scope)
	req.Header.Set("Authorization", kxHeader(consumer.sign("POST", api+"/oauth/request_token", scope,
		map[string]string{"oauth_callback": "https://client.example/kx?x=1"})))
	r := kxDo(t, req)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Equal(t, "application/x-www-form-urlencoded", r.ctype)
	rt, err := url.ParseQuery(r.body)
	require.NoError(t, err)
	assert.Equal(t, "true", rt.Get("oauth_callback_confirmed"))
	require.NotEmpty(t, rt.Get("oauth_token"))
	require.NotEmpty(t, rt.Get("oauth_token_secret"))

	// 2. the user approves at once
	r = kxDo(t, kxNewRequest(t, "GET", api+"/oauth/authorize?oauth_token="+url.QueryEscape(rt.Get("oauth_token")), nil))
	require.Equal(t, http.StatusFound, r.status, r.body)
	loc, err := url.Parse(r.header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "client.example", loc.Host)
	assert.Equal(t, "1", loc.Query().Get("x"), "the callback's own query is kept")
	assert.Equal(t, rt.Get("oauth_token"), loc.Query().Get("oauth_token"))
	verifier := loc.Query().Get("oauth_verifier")
	require.NotEmpty(t, verifier)

	// 3. access token, signed with the request token and its secret
	exchange := func(verifier string) kxResult {
		t.Helper()
		sg := kxSigner{key: kxAppKey, secret: kxAppSecret, token: rt.Get("oauth_token"),
			tokenSecret: rt.Get("oauth_token_secret"), ts: clock.Now().Unix()}
		req := kxNewRequest(t, "GET", api+"/oauth/access_token", nil)
		req.Header.Set("Authorization", kxHeader(sg.sign("GET", api+"/oauth/access_token", nil,
			map[string]string{"oauth_verifier": verifier})))
		return kxDo(t, req)
	}
	kxWantError(t, exchange("wrong-verifier"), 401, 40102, "/oauth/access_token")
	r = exchange(verifier)
	require.Equal(t, http.StatusOK, r.status, r.body)
	at, err := url.ParseQuery(r.body)
	require.NoError(t, err)
	require.NotEmpty(t, at.Get("oauth_token"))
	require.NotEmpty(t, at.Get("oauth_token_secret"))
	kxWantError(t, exchange(verifier), 401, 40102, "/oauth/access_token") // single use

	// 4. the access token works, with the scope asked for
	sg := kxSigner{key: kxAppKey, secret: kxAppSecret, token: at.Get("oauth_token"), tokenSecret: at.Get("oauth_token_secret"), ts: clock.Now().Unix()}
	form := url.Values{"content": {"三条腿"}}
	for k, v := range sg.sign("POST", api+"/records/add.json", form, nil) {
		form.Set(k, v)
	}
	r = kxDo(t, kxNewRequest(t, "POST", api+"/records/add.json", form))
	assert.Equal(t, http.StatusOK, r.status, r.body)
	req = kxNewRequest(t, "GET", api+"/records/me.json", nil)
	req.Header.Set("Authorization", kxHeader(sg.sign("GET", api+"/records/me.json", nil, nil)))
	kxWantError(t, kxDo(t, req), 403, 40301, "/records/me.json") // user_records was not asked for

	// a request without oauth_callback is refused
	req = kxNewRequest(t, "GET", api+"/oauth/request_token", nil)
	req.Header.Set("Authorization", kxHeader(consumer.sign("GET", api+"/oauth/request_token", nil, nil)))
	kxWantError(t, kxDo(t, req), 400, 40005, "/oauth/request_token")
}

func TestKaixinOAuth1OutOfBand(t *testing.T) {
	s, clock := kxSandbox(t)
	api := s.URL(Kaixin)
	consumer := kxSigner{key: kxAppKey, secret: kxAppSecret, ts: clock.Now().Unix()}
	req := kxNewRequest(t, "GET", api+"/oauth/request_token", nil)
	req.Header.Set("Authorization", kxHeader(consumer.sign("GET", api+"/oauth/request_token", nil,
		map[string]string{"oauth_callback": "oob"})))
	r := kxDo(t, req)
	require.Equal(t, http.StatusOK, r.status, r.body)
	rt, _ := url.ParseQuery(r.body)

	r = kxDo(t, kxNewRequest(t, "GET", api+"/oauth/authorize?oauth_token="+rt.Get("oauth_token"), nil))
	assert.Equal(t, http.StatusOK, r.status)
	assert.Regexp(t, `<code id="oauth_verifier">[0-9a-f]{16}</code>`, r.body)

	clock.Advance(10 * time.Minute)
	r = kxDo(t, kxNewRequest(t, "GET", api+"/oauth/authorize?oauth_token="+rt.Get("oauth_token"), nil))
	kxWantError(t, r, 401, 40102, "/oauth/authorize") // request tokens live 10 minutes
}

func TestKaixinConcurrentSignedCalls(t *testing.T) {
	s, clock := kxSandbox(t)
	sg := kxOAuth1Signer(t, s, clock, TokenOptions{})
	u := s.URL(Kaixin) + "/friends/me.json"
	shared := sg
	shared.nonce = "shared-nonce"
	sharedOp := shared.sign("GET", u, nil, nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, replays := 0, 0
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fresh, _ := http.NewRequest("GET", u, nil)
			fresh.Header.Set("Authorization", kxHeader(sg.sign("GET", u, nil, nil)))
			r1, err1 := kxSend(fresh)
			same, _ := http.NewRequest("GET", u, nil)
			same.Header.Set("Authorization", kxHeader(sharedOp))
			r2, err2 := kxSend(same)
			mu.Lock()
			defer mu.Unlock()
			if !assert.NoError(t, err1) || !assert.NoError(t, err2) {
				return
			}
			assert.Equal(t, http.StatusOK, r1.status, "a fresh nonce: %s", r1.body)
			switch {
			case r2.status == http.StatusOK:
				ok++
			case r2.json["error_code"] == float64(40105):
				replays++
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, ok, "the shared nonce is accepted once")
	assert.Equal(t, 15, replays, "and refused as a replay otherwise")
}
