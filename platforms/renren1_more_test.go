package platforms_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenren1TokenStaysInBody(t *testing.T) {
	const tok = "renren1-access-token-0123456789"
	s := newServer(t, fixed(`{}`))
	api := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token(tok)))
	_, err := api.NS("users").M("getInfo").Do(nil)
	require.NoError(t, err)
	got := s.last(t)
	assert.Equal(t, tok, got.Form.Get("access_token"))
	assert.Empty(t, got.Query)
	assert.Empty(t, got.Header.Get("Authorization"))

	_, err = api.NS("users").M("getInfo").WithVerb(http.MethodGet).Do(nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "do not force GET")
	assert.Len(t, s.requests(), 1, "the forced GET was not sent")
}

func TestRenren1CallOwnCredential(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	bare := renren1API(t, platforms.Renren1(), s)
	_, err := bare.NS("users").M("getInfo").Do(snskit.Params{"access_token": "own-token-1234567890"})
	require.NoError(t, err)
	assert.Equal(t, "own-token-1234567890", s.last(t).Form.Get("access_token"))

	withApp := renren1API(t, platforms.Renren1(), s, snskit.WithApp("key", "s3cret"))
	_, err = withApp.NS("users").M("getInfo").Do(snskit.Params{"session_key": "own-session-123456"})
	require.NoError(t, err)
	got := s.last(t).Form
	assert.Equal(t, "own-session-123456", got.Get("session_key"))
	assert.Equal(t, "key", got.Get("api_key"))
	assert.NotEmpty(t, got.Get("sig"), "session-key calls are signed")
}

func TestRenren1CredentialErrorsSendNothing(t *testing.T) {
	cases := []struct {
		name string
		opts []snskit.Option
		want string
	}{
		{"missing", nil, "snskit.WithAuth"},
		{"session key without app", []snskit.Option{snskit.WithAuth(auth.Session(renren1SessionKey))}, "snskit.WithApp"},
		{"session key without secret", []snskit.Option{snskit.WithAuth(auth.Session(renren1SessionKey)), snskit.WithApp("key", "")}, "must be signed"},
		{"empty session key", []snskit.Option{snskit.WithAuth(auth.Session("")), snskit.WithApp("key", "s")}, "session key is empty"},
		{"oauth1", []snskit.Option{snskit.WithAuth(auth.OAuth1Token("ck", "cs", "tk", "ts"))}, "cannot use the credential given (oauth1 token)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, fixed(`{}`))
			_, err := renren1API(t, platforms.Renren1(), s, c.opts...).NS("users").M("getInfo").Do(nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "snskit: renren1 users.getInfo:")
			assert.NotContains(t, err.Error(), renren1SessionKey)
			assert.Empty(t, s.requests(), "nothing may be sent")
		})
	}
}

func TestRenren1PhotoUpload(t *testing.T) {
	s := newServer(t, fixed(`{"pid":1,"aid":2,"src":"http://fmn.rrimg.com/x.jpg"}`))
	api := renren1API(t, platforms.Renren1(), s,
		snskit.WithAuth(auth.Token("tok")), snskit.WithApp("key", "s3cret"), renren1Clock(1700000000000))
	res, err := api.NS("photos").M("upload").Do(snskit.Params{
		"upload":  snskit.Upload("test.png", strings.NewReader("\x89PNG image bytes")),
		"caption": "猫",
	})
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Get("pid").Int())

	got := s.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/renren1/restserver.do", got.Path)
	assert.True(t, strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/form-data"))
	require.Contains(t, got.Files, "upload")
	assert.Equal(t, "test.png", got.Files["upload"].Name)
	assert.Equal(t, "\x89PNG image bytes", got.Files["upload"].Content)
	assert.Equal(t, "photos.upload", got.Form.Get("method"))
	assert.Equal(t, "猫", got.Form.Get("caption"))
	assert.Equal(t, "tok", got.Form.Get("access_token"))
	assert.Empty(t, got.Query)
	// The file is not signed: md5 of
	// "access_token=tokcall_id=1700000000000caption=猫format=JSONmethod=photos.uploadv=1.0s3cret".
	assert.Equal(t, "b58b1d230a915f5e5ccf12459067280d", got.Form.Get("sig"))
}

func TestRenren1UploadWrongFieldFailsBeforeSending(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	api := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok")))
	_, err := api.NS("photos").M("upload").Do(snskit.Params{"file": snskit.Upload("a.png", strings.NewReader("x"))})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"upload"`)
	assert.Empty(t, s.requests())
}

func TestRenren1ErrorCodes(t *testing.T) {
	cases := []struct {
		code  string
		class snskit.Class
	}{
		{"1", snskit.ErrServer},
		{"2", snskit.ErrServer},
		{"3", snskit.ErrNotFound},
		{"4", snskit.ErrRateLimited},
		{"5", snskit.ErrPermission},
		{"9", snskit.ErrRateLimited},
		{"10", snskit.ErrPermission},
		{"100", snskit.ErrBadParams},
		{"101", snskit.ErrBadParams},
		{"102", snskit.ErrTokenInvalid},
		{"103", snskit.ErrBadParams},
		{"104", snskit.ErrBadParams},
		{"110", snskit.ErrBadParams},
		{"200", snskit.ErrPermission},
		{"210", snskit.ErrPermission},
		{"450", snskit.ErrTokenExpired},
		{"451", snskit.ErrTokenInvalid},
		{"452", snskit.ErrTokenInvalid},
		{"453", snskit.ErrTokenInvalid},
		{"455", snskit.ErrTokenInvalid},
		{"20001", snskit.ErrUnclassified},
		{`"450"`, snskit.ErrTokenExpired}, // codes may come quoted
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			body := `{"error_code":` + c.code + `,"error_msg":"msg ` + strings.Trim(c.code, `"`) + `","request_args":[{"key":"method","value":"users.getInfo"}]}`
			s := newServer(t, fixed(body))
			_, err := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok"))).NS("users").M("getInfo").Do(nil)
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "renren1", e.Platform)
			assert.Equal(t, "users.getInfo", e.Method)
			code := strings.Trim(c.code, `"`)
			assert.Equal(t, code, e.Code)
			assert.Equal(t, "msg "+code, e.Message)
			assert.Equal(t, c.class, e.Class)
			assert.ErrorIs(t, err, c.class)
			if c.class == snskit.ErrTokenExpired {
				assert.ErrorIs(t, err, snskit.ErrTokenInvalid, "an expired session is an invalid one")
			}
			assert.Equal(t, "users.getInfo", e.Detail.Get("request_args.0.value").String(), "Detail is the whole error reply")
			assert.Equal(t, 200, e.HTTPStatus)
		})
	}
}

func TestRenren1Results(t *testing.T) {
	cases := []struct {
		body string
		path string
		want string
	}{
		{`[{"uid":262156164,"name":"张三"}]`, "0.name", "张三"},
		{`{"result":1}`, "result", "1"},
		{`{"error_code":0,"result":1}`, "result", "1"}, // error_code 0 is no error
		{`1`, "", "1"},
	}
	for _, c := range cases {
		s := newServer(t, fixed(c.body))
		res, err := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok"))).NS("users").M("getInfo").Do(nil)
		require.NoError(t, err, c.body)
		if c.path != "" {
			res = res.Get(c.path)
		}
		assert.Equal(t, c.want, res.String(), c.body)
	}
}

func TestRenren1BadReplies(t *testing.T) {
	cases := []struct {
		name string
		rp   reply
		want string
	}{
		{"html 502", reply{Status: 502, ContentType: "text/html", Body: "<html><title>502 Bad Gateway</title></html>"}, "HTML"},
		{"xml format", reply{Body: `<?xml version="1.0"?><users_getInfo_response/>`}, "HTML or XML"},
		{"truncated", reply{Body: `[{"uid":1,"name":"`}, "not complete JSON"},
		{"empty", reply{Body: "  "}, "empty reply"},
		{"json at 500", reply{Status: 500, Body: `{"message":"oops"}`}, "without a Renren error_code"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return c.rp })
			_, err := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok"))).NS("users").M("getInfo").Do(nil)
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, re.Reason, c.want)
			assert.Equal(t, "renren1", re.Platform)
		})
	}
}

func TestRenren1DryRun(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	api := renren1API(t, platforms.Renren1(), s,
		snskit.WithAuth(auth.Token("tok")), snskit.WithApp("key", "secret"), renren1Clock(1))
	req, err := api.NS("users").M("getInfo").Request(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, s.URL+"/renren1/restserver.do", req.URL.String())
	assert.Equal(t, "application/x-www-form-urlencoded", req.Header.Get("Content-Type"))
	b, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	form, err := url.ParseQuery(string(b))
	require.NoError(t, err)
	assert.Equal(t, "08f9047634a42fd001c9196c04a48dc5", form.Get("sig"))
	assert.Equal(t, "1", form.Get("call_id"))
	assert.Empty(t, s.requests(), "a dry run sends nothing")
}

func TestRenren1DefaultHost(t *testing.T) {
	api, err := snskit.New(platforms.Renren1(), snskit.WithAuth(auth.Token("tok")))
	require.NoError(t, err)
	req, err := api.NS("users").M("getInfo").Request(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "https://api.renren.com/restserver.do", req.URL.String())
	assert.Equal(t, platforms.Renren1APIURL, req.URL.String())
}
