package main

import (
	"context"
	"errors"
	"fmt"
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
// redirect on a loopback address (auth.Loopback), prints the authorize URL
// (and opens a browser, or with -sandbox follows the URL itself), and waits
// for the redirect, which the flow's handler turns into a credential. The
// first redirect ends the login, whatever its outcome.
func (lr *loginRun) viaBrowser(ctx context.Context, flow browserFlow) (*auth.Saved, int) {
	lb, err := auth.NewLoopback(lr.f.redirectURI)
	if err != nil {
		fmt.Fprintf(lr.errw, "snskit: %s login: %v\n", lr.name, err)
		return nil, exitTransport
	}
	defer lb.Close()
	redirect := lb.RedirectURL()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	authURL, handle, err := flow(ctx, redirect)
	if err != nil {
		return lr.fail(err)
	}

	fmt.Fprintf(lr.errw, "snskit: open this URL in your browser to log in to %s:\n\n  %s\n\n", lr.name, authURL)
	fmt.Fprintf(lr.errw, "snskit: waiting for the redirect to %s", redirect)
	if lr.f.timeout > 0 {
		fmt.Fprintf(lr.errw, " (for %s; Ctrl-C to give up)", lr.f.timeout)
	}
	fmt.Fprintln(lr.errw)
	followErr := make(chan error, 1)
	var follow sync.WaitGroup
	defer follow.Wait()
	switch {
	case lr.f.sandbox:
		fmt.Fprintln(lr.errw, "snskit: -sandbox: following the URL myself, as the sandbox approves at once")
		follow.Add(1)
		go func() {
			defer follow.Done()
			if err := followAuthorize(ctx, authURL, lb.Addr()); err != nil {
				followErr <- err
			}
		}()
	case !lr.f.noBrowser && lr.con.browse != nil:
		if err := lr.con.browse(authURL); err != nil {
			fmt.Fprintf(lr.errw, "snskit: could not open a browser (%v); open the URL yourself\n", err)
		}
	}

	var saved *auth.Saved
	received := make(chan error, 1)
	go func() {
		received <- lb.Receive(ctx, func(q url.Values) error {
			s, err := handle(q)
			saved = s
			return err
		})
	}()
	select {
	case err = <-received:
	case err = <-followErr:
		cancel()
		<-received
	}
	switch {
	case err == nil:
		return saved, exitOK
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		fmt.Fprintf(lr.errw, "snskit: %s login: no redirect came back to %s within %s; open the URL above in a browser, or raise -timeout\n", lr.name, redirect, lr.f.timeout)
		return nil, exitTransport
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintf(lr.errw, "snskit: %s login: interrupted\n", lr.name)
		return nil, exitTransport
	}
	return lr.fail(err)
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
