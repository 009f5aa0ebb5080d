package auth_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/snskit/snskit/auth"
)

func TestCredentialFormatting(t *testing.T) {
	const sec = "SECRET-0123456789abcdef"
	o1 := auth.OAuth1Token("ck", sec, "tok", sec)
	sk := auth.Session(sec)
	sv := &auth.Saved{AccessToken: sec}
	fl := &auth.OAuth1Flow{ConsumerKey: "ck", ConsumerSecret: sec}
	cases := map[string]any{
		"%v *OAuth1": o1, "%d *OAuth1": o1, "%v OAuth1 value": *o1,
		"%v *SessionKey": sk, "%d *SessionKey": sk, "%v SessionKey value": *sk,
		"%v *Saved": sv, "%d *Saved": sv, "%+v Saved value": *sv,
		"%v *OAuth1Flow": fl, "%d *OAuth1Flow": fl,
		"%v struct{Cred auth.OAuth1}":  struct{ Cred auth.OAuth1 }{*o1},
		"%v struct{Cred *auth.OAuth1}": struct{ Cred *auth.OAuth1 }{o1},
	}
	for name, v := range cases {
		verb := strings.Fields(name)[0]
		s := fmt.Sprintf(verb, v)
		if strings.Contains(s, sec) {
			t.Errorf("LEAK %-30s -> %s", name, s)
		} else {
			t.Logf("ok   %-30s -> %s", name, s)
		}
	}
}
