package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
)

// NewState returns a fresh OAuth state value: 32 bytes from crypto/rand,
// base64url-encoded. Keep it (in the user's session) and compare the value
// the platform sends back with CheckState.
func NewState() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// CheckState compares the state sent with the authorize URL and the state
// the redirect brought back, in constant time. It returns an error that
// says which is wrong, never echoing either value.
func CheckState(sent, got string) error {
	if sent == "" {
		return errors.New("auth: no state was kept for this login; start it again")
	}
	if got == "" {
		return errors.New("auth: the redirect carries no state; the login was not started here")
	}
	if subtle.ConstantTimeCompare([]byte(sent), []byte(got)) != 1 {
		return errors.New("auth: the redirect's state does not match the one sent; refusing the login (possible CSRF)")
	}
	return nil
}

// PKCE is an RFC 7636 proof key: the verifier stays with the client, the
// S256 challenge goes in the authorize URL.
type PKCE struct {
	Verifier string
}

// NewPKCE returns a fresh verifier of 32 random bytes, base64url-encoded
// (43 characters, within RFC 7636's 43 to 128).
func NewPKCE() PKCE {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return PKCE{Verifier: base64.RawURLEncoding.EncodeToString(b[:])}
}

// Challenge returns the S256 code challenge: base64url(sha256(verifier)).
func (p PKCE) Challenge() string {
	sum := sha256.Sum256([]byte(p.Verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Method returns "S256", the code_challenge_method.
func (p PKCE) Method() string { return "S256" }
