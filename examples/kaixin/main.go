// Command kaixin logs in to Kaixin001 with OAuth 1.0a, three-legged (a
// request token, the user's approval, the access token for the verifier),
// and pages through the user's friends with friends.me and its fields,
// start and num parameters, as the seed's documentation describes.
//
//	go run ./examples/kaixin
//
// With no credentials it starts the built-in sandbox and plays the user's
// browser itself. With your application's credentials in the environment
// it talks to Kaixin (or to SNSKIT_KAIXIN_BASE_URL) and starts no sandbox:
//
//	SNSKIT_KAIXIN_APP_KEY     the application's API Key (the OAuth consumer key)
//	SNSKIT_KAIXIN_APP_SECRET  its Secret Key (the consumer secret)
//	SNSKIT_KAIXIN_CALLBACK    the callback address registered with Kaixin; empty means
//	                          "oob": Kaixin shows the verifier to the user instead
//	SNSKIT_KAIXIN_BASE_URL    one URL standing for api.kaixin001.com (a proxy; optional)
//
// The login prints the authorization URL: open it in a browser, approve, and
// paste the address the browser lands on (the callback with oauth_token and
// oauth_verifier) or, with "oob", the verifier Kaixin shows. Secrets and
// tokens are never printed whole.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
)

// pageSize is friends.me's num: Kaixin gives at most 50 a page.
const pageSize = 20

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Stdin, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kaixin:", err)
		os.Exit(1)
	}
}

// setup is where the example runs: the sandbox, or Kaixin with the
// credentials of the environment.
type setup struct {
	key, secret string
	opts        []snskit.Option // the base URL
	callback    string
	// approve opens the authorization URL and returns what came back: the
	// callback's address, or the verifier the user typed.
	approve func(ctx context.Context, authorizeURL string) (string, error)
}

func configure(w io.Writer, in io.Reader, getenv func(string) string) (*setup, func(), error) {
	key, secret := getenv("SNSKIT_KAIXIN_APP_KEY"), getenv("SNSKIT_KAIXIN_APP_SECRET")
	if key == "" && secret == "" {
		s, err := sandbox.New()
		if err != nil {
			return nil, nil, err
		}
		app := s.App(sandbox.Kaixin)
		fmt.Fprintf(w, "no SNSKIT_KAIXIN_APP_KEY: running against the built-in sandbox at %s\n", s.URL(sandbox.Kaixin))
		return &setup{key: app.ID, secret: app.Secret,
			opts:     []snskit.Option{snskit.WithBaseURL(s.URL(sandbox.Kaixin))},
			callback: "https://example.com/kaixin/callback", // your registered address; nothing needs to listen there
			approve: func(ctx context.Context, u string) (string, error) { // the sandbox approves at once
				back, err := s.Approve(ctx, u)
				if err != nil {
					return "", err
				}
				return back.String(), nil
			},
		}, s.Close, nil
	}
	if key == "" || secret == "" {
		return nil, nil, errors.New("set both SNSKIT_KAIXIN_APP_KEY and SNSKIT_KAIXIN_APP_SECRET, or neither to use the sandbox")
	}
	cfg := &setup{key: key, secret: secret, callback: getenv("SNSKIT_KAIXIN_CALLBACK")}
	if base := getenv("SNSKIT_KAIXIN_BASE_URL"); base != "" {
		cfg.opts = append(cfg.opts, snskit.WithBaseURL(base))
	}
	answers := bufio.NewReader(in)
	cfg.approve = func(ctx context.Context, _ string) (string, error) {
		if cfg.callback == "" {
			fmt.Fprintln(w, "open the authorization URL in a browser, approve, and type the verifier Kaixin shows:")
		} else {
			fmt.Fprintln(w, "open the authorization URL in a browser, approve, and paste the address the browser lands on:")
		}
		fmt.Fprint(w, "> ")
		return readLine(ctx, answers)
	}
	fmt.Fprintf(w, "running against Kaixin001 with the application %s\n", key)
	return cfg, func() {}, nil
}

func run(ctx context.Context, w io.Writer, in io.Reader, getenv func(string) string) error {
	cfg, closeSandbox, err := configure(w, in, getenv)
	if err != nil {
		return err
	}
	defer closeSandbox()
	api, err := snskit.New(platforms.Kaixin(), append([]snskit.Option{snskit.WithApp(cfg.key, cfg.secret)}, cfg.opts...)...)
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== OAuth 1.0a login ==")
	flow, err := platforms.KaixinOAuth1(api, cfg.callback, "basic", "friends_intro")
	if err != nil {
		return err
	}
	// 1. Temporary credentials. A web site keeps the secret in the user's
	// session, under the request token.
	reqToken, reqSecret, err := flow.RequestToken(ctx)
	if err != nil {
		return fmt.Errorf("request token: %w", err)
	}
	fmt.Fprintln(w, "request token  obtained (its secret stays with the application)")
	// 2. The user approves the request token.
	u, err := flow.AuthorizationURL(reqToken)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "authorize URL  %s\n", u)
	answer, err := cfg.approve(ctx, u)
	if err != nil {
		return err
	}
	verifier, err := verifierOf(answer, reqToken)
	if err != nil {
		return err
	}
	// 3. Token credentials for the verifier: a credential that signs every
	// call (HMAC-SHA1).
	cred, err := flow.AccessToken(ctx, reqToken, reqSecret, verifier)
	if err != nil {
		return fmt.Errorf("access token: %w", err)
	}
	fmt.Fprintf(w, "access token   %s, token secret %s\n", auth.Mask(cred.Token), auth.Mask(cred.TokenSecret))
	user, err := api.With(snskit.WithAuth(cred))
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== friends.me, a page at a time ==")
	for start, total := 0, -1; total < 0 || start < total; start += pageSize {
		page, err := user.Method("friends.me").DoContext(ctx, snskit.Params{
			"fields": []string{"uid", "name", "gender", "city"}, "start": start, "num": pageSize})
		if err != nil {
			return fmt.Errorf("friends.me from %d: %w", start, err)
		}
		if total, err = strconv.Atoi(page.Get("total").String()); err != nil { // numbers come as strings
			return fmt.Errorf("friends.me: total %q is not a number", page.Get("total"))
		}
		users := page.Get("users").Array()
		if len(users) == 0 {
			break
		}
		var names []string
		for _, u := range users[:min(3, len(users))] {
			names = append(names, u.Get("name").String()+" ("+u.Get("city").String()+")")
		}
		fmt.Fprintf(w, "start=%-3d num=%d  %d friends of %d: %s...\n", start, pageSize, len(users), total, strings.Join(names, ", "))
	}
	return nil
}

// verifierOf reads the verifier from the callback's address (checking that
// it is for our request token) or takes the answer as the verifier itself.
func verifierOf(answer, reqToken string) (string, error) {
	back, err := url.Parse(answer)
	if err != nil || back.Query().Get("oauth_verifier") == "" {
		if answer == "" || strings.ContainsAny(answer, "/?&= ") {
			return "", errors.New("that is neither the callback's address (with oauth_token and oauth_verifier) nor a verifier")
		}
		return answer, nil
	}
	if back.Query().Get("oauth_token") != reqToken {
		return "", errors.New("the callback is for another request token; refusing it (start the login again)")
	}
	return back.Query().Get("oauth_verifier"), nil
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
