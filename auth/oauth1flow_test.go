package auth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flowTransport answers every request with status and body and records it.
type flowTransport struct {
	mu     sync.Mutex
	status int
	body   string
	reqs   []*http.Request
	bodies []string
	err    error
}

func (f *flowTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, _ := io.ReadAll(r.Body)
	f.reqs = append(f.reqs, r)
	f.bodies = append(f.bodies, string(b))
	if f.err != nil {
		return nil, f.err
	}
	return &http.Response{StatusCode: f.status, Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body: io.NopCloser(strings.NewReader(f.body)), Request: r}, nil
}

func testFlow(tr *flowTransport, nonce string, ts int64) *auth.OAuth1Flow {
	return &auth.OAuth1Flow{
		ConsumerKey: "ck", ConsumerSecret: "cs",
		RequestTokenURL: "http://api.kaixin001.com/oauth/request_token",
		AuthorizeURL:    "http://api.kaixin001.com/oauth/authorize",
		AccessTokenURL:  "http://api.kaixin001.com/oauth/access_token",
		Callback:        "https://example.test/cb?x=1",
		RequestParams:   url.Values{"scope": {"basic create_records"}},
		HTTPClient:      &http.Client{Transport: tr},
		Now:             func() time.Time { return time.Unix(ts, 0) },
		Nonce:           func() string { return nonce },
	}
}

// oauthHeader parses an "Authorization: OAuth" header.
func oauthHeader(t *testing.T, h string) url.Values {
	t.Helper()
	rest, ok := strings.CutPrefix(h, "OAuth ")
	require.True(t, ok, h)
	v := url.Values{}
	for _, part := range strings.Split(rest, ", ") {
		k, val, ok := strings.Cut(part, "=")
		require.True(t, ok, part)
		val, err := url.PathUnescape(strings.Trim(val, `"`))
		require.NoError(t, err)
		v.Set(k, val)
	}
	return v
}

func TestOAuth1FlowRequestTokenVector(t *testing.T) {
	tr := &flowTransport{status: 200, body: "oauth_token=rtok&oauth_token_secret=rsecret&oauth_callback_confirmed=true"}
	tok, secret, err := testFlow(tr, "n0nce", 1309861543).RequestToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "rtok", tok)
	assert.Equal(t, "rsecret", secret)

	require.Len(t, tr.reqs, 1)
	r := tr.reqs[0]
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "http://api.kaixin001.com/oauth/request_token", r.URL.String())
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	body, err := url.ParseQuery(tr.bodies[0])
	require.NoError(t, err)
	assert.Equal(t, url.Values{"scope": {"basic create_records"}}, body)
	// Computed apart from the client (Python's hmac over the base string
	// POST&http%3A%2F%2Fapi.kaixin001.com%2Foauth%2Frequest_token&oauth_callback%3Dhttps%253A%252F%252Fexample.test%252Fcb%253Fx%253D1%26oauth_consumer_key%3Dck%26oauth_nonce%3Dn0nce%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1309861543%26oauth_version%3D1.0%26scope%3Dbasic%2520create_records
	// with the key "cs&").
	assert.Equal(t, url.Values{
		"oauth_callback": {"https://example.test/cb?x=1"}, "oauth_consumer_key": {"ck"}, "oauth_nonce": {"n0nce"},
		"oauth_signature_method": {"HMAC-SHA1"}, "oauth_timestamp": {"1309861543"}, "oauth_version": {"1.0"},
		"oauth_signature": {"LyIdIKlUMOwpUQNascqHWoW38cw="},
	}, oauthHeader(t, r.Header.Get("Authorization")))

	oob := testFlow(tr, "n1", 1)
	oob.Callback = ""
	_, _, err = oob.RequestToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "oob", oauthHeader(t, tr.reqs[1].Header.Get("Authorization")).Get("oauth_callback"))
}

func TestOAuth1FlowAccessTokenVector(t *testing.T) {
	tr := &flowTransport{status: 200, body: "oauth_token=46765_1_atok&oauth_token_secret=asecret"}
	cred, err := testFlow(tr, "n0nce2", 1309861600).AccessToken(context.Background(), "rtok", "rsecret", "v3rif")
	require.NoError(t, err)
	assert.Equal(t, &auth.OAuth1{ConsumerKey: "ck", ConsumerSecret: "cs", Token: "46765_1_atok", TokenSecret: "asecret"}, cred)
	r := tr.reqs[0]
	assert.Equal(t, "http://api.kaixin001.com/oauth/access_token", r.URL.String())
	assert.Empty(t, tr.bodies[0])
	// Key "cs&rsecret"; base string
	// POST&http%3A%2F%2Fapi.kaixin001.com%2Foauth%2Faccess_token&oauth_consumer_key%3Dck%26oauth_nonce%3Dn0nce2%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1309861600%26oauth_token%3Drtok%26oauth_verifier%3Dv3rif%26oauth_version%3D1.0
	h := oauthHeader(t, r.Header.Get("Authorization"))
	assert.Equal(t, "U1uYW5MIm/XFUQiWo5hqUc2vbAM=", h.Get("oauth_signature"))
	assert.Equal(t, "rtok", h.Get("oauth_token"))
	assert.Equal(t, "v3rif", h.Get("oauth_verifier"))
	assert.False(t, h.Has("oauth_callback"))

	_, err = testFlow(tr, "n", 1).AccessToken(context.Background(), "rtok", "rsecret", "")
	assert.ErrorContains(t, err, "oauth_verifier")
}

func TestOAuth1FlowAuthorizationURL(t *testing.T) {
	f := testFlow(&flowTransport{}, "n", 1)
	u, err := f.AuthorizationURL("r tok")
	require.NoError(t, err)
	assert.Equal(t, "http://api.kaixin001.com/oauth/authorize?oauth_token=r+tok", u)
	f.AuthorizeURL = "https://example.test/authorize?display=page"
	u, err = f.AuthorizationURL("rtok")
	require.NoError(t, err)
	assert.Equal(t, "https://example.test/authorize?display=page&oauth_token=rtok", u)
	_, err = f.AuthorizationURL("")
	assert.Error(t, err)
	f.AuthorizeURL = "/relative"
	_, err = f.AuthorizationURL("rtok")
	assert.ErrorContains(t, err, "not an absolute URL")
}

func TestOAuth1FlowErrorsHideSecrets(t *testing.T) {
	echo := `{"error_code":40104,"error":"invalid signature, key cs-long-secret&rsecret-long, token rtok-long-token, verifier v3rif-verifier"}`
	tr := &flowTransport{status: 401, body: echo}
	f := testFlow(tr, "n", 1)
	f.ConsumerSecret = "cs-long-secret"
	_, err := f.AccessToken(context.Background(), "rtok-long-token", "rsecret-long", "v3rif-verifier")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "http 401")
	for _, s := range []string{"cs-long-secret", "rsecret-long", "rtok-long-token", "v3rif-verifier"} {
		assert.NotContains(t, err.Error(), s)
	}

	var checked string
	want := errors.New("platform error")
	f.CheckReply = func(step string, status int, h http.Header, body []byte) error {
		checked = fmt.Sprint(step, " ", status, " ", string(body))
		return want
	}
	_, err = f.AccessToken(context.Background(), "rtok-long-token", "rsecret-long", "v3rif-verifier")
	assert.ErrorIs(t, err, want)
	assert.Contains(t, checked, "access token 401 ")
	assert.NotContains(t, checked, "v3rif-verifier", "CheckReply sees the body masked")

	for name, tc := range map[string]struct {
		status int
		body   string
		want   string
	}{
		"not a form":       {200, `<html>oops</html>`, "not a form-encoded"},
		"no secret":        {200, `oauth_token=t`, "not a form-encoded"},
		"not confirmed":    {200, `oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=false`, "did not confirm"},
		"server error":     {502, `upgrading`, "http 502"},
		"oversized answer": {200, "oauth_token=" + strings.Repeat("x", 2000) + "&oauth_token_secret=s", "larger than"},
	} {
		t.Run(name, func(t *testing.T) {
			f := testFlow(&flowTransport{status: tc.status, body: tc.body}, "n", 1)
			f.MaxBody = 1024
			_, _, err := f.RequestToken(context.Background())
			assert.ErrorContains(t, err, tc.want)
		})
	}

	down := &flowTransport{err: errors.New("connection refused")}
	_, _, err = testFlow(down, "n", 1).RequestToken(context.Background())
	assert.ErrorContains(t, err, "connection refused")
	var ue *url.Error
	assert.ErrorAs(t, err, &ue)

	_, _, err = (&auth.OAuth1Flow{RequestTokenURL: "http://x.test/rt"}).RequestToken(context.Background())
	assert.ErrorContains(t, err, "ConsumerKey")
	_, _, err = (&auth.OAuth1Flow{ConsumerKey: "ck", RequestTokenURL: "rt"}).RequestToken(context.Background())
	assert.ErrorContains(t, err, "not an absolute URL")
}

func TestOAuth1FlowMasksConsumerSecret(t *testing.T) {
	f := testFlow(&flowTransport{}, "n", 1)
	f.ConsumerSecret = "consumer-secret-value"
	shown := fmt.Sprintf("%v %+v %#v %s %v", f, f, f, *f, *f)
	assert.NotContains(t, shown, "consumer-secret-value")
	assert.Contains(t, shown, "ck")
}

// A reply that echoes the secrets form-encoded ('+', '/', '=' escaped) does
// not show them either.
func TestOAuth1FlowErrorsHideEscapedSecrets(t *testing.T) {
	const secret, verifier = "cs+long/secret==", "v3rif|verifier+1"
	echo := "error=bad&key=" + url.QueryEscape(secret) + "&verifier=" + url.QueryEscape(verifier)
	f := testFlow(&flowTransport{status: 401, body: echo}, "n", 1)
	f.ConsumerSecret = secret
	_, err := f.AccessToken(context.Background(), "rtok-long-token", "rsecret-long", verifier)
	require.ErrorContains(t, err, "http 401")
	for _, s := range []string{secret, verifier} {
		assert.NotContains(t, err.Error(), url.QueryEscape(s))
		assert.NotContains(t, err.Error(), s)
	}
}
