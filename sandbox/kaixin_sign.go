package sandbox

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
)

// OAuth 1.0a HMAC-SHA1 signatures (RFC 5849 section 3.4), written here from
// the RFC and independent of snskit's signer.

// kxEncode percent-encodes s as RFC 5849 section 3.6 asks: every byte but
// the unreserved A-Z a-z 0-9 - . _ ~ becomes %XX, upper-case.
func kxEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// kxBaseURI is the base string URI of section 3.4.1.2: scheme and host in
// lower case, the default port dropped, the path as given (an empty path is
// "/"), no query or fragment.
func kxBaseURI(scheme, host, path string) string {
	scheme, host = strings.ToLower(scheme), strings.ToLower(host)
	if scheme == "http" {
		host = strings.TrimSuffix(host, ":80")
	}
	if scheme == "https" {
		host = strings.TrimSuffix(host, ":443")
	}
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// kxBaseString is the signature base string of section 3.4.1:
// METHOD&enc(base URI)&enc(normalized parameters). params must hold every
// query, urlencoded body and Authorization header parameter; oauth_signature
// and realm are left out here.
func kxBaseString(method, baseURI string, params url.Values) string {
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range params {
		if k == "oauth_signature" || k == "realm" {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, pair{kxEncode(k), kxEncode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	norm := make([]string, len(pairs))
	for i, p := range pairs {
		norm[i] = p.k + "=" + p.v
	}
	return strings.ToUpper(method) + "&" + kxEncode(baseURI) + "&" + kxEncode(strings.Join(norm, "&"))
}

// kxHMAC signs a base string with enc(consumer secret)&enc(token secret).
func kxHMAC(base, consumerSecret, tokenSecret string) string {
	mac := hmac.New(sha1.New, []byte(kxEncode(consumerSecret)+"&"+kxEncode(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// kxSignature returns the HMAC-SHA1 signature of a request to rawURL (whose
// query takes part) with the other parameters in params (urlencoded body and
// oauth_* protocol parameters).
func kxSignature(method, rawURL string, params url.Values, consumerSecret, tokenSecret string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	all, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", err
	}
	for k, vs := range params {
		all[k] = append(all[k], vs...)
	}
	base := kxBaseString(method, kxBaseURI(u.Scheme, u.Host, u.EscapedPath()), all)
	return kxHMAC(base, consumerSecret, tokenSecret), nil
}
