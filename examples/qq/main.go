// Command qq logs in to QQ Connect (QQ互联) and calls the APIs of the seed's
// list: the OAuth 2.0 login, the user's openid, get_user_info, list_album
// and upload_pic.
//
//	go run ./examples/qq
//
// With no credentials it starts the built-in sandbox and plays the user's
// browser itself. With your application's credentials in the environment
// it talks to QQ (or to SNSKIT_QQ_BASE_URL) and starts no sandbox:
//
//	SNSKIT_QQ_APP_ID        the application's APP ID
//	SNSKIT_QQ_APP_KEY       its APP Key
//	SNSKIT_QQ_REDIRECT_URI  the callback address registered with QQ Connect, to log in
//	SNSKIT_QQ_TOKEN         an access token, to skip the login (its openid is looked up)
//	SNSKIT_QQ_BASE_URL      one URL standing for graph.qq.com (a proxy; optional)
//	SNSKIT_EXAMPLE_WRITE=1  also upload a photo to the user's album (the sandbox always does)
//
// To log in, it prints the authorize URL: open it in a browser, approve, and
// paste the address the browser lands on (the callback address with code
// and state). Tokens and the APP Key are never printed whole.
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
		fmt.Fprintln(os.Stderr, "qq:", err)
		os.Exit(1)
	}
}

// setup is where the example runs: the sandbox, or QQ with the credentials
// of the environment.
type setup struct {
	appID, appKey string
	opts          []snskit.Option // the base URL
	redirect      string
	token         string // from the environment; empty: log in
	// browse opens the authorize URL and returns the address the browser
	// lands on.
	browse func(ctx context.Context, authorizeURL string) (*url.URL, error)
	write  bool
}

func configure(w io.Writer, in io.Reader, getenv func(string) string) (*setup, func(), error) {
	id, key := getenv("SNSKIT_QQ_APP_ID"), getenv("SNSKIT_QQ_APP_KEY")
	if id == "" && key == "" {
		s, err := sandbox.New()
		if err != nil {
			return nil, nil, err
		}
		app := s.App(sandbox.QQ)
		fmt.Fprintf(w, "no SNSKIT_QQ_APP_ID: running against the built-in sandbox at %s\n", s.URL(sandbox.QQ))
		return &setup{appID: app.ID, appKey: app.Secret,
			opts:     []snskit.Option{snskit.WithBaseURL(s.URL(sandbox.QQ))},
			redirect: "https://example.com/qq/callback", // your registered address; nothing needs to listen there
			browse:   s.Approve,                         // the sandbox approves at once
			write:    true,
		}, s.Close, nil
	}
	if id == "" || key == "" {
		return nil, nil, errors.New("set both SNSKIT_QQ_APP_ID and SNSKIT_QQ_APP_KEY, or neither to use the sandbox")
	}
	cfg := &setup{appID: id, appKey: key, redirect: getenv("SNSKIT_QQ_REDIRECT_URI"), token: getenv("SNSKIT_QQ_TOKEN"),
		write: getenv("SNSKIT_EXAMPLE_WRITE") == "1"}
	if base := getenv("SNSKIT_QQ_BASE_URL"); base != "" {
		cfg.opts = append(cfg.opts, snskit.WithBaseURL(base))
	}
	if cfg.redirect == "" && cfg.token == "" {
		return nil, nil, errors.New("set SNSKIT_QQ_REDIRECT_URI to log in, or SNSKIT_QQ_TOKEN to use a token you have")
	}
	answers := bufio.NewReader(in)
	cfg.browse = func(ctx context.Context, authorizeURL string) (*url.URL, error) {
		fmt.Fprintln(w, "open the authorize URL in a browser, approve, and paste the address the browser lands on:")
		fmt.Fprint(w, "> ")
		line, err := readLine(ctx, answers)
		if err != nil {
			return nil, err
		}
		back, err := url.Parse(line)
		if err != nil || back.RawQuery == "" {
			return nil, errors.New("that is not the callback's address: it has no query with code and state")
		}
		return back, nil
	}
	fmt.Fprintf(w, "running against QQ Connect with the application %s\n", id)
	return cfg, func() {}, nil
}

func run(ctx context.Context, w io.Writer, in io.Reader, getenv func(string) string) error {
	cfg, closeSandbox, err := configure(w, in, getenv)
	if err != nil {
		return err
	}
	defer closeSandbox()
	// The APP ID goes with every call as oauth_consumer_key.
	api, err := snskit.New(platforms.QQ(), append([]snskit.Option{snskit.WithApp(cfg.appID, cfg.appKey)}, cfg.opts...)...)
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== Login and openid ==")
	var cred *auth.OAuth2
	if cfg.token == "" {
		login, err := api.Login(cfg.redirect, "get_user_info", "list_album", "upload_pic")
		if err != nil {
			return err
		}
		tok, err := logIn(ctx, w, login, cfg.browse)
		if err != nil {
			return err
		}
		// The token carries its openid, so calls send it without a lookup;
		// the source renews the token with its refresh token when it
		// expires, and hands the new one to auth.OnToken (store it there).
		cred = auth.TokenSource(login.TokenSource(tok))
		fmt.Fprintf(w, "openid         %v (looked up once through /oauth2.0/me)\n", tok.Extra("openid"))
	} else {
		openid, _, err := platforms.QQOpenID(ctx, api, cfg.token)
		if err != nil {
			return fmt.Errorf("openid of SNSKIT_QQ_TOKEN: %w", err)
		}
		cred = auth.Token(cfg.token).WithOpenID(openid)
		fmt.Fprintf(w, "token %s from SNSKIT_QQ_TOKEN\n", auth.Mask(cfg.token))
		fmt.Fprintf(w, "openid         %s (platforms.QQOpenID)\n", openid)
	}
	user, err := api.With(snskit.WithAuth(cred))
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== APIs ==")
	info, err := user.Method("user.get_user_info").DoContext(ctx, nil)
	if err != nil {
		return fmt.Errorf("get_user_info: %w", err)
	}
	fmt.Fprintf(w, "get_user_info  %s, %s, avatar %s\n", info.Get("nickname"), info.Get("gender"), info.Get("figureurl_qq_1"))
	albums, err := user.Method("photo.list_album").DoContext(ctx, nil)
	if err != nil {
		return fmt.Errorf("list_album: %w", err)
	}
	var names []string
	for _, a := range albums.Get("album").Array() {
		names = append(names, a.Get("name").String())
	}
	fmt.Fprintf(w, "list_album     %d albums: %s\n", albums.Get("albumnum").Int(), strings.Join(names, ", "))
	if !cfg.write {
		fmt.Fprintln(w, "upload_pic     skipped: set SNSKIT_EXAMPLE_WRITE=1 to upload to the account")
		return nil
	}
	pic := gradientPNG(40, 30)
	// The file is streamed in a multipart POST, never read whole.
	up, err := user.Method("photo.upload_pic").DoContext(ctx, snskit.Params{
		"picture": snskit.Upload("snskit.png", bytes.NewReader(pic)), "photodesc": "uploaded by snskit"})
	if err != nil {
		return fmt.Errorf("upload_pic: %w", err)
	}
	fmt.Fprintf(w, "upload_pic     uploaded snskit.png (%dx%d, %d bytes) to album %s: %s\n",
		up.Get("width").Int(), up.Get("height").Int(), len(pic), up.Get("albumid"), up.Get("large_url"))
	return nil
}

// logIn runs the authorization-code login: the authorize URL, the user's
// approval, the state check, and the code exchange (which also looks up the
// openid).
func logIn(ctx context.Context, w io.Writer, login *snskit.Login, browse func(context.Context, string) (*url.URL, error)) (*oauth2.Token, error) {
	state := auth.NewState() // a web site keeps it in the user's session
	u, err := login.AuthCodeURL(state, snskit.AuthParam("display", "pc"))
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
	tok, err := login.Exchange(ctx, back.Query().Get("code"))
	if err != nil {
		return nil, err // a reused code is QQ's 100020, an *snskit.Error
	}
	fmt.Fprintf(w, "logged in      state checked; token %s valid until %s\n", auth.Mask(tok.AccessToken), tok.Expiry.Format(time.DateOnly))
	return tok, nil
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
			img.Set(x, y, color.RGBA{uint8(x * 6), 120, uint8(y * 8), 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // writing to memory cannot fail
	return buf.Bytes()
}
