package auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// OAuth1 is an OAuth 1.0a credential: the application's consumer key and
// secret with a user's token and token secret. Token and TokenSecret are
// empty while asking for a request token.
type OAuth1 struct {
	ConsumerKey    string
	ConsumerSecret string
	Token          string
	TokenSecret    string
}

// OAuth1Token returns an OAuth 1.0a credential.
func OAuth1Token(consumerKey, consumerSecret, token, tokenSecret string) *OAuth1 {
	return &OAuth1{ConsumerKey: consumerKey, ConsumerSecret: consumerSecret, Token: token, TokenSecret: tokenSecret}
}

// Kind implements Credential.
func (c *OAuth1) Kind() string { return "oauth1 token" }

// String masks the secrets and the token.
func (c OAuth1) String() string {
	return "auth.OAuth1{consumer: " + c.ConsumerKey + ", token: " + Mask(c.Token) + "}"
}

// GoString masks the secrets and the token.
func (c OAuth1) GoString() string { return c.String() }

// Format prints String whatever the verb.
func (c OAuth1) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// Sign returns the oauth_* protocol parameters, oauth_signature included, for
// a request (RFC 5849, HMAC-SHA1). u is the URL as it will be sent: its query
// takes part in the signature and its fragment is ignored. params are the
// other request parameters that the signature covers: the form-urlencoded
// body, never a multipart body. extra are protocol parameters to add, such as
// oauth_callback or oauth_verifier. timestamp and nonce are taken as given, so
// signatures are reproducible in tests.
func (c *OAuth1) Sign(method string, u *url.URL, params url.Values, timestamp int64, nonce string, extra map[string]string) url.Values {
	oauth := url.Values{
		"oauth_consumer_key":     {c.ConsumerKey},
		"oauth_nonce":            {nonce},
		"oauth_signature_method": {"HMAC-SHA1"},
		"oauth_timestamp":        {strconv.FormatInt(timestamp, 10)},
		"oauth_version":          {"1.0"},
	}
	if c.Token != "" {
		oauth.Set("oauth_token", c.Token)
	}
	for k, v := range extra {
		oauth.Set(k, v)
	}
	base := SignatureBase(method, u, params, oauth)
	mac := hmac.New(sha1.New, []byte(PercentEncode(c.ConsumerSecret)+"&"+PercentEncode(c.TokenSecret)))
	mac.Write([]byte(base))
	oauth.Set("oauth_signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return oauth
}

// AuthorizationHeader formats signed protocol parameters as an
// "Authorization: OAuth ..." header value.
func AuthorizationHeader(oauth url.Values) string {
	keys := make([]string, 0, len(oauth))
	for k := range oauth {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("OAuth ")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(PercentEncode(k))
		b.WriteString(`="`)
		b.WriteString(PercentEncode(oauth.Get(k)))
		b.WriteByte('"')
	}
	return b.String()
}

// SignatureBase returns the RFC 5849 signature base string:
// METHOD&enc(base URI)&enc(normalized parameters), where the parameters are
// u's query, params and oauth, each name and value percent-encoded, sorted by
// name then value.
func SignatureBase(method string, u *url.URL, params, oauth url.Values) string {
	type pair struct{ k, v string }
	var pairs []pair
	add := func(vs url.Values) {
		for k, list := range vs {
			if k == "oauth_signature" {
				continue
			}
			for _, v := range list {
				pairs = append(pairs, pair{PercentEncode(k), PercentEncode(v)})
			}
		}
	}
	add(u.Query())
	add(params)
	add(oauth)
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var norm strings.Builder
	for i, p := range pairs {
		if i > 0 {
			norm.WriteByte('&')
		}
		norm.WriteString(p.k)
		norm.WriteByte('=')
		norm.WriteString(p.v)
	}
	return strings.ToUpper(method) + "&" + PercentEncode(baseURI(u)) + "&" + PercentEncode(norm.String())
}

// baseURI is scheme://host[:port]/path with the scheme and host lowercased
// and the default port dropped (RFC 5849 section 3.4.1.2).
func baseURI(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && !(scheme == "http" && p == "80") && !(scheme == "https" && p == "443") {
		host += ":" + p
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// PercentEncode encodes s as RFC 3986 section 2.1 with only the unreserved
// characters (ALPHA, DIGIT, "-", ".", "_", "~") left as they are, which is
// what OAuth 1.0a signs.
func PercentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
