// Package snskit calls the APIs of VK, Renren (API 1.0 and 2.0), WeChat web
// login, QQ Connect and Kaixin001 without a Go type per endpoint, the way the
// platforms' Python SDKs do:
//
//	api, err := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token(tok)))
//	res, err := api.NS("users").M("get").Do(snskit.Params{"user_ids": []int{1, 2}})
//	fmt.Println(res.Get("0.first_name"))
//
// Each platform in the platforms package turns that one chain into the right
// request (path, verb, common parameters, credential, signature) and
// unwraps the reply, which comes back as a github.com/tidwall/gjson document.
// Platform errors are *Error values, classified for errors.Is across
// platforms (ErrRateLimited, ErrTokenExpired, ...).
//
// An *API, and every Namespace and Call derived from it, is immutable and safe
// for concurrent use by many goroutines. The package holds no mutable state
// of its own.
package snskit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
)

// Version is snskit's version, sent in the default User-Agent.
const Version = "0.1.0"

// API is a client of one platform.
type API struct {
	platform Platform
	cfg      config
	// endpoints caches resolved platform URLs: not configuration, and
	// invisible but for speed.
	endpoints endpoints
	// budgetKeys remembers the budget keys of the last credentials.
	budgetKeys budgetKeys
	// kept holds the headers of challenges passed for a host.
	kept keptHeaders
	// names caches the method names NS(...).M(...) has built.
	names callNames
}

// New returns a client of platform configured by opts. Options check their
// input: a bad one makes New fail with an error that says what to fix.
func New(platform Platform, opts ...Option) (*API, error) {
	if platform == nil {
		return nil, fmt.Errorf("snskit: New needs a platform, such as platforms.VK()")
	}
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if err := checkConfig(platform, &cfg); err != nil {
		return nil, err
	}
	return &API{platform: platform, cfg: cfg}, nil
}

// String describes the client with its secrets masked, so that %v, %+v
// and %#v of an API (or of a struct holding one) print no secret.
func (a *API) String() string {
	if a == nil {
		return "snskit.API(nil)"
	}
	var b strings.Builder
	b.WriteString("snskit.API{platform: ")
	b.WriteString(a.platform.Name())
	if a.cfg.appID != "" {
		b.WriteString(", app: ")
		b.WriteString(a.cfg.appID)
	}
	if a.cfg.appSecret != "" {
		b.WriteString(", secret: ")
		b.WriteString(auth.Mask(a.cfg.appSecret))
	}
	if a.cfg.baseURL != nil {
		b.WriteString(", base: ")
		b.WriteString(a.cfg.baseURL.String())
	}
	if a.cfg.auth != nil {
		b.WriteString(", auth: ")
		b.WriteString(a.cfg.auth.Kind())
	}
	b.WriteByte('}')
	return b.String()
}

// GoString is String, for %#v.
func (a *API) GoString() string { return a.String() }

// Platform returns the client's platform.
func (a *API) Platform() Platform { return a.platform }

// Auth returns the client's credential, or nil.
func (a *API) Auth() auth.Credential { return a.cfg.auth }

// AppID returns the application's id or key set with WithApp.
func (a *API) AppID() string { return a.cfg.appID }

// Version returns the API version set with WithAPIVersion, or "".
func (a *API) Version() string { return a.cfg.version }

// NS starts a method chain at the namespace name: api.NS("users").M("get").
func (a *API) NS(name string) Namespace {
	return Namespace{api: a, name: name, bad: !validName(name)}
}

// Method returns the call of a dotted method name as a platform's docs write
// it: "users.get", "user.friend.list", "user.get_user_info".
func (a *API) Method(dotted string) Call {
	return newCall(a, strings.Split(dotted, "."))
}

// send sends req and reads its reply once. secrets are masked in any error.
func (a *API) send(req *http.Request, platform, method string, secrets []string) (*Response, error) {
	if ua := req.Header["User-Agent"]; len(ua) == 0 || ua[0] == "" { // Header.Get, without canonicalizing a canonical key
		req.Header["User-Agent"] = []string{a.cfg.userAgent}
	}
	var start time.Time // for the log line, if there is a logger to write it
	if a.cfg.logger != nil {
		start = time.Now()
	}
	resp, err := a.cfg.client.Do(req)
	if err != nil {
		a.log(req, platform, method, 0, start, err, secrets)
		return nil, &TransportError{Platform: platform, Method: method, Err: driver.ScrubError(err, secrets)}
	}
	body, err := readBody(resp, a.cfg.maxBody)
	if err != nil {
		a.log(req, platform, method, resp.StatusCode, start, err, secrets)
		if cerr := req.Context().Err(); cerr != nil {
			// The context ended the reply (a body that stalled or dripped
			// past the deadline): an error of the context, as the caller
			// tests it with errors.Is(err, ctx.Err()).
			return nil, &TransportError{Platform: platform, Method: method,
				Err: fmt.Errorf("reading the reply body (http %d): %w", resp.StatusCode, cerr)}
		}
		return nil, &driver.ReplyError{Platform: platform, Method: method, HTTPStatus: resp.StatusCode, Reason: err.Error()}
	}
	a.log(req, platform, method, resp.StatusCode, start, nil, secrets)
	return driver.NewResponse(platform, method, resp.StatusCode, resp.Header, body, secrets), nil
}

// log writes one debug line for a request, with secrets masked.
func (a *API) log(req *http.Request, platform, method string, status int, start time.Time, err error, secrets []string) {
	l := a.cfg.logger
	if l == nil || !l.Enabled(req.Context(), slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("platform", platform),
		slog.String("method", method),
		slog.String("verb", req.Method),
		slog.String("url", driver.RedactURL(req.URL, secrets)),
		slog.Int("status", status),
		slog.Duration("elapsed", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", driver.Redact(err.Error(), secrets)))
	}
	l.LogAttrs(req.Context(), slog.LevelDebug, "snskit request", attrs...)
}

// contextOrBackground returns ctx, or context.Background for a nil ctx.
func contextOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// Format prints String whatever the verb: %d or %x of an API would
// otherwise print its fields, the app secret among them.
func (a *API) Format(f fmt.State, verb rune) { io.WriteString(f, a.String()) }

// httpClient returns a copy of the HTTP client the API sends requests with:
// changing it changes nothing.
func (a *API) httpClient() *http.Client {
	c := *a.cfg.client
	return &c
}
