// Command renren is the renrenpy SDK's walk-through in Go: the OAuth 2.0
// login (get_authorize_url, request_access_token), API 2.0 calls
// (client.user.get, client.status.put, a photo upload), the same token on
// API 1.0 (users.getInfo) and as a legacy session key, and the refresh
// (refresh_token), which snskit does by itself when the token expires.
//
//	go run ./examples/renren
//
// With no credentials it starts the built-in sandbox and plays the user's
// browser itself. With your application's credentials in the environment
// it talks to Renren (or to SNSKIT_RENREN_BASE_URL) and starts no sandbox:
//
//	SNSKIT_RENREN_APP_ID         the app key (API Key)
//	SNSKIT_RENREN_APP_SECRET     the app secret (Secret Key)
//	SNSKIT_RENREN_REDIRECT_URI   the redirect URL registered for the app, to log in
//	SNSKIT_RENREN_TOKEN          an access token, to skip the login
//	SNSKIT_RENREN_REFRESH_TOKEN  its refresh token (optional)
//	SNSKIT_RENREN_BASE_URL       one URL standing for all of Renren's hosts (a proxy; optional)
//	SNSKIT_EXAMPLE_WRITE=1       also post a status and upload a photo (the sandbox always does)
//
// To log in, it prints the authorize URL: open it in a browser, approve, and
// paste the address the browser lands on (the redirect URL, with code and
// state). Tokens and secrets are printed masked, never whole.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
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
	err := run(ctx, os.Stdout, os.Stdin, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "renren:", err)
		os.Exit(1)
	}
}

// setup is where the example runs: the sandbox, or Renren with the
// credentials of the environment.
type setup struct {
	appID, appSecret string
	opts             []snskit.Option // base URL, clock
	redirect         string
	token            *oauth2.Token // from the environment; nil: log in
	// browse opens the authorize URL and returns the address the browser
	// lands on.
	browse func(ctx context.Context, authorizeURL string) (*url.URL, error)
	// monthLater moves the sandbox's clock a month ahead; nil on Renren.
	monthLater func()
	write      bool
}

func configure(w io.Writer, in io.Reader, getenv func(string) string) (*setup, func(), error) {
	id, secret := getenv("SNSKIT_RENREN_APP_ID"), getenv("SNSKIT_RENREN_APP_SECRET")
	if id == "" && secret == "" {
		clock := sandbox.NewClock(time.Now())
		s, err := sandbox.New(sandbox.WithClock(clock.Now))
		if err != nil {
			return nil, nil, err
		}
		app := s.App(sandbox.Renren)
		fmt.Fprintf(w, "no SNSKIT_RENREN_APP_ID: running against the built-in sandbox at %s\n", s.URL(sandbox.Renren))
		return &setup{
			appID: app.ID, appSecret: app.Secret,
			opts:     []snskit.Option{snskit.WithBaseURL(s.URL(sandbox.Renren)), snskit.WithClock(clock.Now)},
			redirect: "https://example.com/renren/callback", // your registered address; nothing needs to listen there
			browse:   s.Approve,                             // the sandbox approves at once
			monthLater: func() {
				clock.Advance(31 * 24 * time.Hour)
			},
			write: true,
		}, s.Close, nil
	}
	if id == "" || secret == "" {
		return nil, nil, errors.New("set both SNSKIT_RENREN_APP_ID and SNSKIT_RENREN_APP_SECRET, or neither to use the sandbox")
	}
	cfg := &setup{appID: id, appSecret: secret, redirect: getenv("SNSKIT_RENREN_REDIRECT_URI"),
		browse: askUser(w, bufio.NewReader(in)), write: getenv("SNSKIT_EXAMPLE_WRITE") == "1"}
	if base := getenv("SNSKIT_RENREN_BASE_URL"); base != "" {
		cfg.opts = append(cfg.opts, snskit.WithBaseURL(base))
	}
	if t := getenv("SNSKIT_RENREN_TOKEN"); t != "" {
		cfg.token = &oauth2.Token{AccessToken: t, RefreshToken: getenv("SNSKIT_RENREN_REFRESH_TOKEN")}
	}
	switch {
	case cfg.redirect == "" && cfg.token == nil:
		return nil, nil, errors.New("set SNSKIT_RENREN_REDIRECT_URI to log in, or SNSKIT_RENREN_TOKEN to use a token you have")
	case cfg.redirect == "":
		cfg.redirect = "http://localhost/callback" // only the refresh uses the login, and it sends no redirect URL
	}
	fmt.Fprintf(w, "running against Renren with the application %s\n", id)
	return cfg, func() {}, nil
}

func run(ctx context.Context, w io.Writer, in io.Reader, getenv func(string) string) error {
	cfg, closeSandbox, err := configure(w, in, getenv)
	if err != nil {
		return err
	}
	defer closeSandbox()

	fmt.Fprintln(w, "\n== Login (OAuth 2.0) ==")
	api, err := snskit.New(platforms.Renren(), append([]snskit.Option{snskit.WithApp(cfg.appID, cfg.appSecret)}, cfg.opts...)...)
	if err != nil {
		return err
	}
	login, err := api.Login(cfg.redirect, "read_user_status", "status_update", "photo_upload")
	if err != nil {
		return err
	}
	tok := cfg.token
	if tok == nil {
		if tok, err = logIn(ctx, w, login, cfg.browse); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(w, "token %s from SNSKIT_RENREN_TOKEN\n", auth.Mask(tok.AccessToken))
	}
	// The token source refreshes the token when it expires, or when Renren
	// refuses it as expired (the call is then retried once), and hands every
	// new token to the hook: persist it there.
	live := login.TokenSource(tok, auth.OnToken(func(t *oauth2.Token) {
		fmt.Fprintf(w, "auth.OnToken: new token %s, valid until %s: store it for the next run\n",
			auth.Mask(t.AccessToken), t.Expiry.Format(time.DateOnly))
	}))
	v2, err := api.With(snskit.WithAuth(auth.TokenSource(live)))
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== API 2.0 ==")
	me, err := v2.NS("user").NS("login").M("get").DoContext(ctx, nil)
	if err != nil {
		return fmt.Errorf("user.login.get: %w", err)
	}
	id := me.Get("id").String()
	user, err := v2.NS("user").M("get").DoContext(ctx, snskit.Params{"userId": id})
	if err != nil {
		return fmt.Errorf("user.get: %w", err)
	}
	fmt.Fprintf(w, "user.get       %s (id %s)\n", user.Get("name"), user.Get("id"))
	if cfg.write {
		if _, err := v2.NS("status").M("put").DoContext(ctx, snskit.Params{"content": "test from snskit"}); err != nil {
			return fmt.Errorf("status.put: %w", err)
		}
		fmt.Fprintln(w, "status.put     posted \"test from snskit\"")
		pic := gradientPNG(32, 24)
		photo, err := v2.NS("photo").M("upload").DoContext(ctx, snskit.Params{
			"file": snskit.Upload("test.png", bytes.NewReader(pic)), "description": "uploaded by snskit"})
		if err != nil {
			return fmt.Errorf("photo.upload: %w", err)
		}
		fmt.Fprintf(w, "photo.upload   uploaded test.png (%d bytes) as photo %s in album %s\n",
			len(pic), photo.Get("id"), photo.Get("albumId"))
	}

	fmt.Fprintln(w, "\n== API 1.0 ==")
	v1, err := snskit.New(platforms.Renren1(), append([]snskit.Option{snskit.WithApp(cfg.appID, cfg.appSecret),
		snskit.WithAuth(auth.TokenSource(live))}, cfg.opts...)...) // the same token, signed with the secret
	if err != nil {
		return err
	}
	info, err := v1.Method("users.getInfo").DoContext(ctx, nil)
	if err != nil {
		return fmt.Errorf("users.getInfo: %w", err)
	}
	fmt.Fprintf(w, "users.getInfo  %s (uid %s), with the OAuth 2.0 token\n", info.Get("0.name"), info.Get("0.uid"))
	current, err := live.TokenContext(ctx)
	if err != nil {
		return err
	}
	key, err := platforms.RenrenSessionKey(ctx, v1, current.AccessToken)
	if err != nil {
		return fmt.Errorf("session key: %w", err)
	}
	legacy, err := v1.With(snskit.WithAuth(key))
	if err != nil {
		return err
	}
	who, err := legacy.Method("users.getLoggedInUser").DoContext(ctx, nil)
	if err != nil {
		return fmt.Errorf("users.getLoggedInUser: %w", err)
	}
	fmt.Fprintf(w, "users.getLoggedInUser  uid %s, with the session key %s\n", who.Get("uid"), auth.Mask(key.Key))
	if cfg.write {
		if _, err := legacy.Method("status.set").DoContext(ctx, snskit.Params{"status": "test from snskit (API 1.0)"}); err != nil {
			return fmt.Errorf("status.set: %w", err)
		}
		fmt.Fprintln(w, "status.set     posted with the session key")
	}

	fmt.Fprintln(w, "\n== Refresh ==")
	if cfg.monthLater == nil {
		if tok.Expiry.IsZero() {
			fmt.Fprintln(w, "the token's expiry is unknown: when Renren refuses it as expired, the source refreshes it and retries the call once")
		} else {
			fmt.Fprintf(w, "the token is valid until %s; the source refreshes it then\n", tok.Expiry.Format(time.DateOnly))
		}
		return nil
	}
	cfg.monthLater()
	fmt.Fprintln(w, "a month later, the 30-day token has expired; the next call refreshes it first:")
	again, err := v2.NS("user").NS("login").M("get").DoContext(ctx, nil)
	if err != nil {
		return fmt.Errorf("user.login.get after the refresh: %w", err)
	}
	fmt.Fprintf(w, "user.login.get %s, with the refreshed token\n", again.Get("name"))
	return nil
}

// logIn runs the authorization-code login: the authorize URL (x_renew is
// the seed's force_relogin), the user's approval, the state check and the
// code exchange.
func logIn(ctx context.Context, w io.Writer, login *snskit.Login, browse func(context.Context, string) (*url.URL, error)) (*oauth2.Token, error) {
	state := auth.NewState() // a web site keeps it in the user's session
	u, err := login.AuthCodeURL(state, snskit.AuthParam("x_renew", "true"))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "authorize URL  %s\n", u)
	back, err := browse(ctx, u)
	if err != nil {
		return nil, err
	}
	if err := auth.CheckState(state, back.Query().Get("state")); err != nil {
		return nil, err
	}
	if e := back.Query().Get("error"); e != "" {
		return nil, fmt.Errorf("renren refused the login: %s: %s", e, back.Query().Get("error_description"))
	}
	tok, err := login.Exchange(ctx, back.Query().Get("code"))
	if err != nil {
		return nil, err
	}
	id, name := platforms.RenrenUser(tok)
	fmt.Fprintf(w, "logged in      %s (id %s); state checked; token %s valid until %s, refresh token %s\n",
		name, id, auth.Mask(tok.AccessToken), tok.Expiry.Format(time.DateOnly), auth.Mask(tok.RefreshToken))
	return tok, nil
}

// askUser asks the person at the terminal to open the authorize URL and
// paste the address the browser lands on.
func askUser(w io.Writer, in *bufio.Reader) func(context.Context, string) (*url.URL, error) {
	return func(ctx context.Context, authorizeURL string) (*url.URL, error) {
		fmt.Fprintln(w, "open the authorize URL in a browser, approve, and paste the address the browser lands on:")
		fmt.Fprint(w, "> ")
		line, err := readLine(ctx, in)
		if err != nil {
			return nil, err
		}
		back, err := url.Parse(line)
		if err != nil || back.RawQuery == "" {
			return nil, errors.New("that is not the redirect's address: it has no query with code and state")
		}
		return back, nil
	}
}

// readLine reads a line of in, giving up when ctx is done.
func readLine(ctx context.Context, in *bufio.Reader) (string, error) {
	type answer struct {
		line string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		line, err := in.ReadString('\n')
		got <- answer{line, err}
	}()
	select {
	case a := <-got:
		if a.err != nil && (!errors.Is(a.err, io.EOF) || a.line == "") {
			return "", fmt.Errorf("reading the answer: %w", a.err)
		}
		return strings.TrimSpace(a.line), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// gradientPNG draws a w×h PNG in memory.
func gradientPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 160, 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // writing to memory cannot fail
	return buf.Bytes()
}
