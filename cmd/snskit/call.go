package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
)

// lookupPlatform returns the canonical name of a platform of the command
// line (also its sandbox name) and its constructor.
func lookupPlatform(name string) (string, func() snskit.Platform, bool) {
	switch strings.ToLower(name) {
	case "vk":
		return "vk", func() snskit.Platform { return platforms.VK() }, true
	case "renren":
		return "renren", platforms.Renren, true
	case "renren1":
		return "renren1", platforms.Renren1, true
	case "weixin", "wechat":
		return "weixin", platforms.Weixin, true
	case "qq":
		return "qq", platforms.QQ, true
	case "kaixin":
		return "kaixin", platforms.Kaixin, true
	}
	return "", nil, false
}

// platformList is the help's list of platform names.
const platformList = "vk, renren, renren1, weixin (or wechat), qq, kaixin"

// runCall runs "snskit call".
func runCall(ctx context.Context, args []string, con console, env func(string) string) int {
	stdout := con.stdout
	out := &redactWriter{w: stdout}
	errw := &redactWriter{w: con.stderr, cli: true}
	f, pos, err := parseCallFlags(args, env)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(stdout, "call")
		return exitOK
	}
	if err != nil {
		return usageFailure(errw, fmt.Errorf("call: %w", err))
	}
	out.secrets, errw.secrets = f.secrets(), f.secrets()
	first := 2 // the first parameter: after PLATFORM and METHOD
	if f.upload != "" {
		first = 1 // -upload KIND stands for the methods
	}
	if len(pos) < first && f.upload != "" {
		return usageFailure(errw, errors.New("-upload needs a PLATFORM, as in: snskit call -upload wall vk photo=@cat.jpg"))
	}
	if len(pos) < 2 && f.upload == "" {
		return usageFailure(errw, errors.New("call needs a PLATFORM and a METHOD, as in: snskit call vk users.get user_ids=1"))
	}
	name, newPlatform, ok := lookupPlatform(pos[0])
	if !ok {
		return usageFailure(errw, fmt.Errorf("unknown platform %q; want one of %s", pos[0], platformList))
	}
	params, closeFiles, err := parseParams(pos[first:])
	defer closeFiles()
	if err == nil {
		err = readValueFiles(params, f.valueFiles, con.stdin)
	}
	if err != nil {
		return usageFailure(errw, err)
	}
	f.out = outputOf(stdout, f, env)
	if f.rc, err = openRedis(f.redis, func(s ...string) { errw.addSecrets(s...); out.addSecrets(s...) }); err != nil {
		return usageFailure(errw, err)
	}
	if f.rc != nil {
		defer f.rc.Close()
	}
	if f.upload == "" {
		if err := checkCall(errw, name, pos[1], params, f.strict); err != nil {
			return usageFailure(errw, err)
		}
	}
	api, done, code := f.client(ctx, name, newPlatform, out, errw)
	defer done()
	if api == nil {
		return code
	}
	if h := f.captchaHandler(con, errw); h != nil {
		if api, err = api.With(snskit.WithCaptcha(h)); err != nil {
			return usageFailure(errw, err)
		}
	}
	if f.timeout > 0 && (!f.all.on || f.given["timeout"]) { // a walk takes its time unless told otherwise
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	if f.upload != "" {
		return runUpload(ctx, api, name, f, params, out, errw)
	}
	call := api.Method(pos[1])
	if f.verb != "" {
		call = call.WithVerb(f.verb)
	}
	if f.dryRun {
		req, err := call.Request(ctx, params)
		if err != nil {
			return report(out, errw, nil, err, f)
		}
		if f.curl {
			err = printCurl(out, req, f, params)
		} else {
			err = printRequest(out, req, f.secrets())
		}
		if err != nil {
			return usageFailure(errw, fmt.Errorf("-dry-run: %w", err))
		}
		return exitOK
	}
	if f.all.on {
		var progress io.Writer
		if isTerminal(con.stderr) {
			progress = errw
		}
		return runAll(ctx, call, params, out, errw, progress, f)
	}
	r, err := call.Response(ctx, params)
	if f.sandbox && f.stored != nil && errors.Is(err, snskit.ErrTokenInvalid) {
		defer fmt.Fprintf(errw, "snskit: the token stored as %q is not one this sandbox knows (after 'snskit sandbox reset'?): log in again with 'snskit login -sandbox %s'\n", f.stored.key, name)
	}
	code = report(out, errw, r, err, f)
	hintChallenge(errw, api, r, err, f)
	return code
}

// client builds the client of a command that calls platform name with the
// flags' credential: -sandbox's in-process sandbox (with its test app and
// token, or the token 'login -sandbox' stored), a given token, or the one
// 'snskit login' stored (live, when it can be refreshed). done stops the
// sandbox; it is never nil. A nil client comes with the exit code.
func (f *callFlags) client(ctx context.Context, name string, newPlatform func() snskit.Platform, out, errw *redactWriter) (api *snskit.API, done func(), code int) {
	done = func() {}
	var err error
	if f.sandbox {
		if f.given["base-url"] {
			return nil, done, usageFailure(errw, errors.New("-sandbox and -base-url cannot be combined: -sandbox sets the base URL"))
		}
		s, err := startInProcessSandbox(f.sandboxState)
		if err != nil {
			fmt.Fprintf(errw, "snskit: starting the sandbox: %v\n", err)
			return nil, done, exitTransport
		}
		done = func() { closeSandbox(s, errw) }
		if !f.given["token"] && !f.given["token-secret"] && !f.given["session-key"] {
			// The token 'snskit login -sandbox' stored, if any: the
			// sandbox's state file keeps it valid from one command to the
			// next.
			if f.stored, err = f.loadStored(ctx, tokenKey(name, "", true), errw); err != nil {
				return nil, done, usageFailure(errw, err)
			}
		}
		if err := f.useSandbox(s, name); err != nil {
			fmt.Fprintf(errw, "snskit: sandbox: %v\n", err)
			return nil, done, exitTransport
		}
		out.secrets, errw.secrets = f.secrets(), f.secrets()
	}
	if !f.sandbox && !f.given["token"] && !f.given["token-secret"] && !f.given["session-key"] {
		if f.stored, err = f.loadStored(ctx, tokenKey(name, f.baseURL, false), errw); err != nil {
			return nil, done, usageFailure(errw, err)
		}
	}
	if f.stored != nil {
		out.secrets, errw.secrets = f.secrets(), f.secrets()
		if f.appID == "" {
			f.appID = f.stored.saved.AppID
		}
	}
	opts, err := f.options(errw)
	if err != nil {
		return nil, done, usageFailure(errw, err)
	}
	platform := newPlatform()
	if f.stored != nil && name == "vk" && f.stored.saved.DeviceID != "" {
		platform = platforms.VKID() // a VK ID token: refreshed by VK ID's rules
	}
	api, err = snskit.New(platform, opts...)
	if err != nil {
		return nil, done, usageFailure(errw, err)
	}
	if f.stored != nil {
		cred, err := f.stored.credential(ctx, api, f, errw)
		if err == nil {
			api, err = api.With(snskit.WithAuth(cred))
		}
		if err != nil {
			return nil, done, usageFailure(errw, err)
		}
	}
	return api, done, exitOK
}

// secrets lists the secret values given to snskit, to be masked in all
// output.
func (f *callFlags) secrets() []string {
	var s []string
	for _, v := range []string{f.token, f.tokenSecret, f.sessionKey, f.appSecret} {
		if v != "" {
			s = append(s, v)
		}
	}
	if f.stored != nil {
		s = append(s, f.stored.secrets()...)
	}
	return s
}

// useSandbox points the call at the sandbox s: its base URL, and unless
// given explicitly, its test app and a fresh access token of its default
// user (with the user's openid). A session key is used only when the
// platform's sandbox issues no access token.
func (f *callFlags) useSandbox(s *sandbox.Server, name string) error {
	f.baseURL = s.URL(name)
	if !f.given["app-id"] && !f.given["app-secret"] {
		a := s.App(name)
		f.appID, f.appSecret = a.ID, a.Secret
	}
	if f.given["token"] || f.given["token-secret"] || f.given["session-key"] || f.stored != nil {
		return nil
	}
	c, err := s.IssueToken(name, sandbox.TokenOptions{})
	if err != nil {
		return err
	}
	switch {
	case c.AccessToken != "":
		f.token = c.AccessToken
		if !f.given["openid"] {
			f.openID = c.OpenID
		}
	case c.SessionKey != "":
		f.sessionKey = c.SessionKey
	}
	return nil
}

// options returns the client options the flags ask for. The debug log of
// -v goes to log.
func (f *callFlags) options(log *redactWriter) ([]snskit.Option, error) {
	var opts []snskit.Option
	if f.stored == nil { // else the stored token is placed once the client exists
		cred, err := f.credential()
		if err != nil {
			return nil, err
		}
		if cred != nil {
			opts = append(opts, snskit.WithAuth(cred))
		}
	}
	// Each platform refuses a call that lacks the id or secret it needs
	// (Renren 1.0 signs token calls with the secret alone).
	if f.appID != "" || f.appSecret != "" {
		opts = append(opts, snskit.WithApp(f.appID, f.appSecret))
	}
	if f.apiVersion != "" {
		opts = append(opts, snskit.WithAPIVersion(f.apiVersion))
	}
	if f.baseURL != "" {
		opts = append(opts, snskit.WithBaseURL(f.baseURL))
	}
	if f.maxBody > 0 {
		opts = append(opts, snskit.WithMaxBodySize(f.maxBody))
	}
	if f.rc != nil { // one budget per credential for every process on this Redis
		opts = append(opts, snskit.WithLimiter(f.rc))
	}
	if f.verbose {
		h := skipRequestLines{slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})}
		opts = append(opts, snskit.WithLogger(slog.New(h)),
			snskit.WithHTTPClient(&http.Client{Transport: &verboseTransport{base: http.DefaultTransport, w: log}}))
		f.noteCredentials(log)
	}
	return opts, nil
}

// credential builds the credential of -token, -token-secret, -session-key
// and -openid, or nil when none is given.
func (f *callFlags) credential() (auth.Credential, error) {
	switch {
	case f.tokenSecret != "":
		switch {
		case f.token == "":
			return nil, errors.New("-token-secret needs -token, the OAuth 1.0a token")
		case f.sessionKey != "":
			return nil, errors.New("give one credential: -session-key cannot be combined with -token and -token-secret")
		case f.appID == "" || f.appSecret == "":
			return nil, errors.New("-token-secret (OAuth 1.0a) needs -app-id and -app-secret, the consumer key and secret")
		case f.openID != "":
			return nil, errors.New("-openid goes with an OAuth 2.0 access token, not with -token-secret")
		}
		return auth.OAuth1Token(f.appID, f.appSecret, f.token, f.tokenSecret), nil
	case f.sessionKey != "":
		switch {
		case f.token != "":
			return nil, errors.New("give one credential: -session-key cannot be combined with -token")
		case f.openID != "":
			return nil, errors.New("-openid goes with an OAuth 2.0 access token, not with -session-key")
		}
		return auth.Session(f.sessionKey), nil
	case f.token != "":
		c := auth.Token(f.token)
		if f.openID != "" {
			c = c.WithOpenID(f.openID)
		}
		return c, nil
	case f.openID != "":
		return nil, errors.New("-openid needs -token, the access token it belongs to")
	}
	return nil, nil
}
