// Command weixin-login is the Flask app of the python-weixin seed in Go: a
// web site whose "/" shows a login link, "/login" sends the user to
// WeChat's login page (网站应用微信登录), and "/authorization" receives
// WeChat's redirect, checks the state, exchanges the code and answers the
// user's profile as JSON (the seed's api.user(openid), sns.userinfo).
//
//	go run ./examples/weixin-login    # then open http://127.0.0.1:8080/
//
// With no credentials it starts the built-in sandbox, whose login page
// approves at once, so the whole loop runs in a local browser with no
// account. With your website application's credentials in the environment
// it sends users to WeChat and starts no sandbox:
//
//	SNSKIT_WEIXIN_APP_ID        the website application's AppID
//	SNSKIT_WEIXIN_APP_SECRET    its AppSecret
//	SNSKIT_WEIXIN_REDIRECT_URI  this site's /authorization address on the domain registered
//	                            with WeChat (授权回调域); by default the address the browser used
//	SNSKIT_WEIXIN_BASE_URL      one URL standing for WeChat's hosts (a proxy; optional)
//	SNSKIT_WEIXIN_ADDR          the address to listen on (127.0.0.1:8080 by default)
//
// The state travels in a cookie that is HttpOnly (no script reads it) and
// SameSite=Lax (sent back on WeChat's redirect, a top-level GET, and on no
// cross-site subrequest), good for one login. The site prints a line per
// login and never a token or secret.
package main

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
)

func main() {
	addr := os.Getenv("SNSKIT_WEIXIN_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "weixin-login:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err = run(ctx, os.Stdout, ln, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "weixin-login:", err)
		os.Exit(1)
	}
}

// run serves the site on ln until ctx is done.
func run(ctx context.Context, w io.Writer, ln net.Listener, getenv func(string) string) error {
	defer ln.Close()
	api, closeSandbox, err := configure(w, getenv)
	if err != nil {
		return err
	}
	defer closeSandbox()
	s := &site{api: api, redirect: getenv("SNSKIT_WEIXIN_REDIRECT_URI"), log: w}
	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(w, "open http://%s/ in a browser (Ctrl-C to stop)\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
		stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(stop)
	}
}

// configure returns the WeChat client: on the sandbox, or with the
// credentials of the environment.
func configure(w io.Writer, getenv func(string) string) (*snskit.API, func(), error) {
	id, secret := getenv("SNSKIT_WEIXIN_APP_ID"), getenv("SNSKIT_WEIXIN_APP_SECRET")
	if id == "" && secret == "" {
		s, err := sandbox.New()
		if err != nil {
			return nil, nil, err
		}
		app := s.App(sandbox.Weixin)
		api, err := snskit.New(platforms.Weixin(), snskit.WithApp(app.ID, app.Secret), snskit.WithBaseURL(s.URL(sandbox.Weixin)))
		if err != nil {
			s.Close()
			return nil, nil, err
		}
		fmt.Fprintf(w, "no SNSKIT_WEIXIN_APP_ID: WeChat is the built-in sandbox at %s, which approves every login at once\n", s.URL(sandbox.Weixin))
		return api, s.Close, nil
	}
	if id == "" || secret == "" {
		return nil, nil, errors.New("set both SNSKIT_WEIXIN_APP_ID and SNSKIT_WEIXIN_APP_SECRET, or neither to use the sandbox")
	}
	opts := []snskit.Option{snskit.WithApp(id, secret)}
	if base := getenv("SNSKIT_WEIXIN_BASE_URL"); base != "" {
		opts = append(opts, snskit.WithBaseURL(base))
	}
	api, err := snskit.New(platforms.Weixin(), opts...)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(w, "logging users in to the WeChat website application %s\n", id)
	return api, func() {}, nil
}

// stateCookie holds the state of the login under way.
const stateCookie = "weixin_login_state"

// site is the web site. Its handlers are safe for concurrent use.
type site struct {
	api      *snskit.API
	redirect string // the registered /authorization address; empty: the one the browser used

	mu  sync.Mutex // serializes log lines
	log io.Writer
}

func (s *site) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /login", s.login)
	mux.HandleFunc("GET /authorization", s.authorization)
	return mux
}

func (s *site) logf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.log, format+"\n", args...)
}

var homePage = template.Must(template.New("home").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>snskit: WeChat login</title></head>
<body><a href="/login">weixin login!</a></body></html>
`))

// home is the seed's "/": a link to /login.
func (s *site) home(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = homePage.Execute(w, nil)
}

// loginFor returns the site's WeChat login. Without a configured redirect
// address it uses the address the browser used; WeChat accepts it only on
// the registered domain.
func (s *site) loginFor(r *http.Request) (*snskit.Login, error) {
	redirect := s.redirect
	if redirect == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		redirect = scheme + "://" + r.Host + "/authorization"
	}
	return s.api.Login(redirect, "snsapi_login")
}

// login is the seed's "/login": a fresh state in a cookie, and a redirect to
// WeChat's login page.
func (s *site) login(w http.ResponseWriter, r *http.Request) {
	login, err := s.loginFor(r)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "the site's login is misconfigured", err)
		return
	}
	state := auth.NewState()
	u, err := login.AuthCodeURL(state)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "the site's login is misconfigured", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: "/authorization", MaxAge: 600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	s.logf("login: sent a browser to WeChat's login page")
	http.Redirect(w, r, u, http.StatusFound)
}

// authorization is the seed's "/authorization": WeChat's redirect with code
// and state.
func (s *site) authorization(w http.ResponseWriter, r *http.Request) {
	var sent string
	if c, err := r.Cookie(stateCookie); err == nil {
		sent = c.Value
	}
	// A state is good for one login.
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Path: "/authorization", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	if err := auth.CheckState(sent, r.FormValue("state")); err != nil {
		s.fail(w, http.StatusBadRequest, "this login was not started here, or was already used; start again at /login", err)
		return
	}
	code := r.FormValue("code")
	if code == "" { // WeChat sends the state alone when the user declines
		s.fail(w, http.StatusBadRequest, "you did not allow the login", errors.New("the redirect carries no code"))
		return
	}
	login, err := s.loginFor(r)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "the site's login is misconfigured", err)
		return
	}
	tok, err := login.Exchange(r.Context(), code)
	if err != nil {
		status := http.StatusBadGateway
		if errors.Is(err, snskit.ErrBadParams) { // 40029 invalid code, 40163 code used, 42003 code expired
			status = http.StatusBadRequest
		}
		s.fail(w, status, "WeChat did not accept the login; start again at /login", err)
		return
	}
	// A real site keeps tok in the user's session (and stores the ones
	// auth.OnToken hands over); the token carries the openid.
	client, err := s.api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "the site's client is misconfigured", err)
		return
	}
	user, err := client.Method("sns.userinfo").DoContext(r.Context(), nil)
	if err != nil {
		s.fail(w, http.StatusBadGateway, "WeChat did not give the user's profile", err)
		return
	}
	s.logf("authorization: %s logged in (openid %s)", user.Get("nickname"), user.Get("openid"))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = io.WriteString(w, user.Raw) // the seed's jsonify(resp)
}

// fail answers status with a message for the user, and logs the cause
// (snskit's errors hold no secret).
func (s *site) fail(w http.ResponseWriter, status int, msg string, cause error) {
	s.logf("refused (%d): %s: %v", status, msg, cause)
	http.Error(w, msg, status)
}
