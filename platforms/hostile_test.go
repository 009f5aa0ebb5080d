package platforms_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileBodies are replies nested millions of levels deep, each about 6 MB
// (under the 16 MiB default body limit). gjson.Valid recursed once per
// level on them until the process died of a stack overflow.
func hostileBodies() map[string]string {
	const n = 6_000_000
	return map[string]string{
		"brackets":            strings.Repeat("[", n),
		"objects":             strings.Repeat(`{"a":`, n/5),
		"mix":                 strings.Repeat(`[{"a":[`, n/7),
		"inside the envelope": `{"response":` + strings.Repeat("[", n),
	}
}

// hostileServer answers every request with body, with a Content-Length or
// chunked.
func hostileServer(t *testing.T, body string, length bool) string {
	t.Helper()
	b := []byte(body)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if length {
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// assertRefused checks that err is a *snskit.ReplyError about the nesting:
// snskit's own limit, or encoding/json's in the token answers x/oauth2
// reads.
func assertRefused(t *testing.T, err error) {
	t.Helper()
	var re *snskit.ReplyError
	require.True(t, errors.As(err, &re), "want a *snskit.ReplyError, got %T: %v", err, err)
	if !strings.Contains(err.Error(), "deeper than 10,000 levels") && !strings.Contains(err.Error(), "exceeded max depth") {
		t.Errorf("the error does not say the reply nests too deep: %.300v", err)
	}
	assert.Less(t, len(err.Error()), 500, "the error quotes only the start of the body")
}

// TestHostileNesting serves millions of nested brackets to every
// platform's calls and logins: each gives a *snskit.ReplyError, within a
// second (the calls' deadline; ten under the race detector), and the
// process lives.
func TestHostileNesting(t *testing.T) {
	type call func(ctx context.Context, base string) error
	api := func(t *testing.T, p snskit.Platform, base string, opts ...snskit.Option) *snskit.API {
		a, err := snskit.New(p, append([]snskit.Option{snskit.WithBaseURL(base)}, opts...)...)
		require.NoError(t, err)
		return a
	}
	exchange := func(t *testing.T, p snskit.Platform) call {
		return func(ctx context.Context, base string) error {
			l, err := api(t, p, base, snskit.WithApp("app-id", "app-secret-0123")).Login("https://example.com/cb")
			require.NoError(t, err)
			_, err = l.Exchange(ctx, "the-code-0123")
			return err
		}
	}
	calls := map[string]func(t *testing.T) call{
		"vk users.get": func(t *testing.T) call {
			return func(ctx context.Context, base string) error {
				_, err := api(t, platforms.VK(), base, snskit.WithAuth(auth.Token("tok-0123"))).NS("users").M("get").DoContext(ctx, nil)
				return err
			}
		},
		"renren user.get": func(t *testing.T) call {
			return func(ctx context.Context, base string) error {
				_, err := api(t, platforms.Renren(), base, snskit.WithAuth(auth.Token("tok-0123"))).NS("user").M("get").DoContext(ctx, nil)
				return err
			}
		},
		"renren1 users.getInfo": func(t *testing.T) call {
			return func(ctx context.Context, base string) error {
				_, err := api(t, platforms.Renren1(), base, snskit.WithAuth(auth.Token("tok-0123")), snskit.WithApp("key", "secret-0123")).
					NS("users").M("getInfo").DoContext(ctx, nil)
				return err
			}
		},
		"weixin sns.userinfo": func(t *testing.T) call {
			return func(ctx context.Context, base string) error {
				_, err := api(t, platforms.Weixin(), base, snskit.WithAuth(auth.Token("tok-0123").WithOpenID("o1"))).
					NS("sns").M("userinfo").DoContext(ctx, nil)
				return err
			}
		},
		"qq user.get_user_info": func(t *testing.T) call {
			return func(ctx context.Context, base string) error {
				_, err := api(t, platforms.QQ(), base, snskit.WithApp("100", "key-0123"), snskit.WithAuth(auth.Token("tok-0123").WithOpenID("O1"))).
					NS("user").M("get_user_info").DoContext(ctx, nil)
				return err
			}
		},
		"kaixin users.me": func(t *testing.T) call {
			return func(ctx context.Context, base string) error {
				_, err := api(t, platforms.Kaixin(), base, snskit.WithAuth(auth.Token("tok-0123"))).NS("users").M("me").DoContext(ctx, nil)
				return err
			}
		},
		"qq openid (JSONP)": func(t *testing.T) call {
			return func(ctx context.Context, base string) error {
				_, _, err := platforms.QQOpenID(ctx, api(t, platforms.QQ(), base, snskit.WithApp("100", "key-0123")), "tok-0123")
				return err
			}
		},
		"vk service token": func(t *testing.T) call {
			return func(ctx context.Context, base string) error {
				_, err := platforms.VKServiceToken(ctx, api(t, platforms.VK(), base, snskit.WithApp("1", "app-secret-0123")))
				return err
			}
		},
		"renren session key": func(t *testing.T) call {
			return func(ctx context.Context, base string) error {
				_, err := platforms.RenrenSessionKey(ctx, api(t, platforms.Renren(), base, snskit.WithApp("1", "app-secret-0123")), "tok-0123")
				return err
			}
		},
		"vk exchange":     func(t *testing.T) call { return exchange(t, platforms.VK()) },
		"renren exchange": func(t *testing.T) call { return exchange(t, platforms.Renren()) },
		"kaixin exchange": func(t *testing.T) call { return exchange(t, platforms.Kaixin()) },
		"weixin exchange": func(t *testing.T) call { return exchange(t, platforms.Weixin()) },
		"qq exchange":     func(t *testing.T) call { return exchange(t, platforms.QQ()) },
	}
	for shape, body := range hostileBodies() {
		for _, length := range []bool{true, false} {
			if !length && shape != "brackets" {
				continue // chunked once is enough
			}
			base := hostileServer(t, body, length)
			for name, mk := range calls {
				t.Run(shape+"/"+name+"/length="+strconv.FormatBool(length), func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), raceSlow*time.Second)
					defer cancel()
					err := mk(t)(ctx, base)
					require.NoError(t, ctx.Err(), "the call took its whole deadline")
					assertRefused(t, err)
				})
			}
		}
	}
}

// TestDeepTokenAnswer: a token answer nested just under the limit, with a
// big value at the bottom, is read in time linear in its size (gjson's
// Value would scan the 1 MB once per level: minutes, not the seconds of the
// deadline).
func TestDeepTokenAnswer(t *testing.T) {
	const depth = 9990
	body := `{"access_token":"tok-0123","expires_in":7200,"openid":"o1","deep":` + strings.Repeat("[", depth) +
		`"` + strings.Repeat("x", 1<<20) + `"` + strings.Repeat("]", depth) + `}`
	for _, p := range []snskit.Platform{platforms.Weixin(), platforms.QQ()} {
		t.Run(p.Name(), func(t *testing.T) {
			a, err := snskit.New(p, snskit.WithBaseURL(hostileServer(t, body, true)), snskit.WithApp("app-id", "app-secret-0123"))
			require.NoError(t, err)
			l, err := a.Login("https://example.com/cb")
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 5*raceSlow*time.Second)
			defer cancel()
			var opts []snskit.AuthOption
			if p.Name() == "qq" {
				opts = append(opts, snskit.AuthParam("fmt", "json"))
			}
			tok, err := l.Exchange(ctx, "the-code-0123", opts...)
			require.NoError(t, ctx.Err(), "the exchange took its whole deadline")
			require.NoError(t, err)
			assert.Equal(t, "tok-0123", tok.AccessToken)
			assert.IsType(t, []any{}, tok.Extra("deep"))
		})
	}
}
