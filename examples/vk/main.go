// Command vk is the walk-through of the vk seed in Go, in three steps:
//
//  1. calls with a user token, as vk.API(access_token=..., v=...) makes them:
//     users.get;
//
//  2. direct auth with a login and password (DirectUserAPI), the two-factor
//     code and any captcha asked at the terminal (InteractiveMixin);
//
//  3. community tokens (CommunityAPI) through the implicit flow with
//     group_ids, each call carrying the token of its group_id.
//
//     go run ./examples/vk
//
// With no credentials it runs against the built-in sandbox: direct auth logs
// in as a user with two-factor authentication, whose code the sandbox
// "sends by SMS" is 424242 (type it when asked). With credentials in the
// environment it talks to VK (or to SNSKIT_VK_BASE_URL) and starts no
// sandbox; each step runs when its variables are set:
//
//	SNSKIT_VK_TOKEN         a user access token, for step 1
//	SNSKIT_VK_APP_ID        your application's id (client_id), for steps 2 and 3
//	SNSKIT_VK_APP_SECRET    its protected key (client_secret), for step 2
//	SNSKIT_VK_USERNAME      a phone number or e-mail, for step 2 (VK opens direct
//	SNSKIT_VK_PASSWORD      auth to trusted applications only)
//	SNSKIT_VK_GROUP_IDS     communities you administer, such as 1,2, for step 3
//	SNSKIT_VK_BASE_URL      one URL standing for VK's hosts (a proxy; optional)
//
// Step 3 prints an authorize URL: open it in a browser, approve, and paste
// the address of the page you land on (https://oauth.vk.ru/blank.html#...,
// whose fragment holds the tokens). Tokens, secrets and passwords are never
// printed whole.
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
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Stdin, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "vk:", err)
		os.Exit(1)
	}
}

// setup is where the example runs: the sandbox, or VK with the credentials
// of the environment. Empty fields skip the steps that need them.
type setup struct {
	opts               []snskit.Option // the base URL
	token              string
	appID, appSecret   string
	username, password string
	groups             []int64
	// browse opens an authorize URL and returns the address the browser
	// lands on.
	browse func(ctx context.Context, authorizeURL string) (*url.URL, error)
	hint   string // said with the two-factor prompt
}

func configure(w io.Writer, in *bufio.Reader, getenv func(string) string) (*setup, func(), error) {
	if getenv("SNSKIT_VK_TOKEN") == "" && getenv("SNSKIT_VK_APP_ID") == "" {
		s, err := sandbox.New()
		if err != nil {
			return nil, nil, err
		}
		app := s.App(sandbox.VK)
		fmt.Fprintf(w, "no SNSKIT_VK_TOKEN or SNSKIT_VK_APP_ID: running against the built-in sandbox at %s\n", s.URL(sandbox.VK))
		return &setup{
			opts:  []snskit.Option{snskit.WithBaseURL(s.URL(sandbox.VK))},
			token: s.Token(sandbox.VK).AccessToken,
			appID: app.ID, appSecret: app.Secret,
			username: sandbox.VKLogin2FA, password: sandbox.VKPassword, // a user with two-factor authentication
			groups: []int64{1, 2},
			browse: s.Approve, // the sandbox approves at once
			hint:   " (the sandbox's code is " + sandbox.VKValidationCode + ")",
		}, s.Close, nil
	}
	cfg := &setup{token: getenv("SNSKIT_VK_TOKEN"), appID: getenv("SNSKIT_VK_APP_ID"), appSecret: getenv("SNSKIT_VK_APP_SECRET"),
		username: getenv("SNSKIT_VK_USERNAME"), password: getenv("SNSKIT_VK_PASSWORD")}
	if base := getenv("SNSKIT_VK_BASE_URL"); base != "" {
		cfg.opts = append(cfg.opts, snskit.WithBaseURL(base))
	}
	for _, g := range strings.FieldsFunc(getenv("SNSKIT_VK_GROUP_IDS"), func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(g, 10, 64)
		if err != nil || id <= 0 {
			return nil, nil, fmt.Errorf("SNSKIT_VK_GROUP_IDS: %q is not a community id (a positive number, without the minus of owner ids)", g)
		}
		cfg.groups = append(cfg.groups, id)
	}
	cfg.browse = func(ctx context.Context, authorizeURL string) (*url.URL, error) {
		fmt.Fprintln(w, "open the authorize URL in a browser, approve, and paste the address you land on:")
		fmt.Fprint(w, "> ")
		line, err := readLine(ctx, in)
		if err != nil {
			return nil, err
		}
		return url.Parse(line)
	}
	fmt.Fprintln(w, "running against VK with the credentials of the environment")
	return cfg, func() {}, nil
}

func run(ctx context.Context, w io.Writer, in io.Reader, getenv func(string) string) error {
	answers := bufio.NewReader(in)
	cfg, closeSandbox, err := configure(w, answers, getenv)
	if err != nil {
		return err
	}
	defer closeSandbox()
	if err := tokenCalls(ctx, w, cfg); err != nil {
		return fmt.Errorf("token calls: %w", err)
	}
	if err := directAuth(ctx, w, answers, cfg); err != nil {
		return fmt.Errorf("direct auth: %w", err)
	}
	if err := communityTokens(ctx, w, cfg); err != nil {
		return fmt.Errorf("community tokens: %w", err)
	}
	return nil
}

// tokenCalls is vk.API(access_token=..., v=...).users.get(user_ids=1).
func tokenCalls(ctx context.Context, w io.Writer, cfg *setup) error {
	fmt.Fprintln(w, "\n== 1. Calls with a user token ==")
	if cfg.token == "" {
		fmt.Fprintln(w, "skipped: set SNSKIT_VK_TOKEN")
		return nil
	}
	api, err := snskit.New(platforms.VK(), append([]snskit.Option{
		snskit.WithAuth(auth.Token(cfg.token)),
		snskit.WithAPIVersion(platforms.VKDefaultVersion), // VK's budget, 3 calls a second per user token, applies
	}, cfg.opts...)...)
	if err != nil {
		return err
	}
	users, err := api.NS("users").M("get").DoContext(ctx, snskit.Params{"user_ids": []int{1, 2}, "fields": "city"})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "token %s\n", auth.Mask(cfg.token))
	for _, u := range users.Array() {
		fmt.Fprintf(w, "users.get  id %d: %s %s, %s\n", u.Get("id").Int(), u.Get("first_name"), u.Get("last_name"), u.Get("city.title"))
	}
	return nil
}

// directAuth is DirectUserAPI(user_login=..., user_password=...,
// scope="offline,wall") with InteractiveMixin's prompts.
func directAuth(ctx context.Context, w io.Writer, answers *bufio.Reader, cfg *setup) error {
	fmt.Fprintln(w, "\n== 2. Direct auth with a login and password ==")
	if cfg.appID == "" || cfg.appSecret == "" || cfg.username == "" || cfg.password == "" {
		fmt.Fprintln(w, "skipped: set SNSKIT_VK_APP_ID, SNSKIT_VK_APP_SECRET, SNSKIT_VK_USERNAME and SNSKIT_VK_PASSWORD")
		return nil
	}
	app, err := snskit.New(platforms.VK(), append([]snskit.Option{snskit.WithApp(cfg.appID, cfg.appSecret)}, cfg.opts...)...)
	if err != nil {
		return err
	}
	tok, err := platforms.VKDirectAuth(ctx, app, platforms.VKDirectAuthConfig{
		Username: cfg.username, Password: cfg.password, Scope: []string{"offline", "wall"},
		TwoFactor: func(ctx context.Context, v platforms.VKValidation) (string, error) {
			switch {
			case v.Retry:
				fmt.Fprint(w, "VK did not accept the code; type it again: ")
			case v.Type == "2fa_app":
				fmt.Fprintf(w, "type the code of your authenticator app%s: ", cfg.hint)
			default:
				fmt.Fprintf(w, "VK sent a code by SMS to %s; type it%s: ", v.PhoneMask, cfg.hint)
			}
			return readLine(ctx, answers)
		},
		Captcha: func(ctx context.Context, c platforms.VKCaptcha) (string, error) {
			fmt.Fprintf(w, "VK wants a captcha: open %s and type its text: ", c.Img)
			return readLine(ctx, answers)
		},
	})
	if err != nil {
		var e *snskit.Error
		if errors.As(err, &e) && e.Code == "invalid_client" {
			return fmt.Errorf("VK refused the login, password or application (%w)", err)
		}
		return err
	}
	id, _ := platforms.VKUserID(tok)
	life := "never expires (the offline scope)"
	if !tok.Expiry.IsZero() {
		life = "valid until " + tok.Expiry.Format(time.DateTime)
	}
	fmt.Fprintf(w, "logged in as user %d; token %s, %s\n", id, auth.Mask(tok.AccessToken), life)
	user, err := app.With(snskit.WithAuth(auth.Token(tok.AccessToken)))
	if err != nil {
		return err
	}
	me, err := user.Method("users.get").DoContext(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "users.get  %s %s (id %d), with the new token\n", me.Get("0.first_name"), me.Get("0.last_name"), me.Get("0.id").Int())
	return nil
}

// communityTokens is CommunityAPI(group_ids=[...]): the implicit flow asks
// for a token per community, and each call uses the token of its group_id
// (by default the first community's).
func communityTokens(ctx context.Context, w io.Writer, cfg *setup) error {
	fmt.Fprintln(w, "\n== 3. Community tokens ==")
	if cfg.appID == "" || len(cfg.groups) == 0 {
		fmt.Fprintln(w, "skipped: set SNSKIT_VK_APP_ID and SNSKIT_VK_GROUP_IDS")
		return nil
	}
	app, err := snskit.New(platforms.VK(), append([]snskit.Option{snskit.WithApp(cfg.appID, cfg.appSecret)}, cfg.opts...)...)
	if err != nil {
		return err
	}
	// Apps without a web site use VK's blank page as the redirect URL; the
	// tokens come back in its fragment, which never reaches a server.
	login, err := app.Login("https://oauth.vk.ru/blank.html", "manage", "messages", "photos")
	if err != nil {
		return err
	}
	state := auth.NewState()
	u, err := platforms.VKImplicitURL(login, state, cfg.groups...)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "authorize URL  %s\n", u)
	landed, err := cfg.browse(ctx, u)
	if err != nil {
		return err
	}
	res, err := platforms.ParseVKRedirect(landed.String())
	if err != nil {
		return err
	}
	if err := auth.CheckState(state, res.State); err != nil {
		return err
	}
	for _, gid := range cfg.groups {
		if t, ok := res.Communities[gid]; ok {
			fmt.Fprintf(w, "community %d: token %s\n", gid, auth.Mask(t.AccessToken))
		}
	}
	groups, err := app.With(snskit.WithAuth(res.CommunityAuth(cfg.groups[0])))
	if err != nil {
		return err
	}
	for _, gid := range cfg.groups {
		got, err := groups.Method("users.get").DoContext(ctx, snskit.Params{"group_id": gid, "user_ids": 1})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "users.get  group_id=%d, with community %d's token: %s %s\n", gid, gid, got.Get("0.first_name"), got.Get("0.last_name"))
	}
	return nil
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
