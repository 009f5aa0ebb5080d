package snskit

import (
	"github.com/snskit/snskit/auth"
	"golang.org/x/oauth2"
)

// credentialSecrets returns the secrets a credential holds now, to be
// masked in errors beside those a call placed: the access and refresh
// tokens of a source that tells them (auth.Live), a session key, an OAuth
// 1.0a token's secrets. Values under 8 bytes are left out: they were not
// placed on the request, and would mask ordinary words of the message.
func credentialSecrets(c auth.Credential) []string {
	var out []string
	for _, s := range heldSecrets(c) {
		if len(s) >= 8 {
			out = append(out, s)
		}
	}
	return out
}

func heldSecrets(c auth.Credential) []string {
	switch x := c.(type) {
	case *auth.OAuth2:
		if x == nil || x.Source() == nil {
			return nil
		}
		if cur, ok := x.Source().(interface{ Current() *oauth2.Token }); ok {
			if t := cur.Current(); t != nil {
				return []string{t.AccessToken, t.RefreshToken}
			}
		}
	case *auth.SessionKey:
		if x != nil {
			return []string{x.Key}
		}
	case *auth.OAuth1:
		if x != nil {
			return []string{x.ConsumerSecret, x.Token, x.TokenSecret}
		}
	}
	return nil
}
