// Command quickstart logs in to every platform snskit speaks and makes a few
// calls, with no account and no network:
//
//	go run ./examples/quickstart
//
// It starts the sandbox (snskit's offline emulator of VK, Renren, WeChat, QQ
// and Kaixin001) in-process and, for each platform, runs the login a real
// application runs: it builds the authorize URL, opens it (the program plays
// the user's browser; the sandbox approves at once and redirects to the
// program's own loopback listener, http://127.0.0.1:PORT/callback), checks
// the state that comes back, exchanges the code for a token, and wraps the
// token in a source that refreshes it and hands every new token to a hook.
// Then it calls each platform's API, uploads a photo, and handles a VK
// captcha on purpose. Tokens are printed masked, as anything you log should
// be.
//
// Against the real platforms, drop the sandbox: snskit.WithApp takes your
// application's id and secret, the redirect URL is the one you registered,
// and the user opens the authorize URL in a real browser. The examples next
// to this one (renren, vk, weixin-login, qq, kaixin) do exactly that when
// credentials are in the environment.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"golang.org/x/oauth2"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run starts the sandbox and walks through every platform.
func run(ctx context.Context, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	// A manual clock, shared by the sandbox and the clients, lets the tour
	// skip a month ahead to show a token being refreshed. Your code needs
	// none of it: the clients use the wall clock by default.
	clock := sandbox.NewClock(time.Now())
	s, err := sandbox.New(sandbox.WithClock(clock.Now))
	if err != nil {
		return err
	}
	defer s.Close()
	return tour(ctx, w, s, clock)
}

// tour logs in to each platform of s and calls it.
func tour(ctx context.Context, w io.Writer, s *sandbox.Server, clock *sandbox.Clock) error {
	start := time.Now()
	fmt.Fprintf(w, "snskit quickstart: the sandbox emulates every platform at %s (offline, no account)\n",
		strings.TrimSuffix(s.URL(sandbox.VK), "/"+sandbox.VK))
	fmt.Fprintf(w, "this program plays the user's browser; each login comes back to its own loopback listener (auth.Loopback)\n")
	q := &quickstart{w: w, s: s, clock: clock}
	for _, step := range []func(context.Context) error{q.vk, q.renren, q.weixin, q.qq, q.kaixin} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\ndone in %s. Next: the examples in examples/ and the README's \"Logging in\".\n",
		time.Since(start).Round(time.Millisecond))
	return nil
}

// quickstart is what the steps of the tour share.
type quickstart struct {
	w     io.Writer
	s     *sandbox.Server
	clock *sandbox.Clock
}

// login runs a platform's OAuth 2.0 authorization-code login and returns
// a client that calls the API with the token, and the token's source.
func (q *quickstart) login(ctx context.Context, p snskit.Platform, name string, opts []snskit.AuthOption, scopes ...string) (*snskit.API, *auth.Live, error) {
	app := q.s.App(name) // your application's id and secret on a real platform
	api, err := snskit.New(p, snskit.WithApp(app.ID, app.Secret),
		snskit.WithBaseURL(q.s.URL(name)), snskit.WithClock(q.clock.Now))
	if err != nil {
		return nil, nil, err
	}
	// The program's own redirect address, as a command-line or desktop
	// application has: a listener on a free loopback port.
	lb, err := auth.NewLoopback("")
	if err != nil {
		return nil, nil, err
	}
	defer lb.Close()
	login, err := api.Login(lb.RedirectURL(), scopes...)
	if err != nil {
		return nil, nil, err
	}
	state := auth.NewState() // a web site keeps it in the user's session
	u, err := login.AuthCodeURL(state, opts...)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(q.w, "  %-14s %s\n", "authorize", shorten(u, 76))
	var tok *oauth2.Token
	received := make(chan error, 1)
	go func() {
		received <- lb.Receive(ctx, func(back url.Values) error {
			if err := auth.CheckState(state, back.Get("state")); err != nil {
				return err
			}
			t, err := login.Exchange(ctx, back.Get("code"))
			tok = t
			return err
		})
	}()
	berr := playBrowser(ctx, u)
	if berr != nil {
		lb.Close() // ends Receive if the redirect never came
	}
	if err := <-received; err != nil && !errors.Is(err, auth.ErrLoopbackClosed) {
		return nil, nil, err // the login's own error says more than the page's status
	}
	if berr != nil {
		return nil, nil, berr
	}
	fmt.Fprintf(q.w, "  %-14s code and state received at /callback, state checked, code exchanged\n", "redirect")
	fmt.Fprintf(q.w, "  %-14s %s, %s\n", "token", auth.Mask(tok.AccessToken), lifetime(tok, q.clock.Now()))
	// The source renews the token when it expires (or when the platform
	// refuses it as expired) and hands every new token to the hook: store
	// it there, so that the next run starts from it.
	live := login.TokenSource(tok, auth.OnToken(func(t *oauth2.Token) {
		fmt.Fprintf(q.w, "  %-14s new token %s (%s) handed to auth.OnToken: persist it there\n",
			"refreshed", auth.Mask(t.AccessToken), lifetime(t, q.clock.Now()))
	}))
	client, err := api.With(snskit.WithAuth(auth.TokenSource(live)))
	return client, live, err
}

func (q *quickstart) vk(ctx context.Context) error {
	fmt.Fprintln(q.w, "\n== VK ==")
	vk, live, err := q.login(ctx, platforms.VK(), sandbox.VK, nil, "wall")
	if err != nil {
		return fmt.Errorf("vk: %w", err)
	}
	id, _ := platforms.VKUserID(live.Current()) // VK sends user_id beside the token
	me, err := vk.Method("users.get").DoContext(ctx, snskit.Params{"user_ids": id, "fields": "city"})
	if err != nil {
		return fmt.Errorf("vk users.get: %w", err)
	}
	fmt.Fprintf(q.w, "  %-14s %s %s (id %d)\n", "users.get", me.Get("0.first_name"), me.Get("0.last_name"), me.Get("0.id").Int())

	// The error handled on purpose: VK asks for a captcha now and then
	// (error 14). The sandbox asks for one on the next call.
	q.s.VKRequireCaptcha(1)
	post := snskit.Params{"message": "Hello from the snskit quickstart"}
	res, err := vk.Method("wall.post").DoContext(ctx, post)
	var e *snskit.Error
	if errors.Is(err, snskit.ErrCaptcha) && errors.As(err, &e) {
		fmt.Fprintf(q.w, "  %-14s refused: VK error %s %q, errors.Is(err, snskit.ErrCaptcha)\n", "wall.post", e.Code, e.Message)
		// Show e.Detail.Get("captcha_img") to the user and send what they
		// read; the sandbox's captchas all read sandbox.VKCaptchaAnswer.
		post["captcha_sid"] = e.Detail.Get("captcha_sid").String()
		post["captcha_key"] = sandbox.VKCaptchaAnswer
		fmt.Fprintf(q.w, "  %-14s resent with captcha_sid and the answer to the image\n", "captcha")
		res, err = vk.Method("wall.post").DoContext(ctx, post)
	}
	if err != nil {
		return fmt.Errorf("vk wall.post: %w", err)
	}
	fmt.Fprintf(q.w, "  %-14s posted: post_id %d\n", "wall.post", res.Get("post_id").Int())
	return nil
}

func (q *quickstart) renren(ctx context.Context) error {
	fmt.Fprintln(q.w, "\n== Renren API 2.0 ==")
	rr, live, err := q.login(ctx, platforms.Renren(), sandbox.Renren,
		[]snskit.AuthOption{snskit.AuthParam("x_renew", "true")}, // force_relogin
		"read_user_status", "status_update", "photo_upload")
	if err != nil {
		return fmt.Errorf("renren: %w", err)
	}
	id, _ := platforms.RenrenUser(live.Current()) // Renren sends the user beside the token
	user, err := rr.NS("user").M("get").DoContext(ctx, snskit.Params{"userId": id})
	if err != nil {
		return fmt.Errorf("renren user.get: %w", err)
	}
	fmt.Fprintf(q.w, "  %-14s %s (id %s)\n", "user.get", user.Get("name"), user.Get("id"))

	// A month later the token has expired: the source refreshes it with the
	// refresh token before the call goes out.
	q.clock.Advance(31 * 24 * time.Hour)
	fmt.Fprintf(q.w, "  %-14s the clock skips 31 days: the 30-day token has expired\n", "a month later")
	if _, err := rr.NS("user").NS("login").M("get").DoContext(ctx, nil); err != nil {
		return fmt.Errorf("renren user.login.get after a month: %w", err)
	}
	fmt.Fprintf(q.w, "  %-14s went through with the new token: one refresh, no error for the caller\n", "user.login.get")

	fmt.Fprintln(q.w, "\n== Renren API 1.0 (the same login, a legacy session key) ==")
	app := q.s.App(sandbox.Renren1)
	v1, err := snskit.New(platforms.Renren1(), snskit.WithApp(app.ID, app.Secret),
		snskit.WithBaseURL(q.s.URL(sandbox.Renren1)), snskit.WithClock(q.clock.Now))
	if err != nil {
		return err
	}
	key, err := platforms.RenrenSessionKey(ctx, v1, live.Current().AccessToken) // the refreshed token
	if err != nil {
		return fmt.Errorf("renren session key: %w", err)
	}
	fmt.Fprintf(q.w, "  %-14s %s (from the access token; calls are signed with the app secret)\n", "session key", auth.Mask(key.Key))
	v1, err = v1.With(snskit.WithAuth(key))
	if err != nil {
		return err
	}
	info, err := v1.Method("users.getInfo").DoContext(ctx, nil)
	if err != nil {
		return fmt.Errorf("renren users.getInfo: %w", err)
	}
	fmt.Fprintf(q.w, "  %-14s %s (uid %s)\n", "users.getInfo", info.Get("0.name"), info.Get("0.uid"))
	return nil
}

func (q *quickstart) weixin(ctx context.Context) error {
	fmt.Fprintln(q.w, "\n== WeChat web login ==")
	wx, live, err := q.login(ctx, platforms.Weixin(), sandbox.Weixin, nil, "snsapi_login")
	if err != nil {
		return fmt.Errorf("weixin: %w", err)
	}
	tok := live.Current()
	fmt.Fprintf(q.w, "  %-14s openid %v, unionid %v (the token carries them; calls send the openid)\n", "ids", tok.Extra("openid"), tok.Extra("unionid"))
	user, err := wx.Method("sns.userinfo").DoContext(ctx, snskit.Params{"lang": "zh_CN"})
	if err != nil {
		return fmt.Errorf("weixin sns.userinfo: %w", err)
	}
	fmt.Fprintf(q.w, "  %-14s %s, %s %s\n", "sns.userinfo", user.Get("nickname"), user.Get("province"), user.Get("city"))
	return nil
}

func (q *quickstart) qq(ctx context.Context) error {
	fmt.Fprintln(q.w, "\n== QQ Connect ==")
	qq, live, err := q.login(ctx, platforms.QQ(), sandbox.QQ, nil, "get_user_info", "upload_pic")
	if err != nil {
		return fmt.Errorf("qq: %w", err)
	}
	fmt.Fprintf(q.w, "  %-14s %v (looked up once through /oauth2.0/me)\n", "openid", live.Current().Extra("openid"))
	info, err := qq.Method("user.get_user_info").DoContext(ctx, nil)
	if err != nil {
		return fmt.Errorf("qq get_user_info: %w", err)
	}
	fmt.Fprintf(q.w, "  %-14s %s, %s\n", "get_user_info", info.Get("nickname"), info.Get("gender"))

	pic := tinyPNG(24, 16)
	up, err := qq.Method("photo.upload_pic").DoContext(ctx, snskit.Params{
		"picture": snskit.Upload("hello.png", bytes.NewReader(pic)), "photodesc": "snskit quickstart"})
	if err != nil {
		return fmt.Errorf("qq upload_pic: %w", err)
	}
	fmt.Fprintf(q.w, "  %-14s uploaded a %dx%d PNG (%d bytes) to album %s\n", "upload_pic",
		up.Get("width").Int(), up.Get("height").Int(), up.Get("size").Int(), up.Get("albumid"))
	return nil
}

func (q *quickstart) kaixin(ctx context.Context) error {
	fmt.Fprintln(q.w, "\n== Kaixin001 ==")
	kx, _, err := q.login(ctx, platforms.Kaixin(), sandbox.Kaixin, nil, "basic")
	if err != nil {
		return fmt.Errorf("kaixin: %w", err)
	}
	friends, err := kx.Method("friends.me").DoContext(ctx, snskit.Params{"fields": []string{"uid", "name"}, "start": 0, "num": 3})
	if err != nil {
		return fmt.Errorf("kaixin friends.me: %w", err)
	}
	var names []string
	for _, n := range friends.Get("users.#.name").Array() {
		names = append(names, n.String())
	}
	fmt.Fprintf(q.w, "  %-14s %s friends; the first %d: %s\n", "friends.me", friends.Get("total"), len(names), strings.Join(names, ", "))
	return nil
}

// playBrowser does what the user's browser does: it opens the authorize
// URL, which the sandbox approves at once, and follows the redirect to the
// login's loopback listener, which has handled it by the time the page
// comes back.
func playBrowser(ctx context.Context, authorizeURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authorizeURL, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the login did not complete: the redirect page answered %s", resp.Status)
	}
	return nil
}

// shorten cuts a long URL for display.
func shorten(u string, n int) string {
	if len(u) <= n {
		return u
	}
	return u[:n] + "…"
}

// lifetime says how long a token lives.
func lifetime(t *oauth2.Token, now time.Time) string {
	d := t.Expiry.Sub(now).Round(time.Hour)
	switch {
	case t.Expiry.IsZero():
		return "never expires"
	case d >= 48*time.Hour:
		return fmt.Sprintf("expires in %d days", d/(24*time.Hour))
	default:
		return fmt.Sprintf("expires in %d hours", d/time.Hour)
	}
}

// tinyPNG draws a w×h gradient in memory.
func tinyPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x * 10), uint8(y * 15), 200, 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // writing to memory cannot fail
	return buf.Bytes()
}
