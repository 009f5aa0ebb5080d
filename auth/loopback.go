package auth

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Loopback receives one OAuth redirect on this machine's loopback
// interface, the way command-line tools and desktop applications log users
// in (RFC 8252, section 7.3): register its RedirectURL with the login, send
// the user's browser to the authorize URL, and Receive the redirect.
//
// The first GET to the redirect's path is the login's; later ones get a 410
// page, other paths a 404 (such as the browser's /favicon.ico). A Loopback
// is safe for concurrent use; Close it when done.
type Loopback struct {
	ln       net.Listener
	srv      *http.Server
	redirect string
	path     string

	mu      sync.Mutex
	handle  func(url.Values) error
	ready   chan struct{} // closed when Receive has set handle
	closed  chan struct{} // closed by Close
	results chan error
	done    bool
	once    sync.Once
}

// ErrLoopbackClosed is what Receive returns when the Loopback was closed
// before a redirect came.
const ErrLoopbackClosed loopbackError = "auth: the loopback listener was closed before the redirect came"

type loopbackError string

// Error returns the message.
func (e loopbackError) Error() string { return string(e) }

// NewLoopback listens for the redirect. An empty redirectURL picks a free
// port: http://127.0.0.1:PORT/callback. Otherwise redirectURL must be an
// http URL on 127.0.0.1, ::1 or localhost, and its port is listened on.
func NewLoopback(redirectURL string) (*Loopback, error) {
	addr, path := "127.0.0.1:0", "/callback"
	if redirectURL != "" {
		u, err := url.Parse(redirectURL)
		if err != nil || u.Scheme != "http" || !loopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("auth: redirect URL %q must be http:// on 127.0.0.1, [::1] or localhost", redirectURL)
		}
		port := u.Port()
		if port == "" {
			port = "80"
		}
		addr, path = net.JoinHostPort(u.Hostname(), port), u.Path
		if path == "" {
			path = "/"
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("auth: cannot listen on %s for the redirect (is another login running?): %w", addr, err)
	}
	l := &Loopback{ln: ln, path: path, redirect: redirectURL, ready: make(chan struct{}), closed: make(chan struct{}), results: make(chan error, 1)}
	if redirectURL == "" {
		l.redirect = "http://" + ln.Addr().String() + path
	}
	l.srv = &http.Server{Handler: l, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = l.srv.Serve(ln) }() // ends with Close
	return l, nil
}

// RedirectURL returns the address to register as the login's redirect.
func (l *Loopback) RedirectURL() string { return l.redirect }

// Addr returns the address listened on.
func (l *Loopback) Addr() net.Addr { return l.ln.Addr() }

// Receive waits for the redirect and passes its query (code, state,
// error...) to handle, which checks the state and exchanges the code. The
// browser is shown a page that says whether it worked: handle's error, or
// that the tab can be closed. Receive returns handle's result, or the
// context's error when ctx ends first.
func (l *Loopback) Receive(ctx context.Context, handle func(url.Values) error) error {
	l.mu.Lock()
	if l.handle != nil || l.done {
		l.mu.Unlock()
		return errors.New("auth: Receive was already called on this Loopback")
	}
	l.handle = handle
	close(l.ready)
	l.mu.Unlock()
	select {
	case err := <-l.results:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-l.closed:
		return ErrLoopbackClosed
	}
}

// Close stops listening, ends a waiting Receive, and waits briefly for a
// page being written. Closing twice is harmless.
func (l *Loopback) Close() error {
	l.once.Do(func() { close(l.closed) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return l.srv.Shutdown(ctx)
}

// ServeHTTP serves the redirect.
func (l *Loopback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != l.path || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	// A redirect that comes before Receive waits for it.
	select {
	case <-l.ready:
	case <-l.closed:
		writeLoopbackPage(w, http.StatusGone, "This login is over", "The program stopped waiting for the redirect. Start the login again.")
		return
	case <-r.Context().Done():
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		writeLoopbackPage(w, http.StatusGone, "This login is over",
			"A redirect was already received for this login. Start the login again.")
		return
	}
	l.done = true
	err := l.handle(r.URL.Query())
	if err != nil {
		writeLoopbackPage(w, http.StatusBadRequest, "Login failed", err.Error()+"\n\nStart the login again.")
	} else {
		writeLoopbackPage(w, http.StatusOK, "Logged in", "You can close this tab.")
	}
	l.results <- err
}

// writeLoopbackPage answers the browser with a small HTML page that no
// cache keeps and that leaks no referrer.
func writeLoopbackPage(w http.ResponseWriter, status int, title, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body><h1>%s</h1><p>%s</p></body></html>\n",
		html.EscapeString(title), html.EscapeString(title), strings.ReplaceAll(html.EscapeString(msg), "\n", "<br>"))
}

// loopbackHost reports whether host names the loopback interface.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
