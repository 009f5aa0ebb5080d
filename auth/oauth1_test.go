package auth

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOAuth1SignKaixinVector(t *testing.T) {
	// PLATFORMS.md: GET users/me.json, fields=uid,name, ck/cs, tk/ts, nonce n, timestamp 1.
	u, err := url.Parse("https://api.kaixin001.com/users/me.json?fields=uid,name")
	require.NoError(t, err)
	c := OAuth1Token("ck", "cs", "tk", "ts")
	got := c.Sign("GET", u, nil, 1, "n", nil)
	assert.Equal(t, "Zqluy7e80d2iurVHIi96va2jUnw=", got.Get("oauth_signature"))
	assert.Equal(t, "HMAC-SHA1", got.Get("oauth_signature_method"))
	assert.Equal(t, "tk", got.Get("oauth_token"))
	assert.Equal(t, "1.0", got.Get("oauth_version"))

	// The same parameters passed as params rather than in the URL sign alike.
	u2, _ := url.Parse("https://api.kaixin001.com/users/me.json")
	got2 := c.Sign("GET", u2, url.Values{"fields": {"uid,name"}}, 1, "n", nil)
	assert.Equal(t, got.Get("oauth_signature"), got2.Get("oauth_signature"))
}

func TestOAuth1SignTwitterVector(t *testing.T) {
	// The worked example of Twitter's "Creating a signature" guide, widely
	// used as an RFC 5849 reference vector.
	u, _ := url.Parse("https://api.twitter.com/1.1/statuses/update.json?include_entities=true")
	c := OAuth1Token("xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
		"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
	body := url.Values{"status": {"Hello Ladies + Gentlemen, a signed OAuth request!"}}
	got := c.Sign("POST", u, body, 1318622958, "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", nil)
	assert.Equal(t, "hCtSmYh+iHYCEqBWrE7C7hYmtUk=", got.Get("oauth_signature"))
}

func TestSignatureBaseNormalizes(t *testing.T) {
	u, _ := url.Parse("HTTP://Example.COM:80/a%20b?b=2&a=1&a=0")
	base := SignatureBase("get", u, url.Values{"c": {"x y"}}, url.Values{"oauth_signature": {"drop"}})
	assert.Equal(t, "GET&http%3A%2F%2Fexample.com%2Fa%2520b&a%3D0%26a%3D1%26b%3D2%26c%3Dx%2520y", base)
}

func TestPercentEncode(t *testing.T) {
	assert.Equal(t, "abc-._~", PercentEncode("abc-._~"))
	assert.Equal(t, "a%20b%2B%2A%E4%B8%AD", PercentEncode("a b+*中"))
}

func TestAuthorizationHeader(t *testing.T) {
	h := AuthorizationHeader(url.Values{"oauth_nonce": {"n n"}, "oauth_consumer_key": {"ck"}})
	assert.Equal(t, `OAuth oauth_consumer_key="ck", oauth_nonce="n%20n"`, h)
}
