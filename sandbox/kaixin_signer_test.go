package sandbox

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kxTestEscape is the test side's own RFC 3986 encoding, built on
// url.QueryEscape rather than on the sandbox's encoder.
func kxTestEscape(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// kxSigner is the test side's OAuth 1.0a signer, written apart from the
// sandbox's verifier.
type kxSigner struct {
	key, secret, token, tokenSecret string
	nonce                           string // "" means a fresh one per request
	ts                              int64
}

var kxNonceSeq struct {
	sync.Mutex
	n int
}

// sign returns the oauth_* parameters, signature included, for a request to
// rawURL (query included) with the urlencoded body params form.
func (o kxSigner) sign(method, rawURL string, form url.Values, extra map[string]string) map[string]string {
	nonce := o.nonce
	if nonce == "" {
		kxNonceSeq.Lock()
		kxNonceSeq.n++
		nonce = fmt.Sprintf("nonce%06d", kxNonceSeq.n)
		kxNonceSeq.Unlock()
	}
	op := map[string]string{
		"oauth_consumer_key": o.key, "oauth_nonce": nonce, "oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp": strconv.FormatInt(o.ts, 10), "oauth_version": "1.0",
	}
	if o.token != "" {
		op["oauth_token"] = o.token
	}
	for k, v := range extra {
		op[k] = v
	}
	u, _ := url.Parse(rawURL)
	var pairs [][2]string
	add := func(k, v string) { pairs = append(pairs, [2]string{kxTestEscape(k), kxTestEscape(v)}) }
	for k, vs := range u.Query() {
		for _, v := range vs {
			add(k, v)
		}
	}
	for k, vs := range form {
		for _, v := range vs {
			add(k, v)
		}
	}
	for k, v := range op {
		add(k, v)
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	joined := make([]string, len(pairs))
	for i, p := range pairs {
		joined[i] = p[0] + "=" + p[1]
	}
	base := method + "&" + kxTestEscape(u.Scheme+"://"+u.Host+u.Path) + "&" + kxTestEscape(strings.Join(joined, "&"))
	mac := hmac.New(sha1.New, []byte(kxTestEscape(o.secret)+"&"+kxTestEscape(o.tokenSecret)))
	mac.Write([]byte(base))
	op["oauth_signature"] = base64.StdEncoding.EncodeToString(mac.Sum(nil))
	return op
}

func kxHeader(op map[string]string) string {
	var parts []string
	for k, v := range op {
		parts = append(parts, kxTestEscape(k)+`="`+kxTestEscape(v)+`"`)
	}
	sort.Strings(parts)
	return `OAuth realm="kaixin", ` + strings.Join(parts, ", ")
}

func TestKaixinSignatureReferenceVector(t *testing.T) {
	params := url.Values{"oauth_consumer_key": {"ck"}, "oauth_nonce": {"n"}, "oauth_signature_method": {"HMAC-SHA1"},
		"oauth_timestamp": {"1"}, "oauth_token": {"tk"}, "oauth_version": {"1.0"}}
	sig, err := kxSignature("GET", "https://api.kaixin001.com/users/me.json?fields=uid,name", params, "cs", "ts")
	require.NoError(t, err)
	assert.Equal(t, "Zqluy7e80d2iurVHIi96va2jUnw=", sig)

	// the same through the test signer, which shares no code with the sandbox
	op := kxSigner{key: "ck", secret: "cs", token: "tk", tokenSecret: "ts", nonce: "n", ts: 1}.
		sign("GET", "https://api.kaixin001.com/users/me.json?fields=uid,name", nil, nil)
	assert.Equal(t, "Zqluy7e80d2iurVHIi96va2jUnw=", op["oauth_signature"])

	// the base URI drops default ports and lower-cases scheme and host
	sig, err = kxSignature("GET", "HTTPS://API.Kaixin001.com:443/users/me.json?fields=uid,name", params, "cs", "ts")
	require.NoError(t, err)
	assert.Equal(t, "Zqluy7e80d2iurVHIi96va2jUnw=", sig)

	for in, want := range map[string]string{
		"Ladies + Gentlemen": "Ladies%20%2B%20Gentlemen", "An encoded string!": "An%20encoded%20string%21",
		"Dogs, Cats & Mice": "Dogs%2C%20Cats%20%26%20Mice", "☃": "%E2%98%83", "-._~*": "-._~%2A",
	} {
		assert.Equal(t, want, kxEncode(in), "kxEncode(%q)", in)
		assert.Equal(t, want, kxTestEscape(in), "kxTestEscape(%q)", in)
	}
}

// TestKaixinBaseStringRFC5849 checks how the verifier gathers parameters
// from a request (header, query and urlencoded body), on the example of
// RFC 5849 section 3.4.1.1.
func TestKaixinBaseStringRFC5849(t *testing.T) {
	req := kxNewRequest(t, "POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", `OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", `+
		`oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", `+
		`oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"`)
	req.RequestURI = "/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"
	req.Host = "example.com"
	req.PostForm = url.Values{"c2": {""}, "a3": {"2 q"}}
	o, prob, ok := kxReadOAuth(req)
	require.True(t, ok)
	require.Nil(t, prob)
	assert.Equal(t, "bYT5CMsGcbgUdFHObYMEfcx6bsw=", o.protocol.Get("oauth_signature"))
	assert.False(t, o.protocol.Has("realm"))
	want := "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
	assert.Equal(t, want, kxBaseString(req.Method, o.baseURI, o.params))

	// a multipart body takes no part in the signature
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	o, _, _ = kxReadOAuth(req)
	assert.False(t, o.params.Has("c2"))
}
