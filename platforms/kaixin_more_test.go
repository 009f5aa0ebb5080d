package platforms_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKaixinOAuth1ReferenceVector(t *testing.T) {
	api, err := snskit.New(platforms.Kaixin(), kaixinFixedOAuth1(1, "n")...) // no base URL: the real URL is signed
	require.NoError(t, err)
	req, err := api.Method("users.me").Request(context.Background(), snskit.Params{"fields": []string{"uid", "name"}})
	require.NoError(t, err)

	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "https", req.URL.Scheme)
	assert.Equal(t, "api.kaixin001.com", req.URL.Host)
	assert.Equal(t, "/users/me.json", req.URL.Path)
	q := req.URL.Query()
	assert.Equal(t, "Zqluy7e80d2iurVHIi96va2jUnw=", q.Get("oauth_signature"))
	assert.Equal(t, "uid,name", q.Get("fields"))
	assert.Equal(t, "ck", q.Get("oauth_consumer_key"))
	assert.Equal(t, "n", q.Get("oauth_nonce"))
	assert.Equal(t, "1", q.Get("oauth_timestamp"))
	assert.Equal(t, "tk", q.Get("oauth_token"))
	assert.Equal(t, "HMAC-SHA1", q.Get("oauth_signature_method"))
	assert.Equal(t, "1.0", q.Get("oauth_version"))
	assert.Len(t, q, 8, "nothing else, secrets least of all: %v", q)
	assert.Empty(t, req.Header.Get("Authorization"))
	assert.True(t, req.Body == nil || req.Body == http.NoBody)
}

func TestKaixinOAuth1PostVector(t *testing.T) {
	api, err := snskit.New(platforms.Kaixin(), kaixinFixedOAuth1(1300000000, "abc")...)
	require.NoError(t, err)
	req, err := api.Method("records.add").Request(context.Background(), snskit.Params{"content": "Hi 开心!", "save_to_album": 1})
	require.NoError(t, err)
	require.Equal(t, "POST", req.Method)
	assert.Empty(t, req.URL.RawQuery, "the oauth_* params of a form POST go in the body")
	assert.Equal(t, "application/x-www-form-urlencoded", req.Header.Get("Content-Type"))
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	form, err := url.ParseQuery(string(body))
	require.NoError(t, err)

	// The base string, written out by hand.
	const base = "POST&https%3A%2F%2Fapi.kaixin001.com%2Frecords%2Fadd.json&" +
		"content%3DHi%2520%25E5%25BC%2580%25E5%25BF%2583%2521%26oauth_consumer_key%3Dck%26oauth_nonce%3Dabc" +
		"%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1300000000%26oauth_token%3Dtk" +
		"%26oauth_version%3D1.0%26save_to_album%3D1"
	want := kaixinHMAC(base, "cs", "ts")
	assert.Equal(t, "SKWg08KBfnwYXR41Bs3fEjntE88=", want, "the hand-written vector itself")
	assert.Equal(t, want, form.Get("oauth_signature"))
	assert.Equal(t, "Hi 开心!", form.Get("content"))
	assert.Equal(t, "1300000000", form.Get("oauth_timestamp"))
	assert.Equal(t, "abc", form.Get("oauth_nonce"))
}

func TestKaixinOAuth1SignsTheURLSent(t *testing.T) {
	const cs, ts = "consumer-secret-0001", "token-secret-0001"
	s := newServer(t, func(sn seen) reply {
		// Recompute the signature over the URL this server was reached at.
		sent, want := kaixinSignature(sn, "http://"+sn.Host+sn.Path, cs, ts)
		if sent == "" || sent != want {
			return reply{Status: 401, Body: `{"error_code":"401","error":"signature mismatch","request":"` + sn.Path + `"}`}
		}
		return reply{Body: `{"result":"1"}`}
	})
	api := kaixinAPI(t, s, snskit.WithAuth(auth.OAuth1Token("ck", cs, "user-token-0001", ts)))

	cases := []struct {
		name, method string
		params       snskit.Params
		verb         string
	}{
		{"get", "friends.me", snskit.Params{"fields": []string{"uid", "name"}, "start": 0, "num": 20}, "GET"},
		{"form post", "records.add", snskit.Params{"content": "周末 去 爬山 ~*!'()", "spri": 1}, "POST"},
		{"multipart", "photo.upload", snskit.Params{"albumid": 3, "pic": snskit.Upload("p.jpg", strings.NewReader("JPG"))}, "POST"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := api.Method(c.method).Do(c.params)
			require.NoError(t, err, "the server could not verify the signature")
			assert.Equal(t, "1", res.Get("result").String())
			got := s.last(t)
			assert.Equal(t, c.verb, got.Method)

			// Signed over the loopback URL, not the platform's.
			sent, canonical := kaixinSignature(got, "https://api.kaixin001.com"+strings.TrimPrefix(got.Path, "/kx"), cs, ts)
			assert.NotEqual(t, canonical, sent)

			raw := got.Body + "?" + url.Values(got.Query).Encode() + got.Header.Get("Authorization")
			for _, secret := range []string{cs, ts} {
				assert.NotContains(t, raw, secret, "secrets are never sent")
			}
			switch c.name {
			case "get":
				assert.Equal(t, "user-token-0001", got.Query.Get("oauth_token"))
				assert.Empty(t, got.Header.Get("Authorization"))
			case "form post":
				assert.Equal(t, "user-token-0001", got.Form.Get("oauth_token"))
				assert.Empty(t, got.Query)
			case "multipart":
				h := got.Header.Get("Authorization")
				assert.True(t, strings.HasPrefix(h, "OAuth "), h)
				assert.Contains(t, h, `oauth_token="user-token-0001"`)
				assert.Empty(t, got.Query)
				for k := range got.Form {
					assert.False(t, strings.HasPrefix(k, "oauth_"), "oauth param %q in the multipart body", k)
				}
				assert.Equal(t, "3", got.Form.Get("albumid"))
				assert.Equal(t, "JPG", got.Files["pic"].Content)
			}
		})
	}
}

func TestKaixinOAuth1Concurrent(t *testing.T) {
	s := newServer(t, func(sn seen) reply {
		sent, want := kaixinSignature(sn, "http://"+sn.Host+sn.Path, "cs", "ts")
		if sent != want {
			return reply{Status: 401, Body: `{"error_code":"401","error":"signature mismatch"}`}
		}
		return reply{Body: `{"result":"1"}`}
	})
	api := kaixinAPI(t, s, snskit.WithAuth(auth.OAuth1Token("ck", "cs", "tk", "ts")))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := api.Method("users.show").Do(snskit.Params{"uids": []int{i, i + 1}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	nonces := map[string]bool{}
	for _, r := range s.requests() {
		nonces[r.Query.Get("oauth_nonce")] = true
	}
	assert.Len(t, nonces, 16, "each request has its own nonce")
}

func TestKaixinStatusErrors(t *testing.T) {
	statuses := []struct {
		status int
		class  snskit.Class
		text   string
	}{
		{400, snskit.ErrBadParams, "bad request or rate limit"},
		{401, snskit.ErrTokenInvalid, "not authenticated"},
		{403, snskit.ErrPermission, "no permission"},
		{404, snskit.ErrNotFound, "no such resource"},
		{500, snskit.ErrServer, "server error"},
		{502, snskit.ErrServer, "api closed or upgrading"},
	}
	for _, st := range statuses {
		bodies := []struct {
			kind string
			rp   reply
		}{
			{"json", reply{Status: st.status, Body: fmt.Sprintf(`{"request":"/friends/me.json","error_code":"%d","error":"kaixin says %d"}`, st.status, st.status)}},
			{"html", reply{Status: st.status, ContentType: "text/html", Body: fmt.Sprintf("<html><head><title>%d Oops</title></head><body><h1>nginx</h1></body></html>", st.status)}},
			{"empty", reply{Status: st.status, ContentType: "text/plain"}},
		}
		for _, b := range bodies {
			t.Run(strconv.Itoa(st.status)+"/"+b.kind, func(t *testing.T) {
				s := newServer(t, func(seen) reply { return b.rp })
				api := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken)))
				_, err := api.Method("friends.me").Do(nil)
				require.Error(t, err)
				var e *snskit.Error
				require.ErrorAs(t, err, &e)
				assert.ErrorIs(t, err, st.class)
				assert.Equal(t, st.class, e.Class)
				assert.Equal(t, st.status, e.HTTPStatus)
				assert.Equal(t, "kaixin", e.Platform)
				assert.Equal(t, "friends.me", e.Method)
				var re *snskit.ReplyError
				assert.False(t, errors.As(err, &re))
				switch b.kind {
				case "json":
					assert.Equal(t, strconv.Itoa(st.status), e.Code)
					assert.Equal(t, fmt.Sprintf("kaixin says %d", st.status), e.Message)
					assert.Equal(t, "/friends/me.json", e.Detail.Get("request").String())
				case "html":
					assert.Equal(t, "http "+strconv.Itoa(st.status), e.Code)
					assert.Equal(t, fmt.Sprintf("%s: %d Oops", st.text, st.status), e.Message)
					assert.False(t, e.Detail.Exists())
				case "empty":
					assert.Equal(t, "http "+strconv.Itoa(st.status), e.Code)
					assert.Equal(t, st.text, e.Message)
				}
			})
		}
	}
}

func TestKaixinErrorCodes(t *testing.T) {
	cases := []struct {
		name   string
		rp     reply
		code   string
		class  snskit.Class
		status int
	}{
		{"400 frequency", reply{Status: 400, Body: `{"error_code":"400","error":"超过请求频率限制","request":"/friends/me.json"}`}, "400", snskit.ErrRateLimited, 400},
		{"400 rate limit", reply{Status: 400, Body: `{"error_code":"400","error":"Rate limit exceeded"}`}, "400", snskit.ErrRateLimited, 400},
		{"400 html frequency", reply{Status: 400, ContentType: "text/html", Body: "<html><title>请求频率过高</title></html>"}, "http 400", snskit.ErrRateLimited, 400},
		{"400 bad param", reply{Status: 400, Body: `{"error_code":"400","error":"参数错误"}`}, "400", snskit.ErrBadParams, 400},
		{"401 expired", reply{Status: 401, Body: `{"error_code":"401","error":"access token expired"}`}, "401", snskit.ErrTokenExpired, 401},
		{"401 过期", reply{Status: 401, Body: `{"error_code":"401","error":"access_token已过期"}`}, "401", snskit.ErrTokenExpired, 401},
		{"error_code at http 200", reply{Body: `{"error_code":"403","error":"没有权限"}`}, "403", snskit.ErrPermission, 200},
		{"numeric error_code", reply{Body: `{"error_code":404,"error":"not found"}`}, "404", snskit.ErrNotFound, 200},
		{"other code, status decides", reply{Status: 403, Body: `{"error_code":"1","error":"x"}`}, "1", snskit.ErrPermission, 403},
		{"other code at 200", reply{Body: `{"error_code":"1","error":"x"}`}, "1", snskit.ErrUnclassified, 200},
		{"503 html", reply{Status: 503, ContentType: "text/html", Body: "<html><body>down</body></html>"}, "http 503", snskit.ErrServer, 503},
		{"500 json without error_code", reply{Status: 500, Body: `{"message":"boom"}`}, "http 500", snskit.ErrServer, 500},
		{"500 truncated json", reply{Status: 500, Body: `{"error_code":"50`}, "http 500", snskit.ErrServer, 500},
		{"429 plain text", reply{Status: 429, ContentType: "text/plain", Body: "slow down"}, "http 429", snskit.ErrRateLimited, 429},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return c.rp })
			api := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken)))
			_, err := api.Method("friends.me").Do(nil)
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, c.code, e.Code)
			assert.Equal(t, c.class, e.Class)
			assert.ErrorIs(t, err, c.class)
			assert.Equal(t, c.status, e.HTTPStatus)
		})
	}
	t.Run("expired is also invalid", func(t *testing.T) {
		s := newServer(t, fixed(`{"error_code":"401","error":"token expired"}`))
		_, err := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken))).Method("users.me").Do(nil)
		assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	})
	t.Run("zero error_code is no error", func(t *testing.T) {
		s := newServer(t, fixed(`{"error_code":0,"result":"1"}`))
		res, err := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken))).Method("users.me").Do(nil)
		require.NoError(t, err)
		assert.Equal(t, "1", res.Get("result").String())
	})
}

func TestKaixinErrorsMaskSecrets(t *testing.T) {
	s := newServer(t, func(sn seen) reply {
		echo := sn.Query.Get("access_token") + " " + sn.Query.Get("oauth_token") + " " + sn.Query.Get("oauth_signature")
		return reply{Status: 401, Body: `{"error_code":"401","error":"bad credential: ` + echo + `"}`}
	})
	_, err := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken))).Method("users.me").Do(nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), kaixinToken)

	_, err = kaixinAPI(t, s, snskit.WithAuth(auth.OAuth1Token("ck", "cs", "user-token-0002", "ts"))).Method("users.me").Do(nil)
	require.Error(t, err)
	sig := s.last(t).Query.Get("oauth_signature")
	require.NotEmpty(t, sig)
	assert.NotContains(t, err.Error(), "user-token-0002")
	assert.NotContains(t, err.Error(), sig)
}

func TestKaixinBrokenRepliesAt200(t *testing.T) {
	cases := []struct {
		name string
		rp   reply
	}{
		{"html page", reply{ContentType: "text/html", Body: "<!DOCTYPE html><html><head><title>开心网</title></head><body>维护中</body></html>"}},
		{"empty", reply{}},
		{"truncated json", reply{Body: `{"users":[{"uid":"47002","name":"刘`}},
		{"plain text", reply{ContentType: "text/plain", Body: "OK"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return c.rp })
			_, err := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken))).Method("friends.me").Do(nil)
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 200, re.HTTPStatus)
			var e *snskit.Error
			assert.False(t, errors.As(err, &e))
		})
	}
	t.Run("body cut short", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"users":[`)
		}))
		t.Cleanup(ts.Close)
		api, err := snskit.New(platforms.Kaixin(), snskit.WithBaseURL(ts.URL), snskit.WithAuth(auth.Token(kaixinToken)))
		require.NoError(t, err)
		_, err = api.Method("friends.me").Do(nil)
		var re *snskit.ReplyError
		require.ErrorAs(t, err, &re)
		assert.Contains(t, re.Reason, "truncated")
	})
}

func TestKaixinDryRunOAuth2(t *testing.T) {
	api, err := snskit.New(platforms.Kaixin(), snskit.WithAuth(auth.Token(kaixinToken)))
	require.NoError(t, err)
	req, err := api.Method("friends.me").Request(context.Background(), snskit.Params{"fields": []string{"uid", "name", "logo50"}, "start": 0, "num": 20})
	require.NoError(t, err)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "https://api.kaixin001.com/friends/me.json", req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
	assert.Equal(t, "access_token="+kaixinToken+"&fields=uid%2Cname%2Clogo50&num=20&start=0", req.URL.RawQuery)
	assert.NotContains(t, driver.RedactURL(req.URL, nil), kaixinToken, "the dry-run URL can be shown once redacted")
}

// A text error page that echoes the request, with the token across the
// point where the message is cut: no part of the token may reach the error.
func TestKaixinTextErrorCutDoesNotSplitASecret(t *testing.T) {
	for pad := 50; pad <= 90; pad += 5 {
		s := newServer(t, func(sn seen) reply {
			return reply{Status: 502, ContentType: "text/plain", Body: strings.Repeat("x", pad) + " access_token=" + sn.Query.Get("access_token") + " refused"}
		})
		_, err := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken))).Method("users.me").Do(nil)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), kaixinToken[:10], "pad %d: %v", pad, err)
	}
}
