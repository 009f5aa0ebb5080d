package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/snskit/snskit/auth"
)

// The OAuth 2.0 authorization-code login of "snskit login": a listener on
// a loopback address receives the platform's redirect, the state is
// checked, and the code exchanged for a token.

// loginOutcome is how a login ended.
type loginOutcome struct {
	saved *auth.Saved
	err   error
}

// checkRedirectURI validates -redirect-uri: an http URL on a loopback host,
// where snskit can listen.
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "":
		return fmt.Errorf("-redirect-uri %q is not an absolute URL such as http://127.0.0.1:8080/callback", raw)
	case u.Scheme != "http":
		return fmt.Errorf("-redirect-uri %q: snskit serves the redirect itself over plain http on a loopback address; register an http://127.0.0.1:PORT/... address with the platform", raw)
	case !isLoopback(u.Hostname()):
		return fmt.Errorf("-redirect-uri %q: the host must be loopback (127.0.0.1, ::1 or localhost): snskit listens there for the redirect", raw)
	}
	return nil
}

// callbackListener listens on the loopback address of the redirect URL and
// returns it with the redirect URL and the path to serve. -redirect-uri has
// been checked by checkRedirectURI.
func (f *loginFlags) callbackListener() (net.Listener, string, string, error) {
	if f.redirectURI == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, "", "", fmt.Errorf("cannot listen on a loopback port for the redirect: %w", err)
		}
		return ln, "http://" + ln.Addr().String() + "/callback", "/callback", nil
	}
	u, err := url.Parse(f.redirectURI)
	if err != nil {
		return nil, "", "", err
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return nil, "", "", fmt.Errorf("cannot listen on %s for the redirect (is another login running?): %w", u.Host, err)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	return ln, f.redirectURI, path, nil
}

// isLoopback reports whether host names this machine's loopback interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// browserFlow starts a login that the user approves in a browser, given
// the redirect URL: it returns the URL to send the user to, and the
// function that turns the redirect's query into the credential.
type browserFlow func(ctx context.Context, redirect string) (authURL string, handle func(q url.Values) (*auth.Saved, error), err error)

// authCode runs the OAuth 2.0 authorization-code login.
func (lr *loginRun) authCode(ctx context.Context) (*auth.Saved, int) {
	return lr.viaBrowser(ctx, func(ctx context.Context, redirect string) (string, func(url.Values) (*auth.Saved, error), error) {
		login, err := lr.api.Login(redirect, lr.f.scopes()...)
		if err != nil {
			return "", nil, err
		}
		state := auth.NewState()
		authURL, err := login.AuthCodeURL(state)
		if err != nil {
			return "", nil, err
		}
		handle := func(q url.Values) (*auth.Saved, error) {
			if err := auth.CheckState(state, q.Get("state")); err != nil {
				return nil, err
			}
			if err := redirectError(lr.name, q); err != nil {
				return nil, err
			}
			code := q.Get("code")
			if code == "" {
				return nil, errors.New("the redirect carries no code and no error")
			}
			tok, err := login.Exchange(ctx, code)
			if err != nil {
				return nil, err
			}
			s := auth.NewSaved(tok)
			s.RedirectURL = redirect
			return s, nil
		}
		return authURL, handle, nil
	})
}

// redirectError returns the error a redirect reports (error,
// error_description), or nil.
func redirectError(name string, q url.Values) error {
	e := q.Get("error")
	if e == "" {
		return nil
	}
	msg := fmt.Sprintf("%s refused the login: %s", name, e)
	if d := q.Get("error_description"); d != "" {
		msg += ": " + d
	}
	return errors.New(msg)
}

// viaBrowser runs a login approved in a browser: it listens for the
// redirect on a loopback address, prints the authorize URL (and opens a
// browser, or with -sandbox follows the URL itself), and waits for the
// redirect, which the flow's handler turns into a credential.
func (lr *loginRun) viaBrowser(ctx context.Context, flow browserFlow) (*auth.Saved, int) {
	ln, redirect, path, err := lr.f.callbackListener()
	if err != nil {
		fmt.Fprintf(lr.errw, "snskit: %s login: %v\n", lr.name, err)
		return nil, exitTransport
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	authURL, handle, err := flow(ctx, redirect)
	if err != nil {
		ln.Close()
		return lr.fail(err)
	}
	results := make(chan loginOutcome, 1)
	deliver := func(o loginOutcome) {
		select {
		case results <- o:
		default: // the login has already ended
		}
	}
	cb := &callback{name: lr.name, path: path, handle: handle, deliver: deliver}
	srv := &http.Server{Handler: cb, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // ends with Shutdown
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
	}()

	fmt.Fprintf(lr.errw, "snskit: open this URL in your browser to log in to %s:\n\n  %s\n\n", lr.name, authURL)
	fmt.Fprintf(lr.errw, "snskit: waiting for the redirect to %s", redirect)
	if lr.f.timeout > 0 {
		fmt.Fprintf(lr.errw, " (for %s; Ctrl-C to give up)", lr.f.timeout)
	}
	fmt.Fprintln(lr.errw)
	var follow sync.WaitGroup
	defer follow.Wait()
	switch {
	case lr.f.sandbox:
		fmt.Fprintln(lr.errw, "snskit: -sandbox: following the URL myself, as the sandbox approves at once")
		follow.Add(1)
		go func() {
			defer follow.Done()
			if err := followAuthorize(ctx, authURL, ln.Addr()); err != nil {
				deliver(loginOutcome{err: err})
			}
		}()
	case !lr.f.noBrowser && lr.con.browse != nil:
		if err := lr.con.browse(authURL); err != nil {
			fmt.Fprintf(lr.errw, "snskit: could not open a browser (%v); open the URL yourself\n", err)
		}
	}

	select {
	case o := <-results:
		if o.err != nil {
			return lr.fail(o.err)
		}
		return o.saved, exitOK
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			fmt.Fprintf(lr.errw, "snskit: %s login: no redirect came back to %s within %s; open the URL above in a browser, or raise -timeout\n", lr.name, redirect, lr.f.timeout)
		} else {
			fmt.Fprintf(lr.errw, "snskit: %s login: interrupted\n", lr.name)
		}
		return nil, exitTransport
	}
}

// callback serves the redirect of the authorize page: its handler checks
// it and obtains the credential; the browser gets a short page. The first
// redirect ends the login, whatever its outcome.
type callback struct {
	name    string
	path    string // the redirect URL's path; others are not found
	handle  func(url.Values) (*auth.Saved, error)
	deliver func(loginOutcome)

	mu   sync.Mutex
	done bool
}

func (c *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != c.path || r.Method != http.MethodGet {
		http.NotFound(w, r) // such as the browser's /favicon.ico
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		writePage(w, http.StatusGone, "This login is over", "snskit has already received a redirect for this login. Run snskit login again.")
		return
	}
	c.done = true
	s, err := c.handle(r.URL.Query())
	if err != nil {
		writePage(w, http.StatusBadRequest, "Login failed", strings.TrimPrefix(err.Error(), "snskit: ")+"\n\nsnskit stopped this login; run snskit login again.")
	} else {
		writePage(w, http.StatusOK, "Logged in", "snskit is logged in to "+c.name+". You can close this tab.")
	}
	c.deliver(loginOutcome{saved: s, err: err})
}

// writePage answers the browser with a small HTML page.
func writePage(w http.ResponseWriter, status int, title, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>snskit: %s</title></head>\n<body><h1>%s</h1><p>%s</p></body></html>\n",
		html.EscapeString(title), html.EscapeString(title), strings.ReplaceAll(html.EscapeString(msg), "\n", "<br>"))
}

// followAuthorize plays the browser against a sandbox: it gets the
// authorize URL and follows its redirects, the last of which reaches the
// login's own listener at addr. It fails when the authorize page answers
// without redirecting there.
func followAuthorize(ctx context.Context, authURL string, addr net.Addr) error {
	client := &http.Client{Timeout: 30 * time.Second}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return fmt.Errorf("-sandbox: the authorize URL: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil // the login ended first
		}
		return fmt.Errorf("-sandbox: following the authorize URL: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if reaches(resp.Request.URL, addr) {
		return nil // the callback has delivered the outcome
	}
	return fmt.Errorf("-sandbox: the authorize page answered HTTP %d without redirecting to the login: %s",
		resp.StatusCode, strings.Join(strings.Fields(string(body)), " "))
}

// reaches reports whether u is served by the loopback listener at addr.
func reaches(u *url.URL, addr net.Addr) bool {
	_, port, _ := net.SplitHostPort(addr.String())
	p := u.Port()
	if p == "" {
		p = "80"
	}
	return isLoopback(u.Hostname()) && p == port
}
