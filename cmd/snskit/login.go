package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
)

// loginFlags are the flags of "snskit login".
type loginFlags struct {
	appID, appSecret, scope, redirectURI, baseURL  string
	tokenFile, username, password, sandboxState    string
	redis                                          string
	sandbox, noBrowser, oauth1, verbose, vkClassic bool
	timeout                                        time.Duration
	given                                          map[string]bool
}

// newLoginFlagSet binds the flags of "snskit login" to f.
func newLoginFlagSet(f *loginFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&f.appID, "app-id", "", "application `id` or key registered with the platform")
	fs.StringVar(&f.appSecret, "app-secret", "", "application `secret` (never stored)")
	fs.StringVar(&f.scope, "scope", "", "permissions to ask for, a comma `list` (friends,photos)")
	fs.StringVar(&f.redirectURI, "redirect-uri", "", "the `URL` registered with the platform, on a loopback host: snskit listens there (default: http://127.0.0.1:FREE-PORT/callback)")
	fs.StringVar(&f.baseURL, "base-url", "", "log in through this base `URL` instead of the platform's hosts")
	fs.BoolVar(&f.sandbox, "sandbox", false, "log in to an in-process sandbox, following its authorize page without a browser")
	fs.StringVar(&f.sandboxState, "sandbox-state", "", sandboxStateUsage)
	fs.BoolVar(&f.noBrowser, "no-browser", false, "only print the authorize URL, do not open a browser")
	fs.DurationVar(&f.timeout, "timeout", 5*time.Minute, "give up when the login has not ended after this `duration`; 0 waits forever")
	fs.StringVar(&f.tokenFile, "token-file", "", "the `file` of stored tokens (default: tokens.json in the snskit directory of the user's config directory)")
	fs.StringVar(&f.redis, "redis", "", redisUsage)
	fs.StringVar(&f.username, "username", "", "VK direct auth: the user's login (`phone or email`) instead of a browser")
	fs.StringVar(&f.password, "password", "", "VK direct auth: the `password` (asked on the terminal when not given; never stored)")
	fs.BoolVar(&f.vkClassic, "vk-classic", false, "VK: log in with the older oauth.vk.ru code flow (needs -app-secret) instead of VK ID")
	fs.BoolVar(&f.oauth1, "oauth1", false, "Kaixin001: log in with OAuth 1.0a instead of OAuth 2.0")
	fs.BoolVar(&f.verbose, "v", false, "log each request to stderr (secrets masked)")
	return fs
}

// loginRun is one run of "snskit login".
type loginRun struct {
	f         *loginFlags
	name      string // the platform's canonical name
	api       *snskit.API
	con       console
	out, errw *redactWriter
	prompt    *prompter
}

// runLogin runs "snskit login".
func runLogin(ctx context.Context, args []string, con console, env func(string) string) int {
	out, errw := &redactWriter{w: con.stdout}, &redactWriter{w: con.stderr}
	f := &loginFlags{}
	fs := newLoginFlagSet(f)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(con.stdout, "login")
		return exitOK
	}
	if err == nil {
		f.given, err = applyEnv(fs, env)
	}
	if err == nil && f.timeout < 0 {
		err = fmt.Errorf("-timeout %v: want a positive duration such as 5m, or 0 for none", f.timeout)
	}
	if err != nil {
		return usageFailure(errw, fmt.Errorf("login: %w", err))
	}
	errw.addSecrets(f.appSecret, f.password)
	out.addSecrets(f.appSecret, f.password)
	if len(pos) != 1 {
		return usageFailure(errw, errors.New("login needs one PLATFORM, as in: snskit login vk"))
	}
	name, newPlatform, ok := lookupPlatform(pos[0])
	if !ok {
		return usageFailure(errw, fmt.Errorf("unknown platform %q; want one of %s", pos[0], platformList))
	}
	if err := f.check(name); err != nil {
		return usageFailure(errw, err)
	}
	rc, err := openRedis(f.redis, func(s ...string) { errw.addSecrets(s...); out.addSecrets(s...) })
	if err != nil {
		return usageFailure(errw, err)
	}
	if rc != nil {
		defer rc.Close()
	}
	store, err := tokenStore(rc, f.tokenFile)
	if err != nil {
		return usageFailure(errw, err)
	}
	if f.sandbox {
		s, err := startInProcessSandbox(f.sandboxState)
		if err != nil {
			fmt.Fprintf(errw, "snskit: starting the sandbox: %v\n", err)
			return exitTransport
		}
		defer closeSandbox(s, errw)
		f.baseURL = s.URL(name)
		if !f.given["app-id"] && !f.given["app-secret"] {
			a := s.App(name)
			if f.vkID(name) {
				a.ID, a.Secret = sandbox.VKIDAppID, "" // a public PKCE client
			}
			f.appID, f.appSecret = a.ID, a.Secret
			errw.addSecrets(a.Secret)
			out.addSecrets(a.Secret)
		}
	}
	if f.vkID(name) && f.appID == "" {
		return usageFailure(errw, errors.New("login to VK through VK ID needs your VK ID application's id: pass -app-id (or set SNSKIT_APP_ID); -vk-classic logs in with the older flow; -sandbox tries the offline sandbox"))
	}
	if !f.vkID(name) && (f.appID == "" || f.appSecret == "") {
		return usageFailure(errw, fmt.Errorf("login needs the application registered with %s: pass -app-id and -app-secret (or set SNSKIT_APP_ID and SNSKIT_APP_SECRET); -sandbox tries the offline sandbox", name))
	}
	opts := []snskit.Option{snskit.WithApp(f.appID, f.appSecret)}
	if f.baseURL != "" {
		opts = append(opts, snskit.WithBaseURL(f.baseURL))
	}
	if f.verbose {
		opts = append(opts, snskit.WithLogger(slog.New(slog.NewTextHandler(errw, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	platform := newPlatform()
	if f.vkID(name) {
		platform = platforms.VKID()
	}
	api, err := snskit.New(platform, opts...)
	if err != nil {
		return usageFailure(errw, err)
	}
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	lr := &loginRun{f: f, name: name, api: api, con: con, out: out, errw: errw,
		prompt: &prompter{in: con.stdin, w: errw, term: con.terminal}}
	var saved *auth.Saved
	var code int
	switch {
	case f.username != "":
		saved, code = lr.vkDirect(ctx)
	case f.oauth1:
		saved, code = lr.kaixinOAuth1(ctx)
	case f.vkID(name):
		saved, code = lr.vkIDLogin(ctx)
	default:
		saved, code = lr.authCode(ctx)
	}
	if saved == nil {
		return code
	}
	return lr.store(ctx, store, saved)
}

// check refuses flags that do not go together.
func (f *loginFlags) check(name string) error {
	switch {
	case f.sandbox && f.given["base-url"]:
		return errors.New("-sandbox and -base-url cannot be combined: -sandbox sets the base URL")
	case f.username != "" && name != "vk":
		return fmt.Errorf("-username (direct auth with a password) is VK's only; %s logs in through the browser", name)
	case f.password != "" && f.username == "":
		return errors.New("-password needs -username (VK direct auth)")
	case f.username != "" && f.given["redirect-uri"]:
		return errors.New("-redirect-uri has no use with -username: direct auth needs no redirect")
	case f.vkClassic && name != "vk":
		return fmt.Errorf("-vk-classic is VK's only; %s has one OAuth 2.0 login", name)
	case f.vkClassic && f.username != "":
		return errors.New("-vk-classic has no use with -username: direct auth is VK's classic flow already")
	case f.oauth1 && name != "kaixin":
		return fmt.Errorf("-oauth1 is Kaixin001's only; %s logs in with OAuth 2.0", name)
	case f.redirectURI != "":
		return checkRedirectURI(f.redirectURI)
	}
	return nil
}

// scopes returns the permissions of -scope.
func (f *loginFlags) scopes() []string {
	var out []string
	for _, s := range strings.Split(f.scope, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// store saves the credential the login obtained and prints a summary.
func (lr *loginRun) store(ctx context.Context, store auth.Store, s *auth.Saved) int {
	lr.errw.addSecrets(s.AccessToken, s.RefreshToken, s.TokenSecret, s.SessionKey)
	lr.out.addSecrets(s.AccessToken, s.RefreshToken, s.TokenSecret, s.SessionKey)
	s.Platform, s.AppID, s.Updated = lr.name, lr.f.appID, time.Now().UTC()
	if !lr.f.sandbox {
		s.BaseURL = strings.TrimRight(lr.f.baseURL, "/")
	}
	key := tokenKey(lr.name, lr.f.baseURL, lr.f.sandbox)
	if err := store.Save(context.WithoutCancel(ctx), key, s); err != nil {
		fmt.Fprintf(lr.errw, "snskit: logged in to %s, but the token could not be stored: %v\n", lr.name, err)
		return exitTransport
	}
	path := " in " + storeName(store)
	fmt.Fprintf(lr.out, "logged in to %s; token stored as %q%s\n", lr.name, key, path)
	printSaved(lr.out, key, s)
	if lr.f.sandbox {
		fmt.Fprintf(lr.out, "the sandbox keeps this login for the next commands: snskit call -sandbox %s METHOD uses it ('snskit sandbox reset' forgets it)\n", lr.name)
	}
	return exitOK
}

// loginExit returns the exit code of a failed login step: exitTransport
// when no usable reply came (an unreadable one included), exitPlatform when
// the platform refused.
func loginExit(err error) int {
	var terr *snskit.TransportError
	var rerr *snskit.ReplyError
	var nerr net.Error
	if errors.As(err, &terr) || errors.As(err, &rerr) || errors.As(err, &nerr) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return exitTransport
	}
	return exitPlatform
}

// fail reports a failed login step and returns its exit code.
func (lr *loginRun) fail(err error) (*auth.Saved, int) {
	fmt.Fprintf(lr.errw, "snskit: %s login: %s\n", lr.name, strings.TrimPrefix(err.Error(), "snskit: "))
	return nil, loginExit(err)
}
