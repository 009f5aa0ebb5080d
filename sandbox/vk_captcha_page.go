package sandbox

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// The page at a not-robot captcha's redirect_uri (id.vk.ru/not_robot_captcha
// upstream). GET shows a form with the session_token and an "I'm not a
// robot" checkbox (not_robot=1); POSTing it passes the captcha and answers
// the success_token: in the page, as <output id="success_token">, or as
// JSON {"success_token":"..."} when the request says Accept:
// application/json. Passing a page twice gives the same token. An unknown
// or missing session_token gets 404, a form without not_robot=1 gets the
// page again with HTTP 400.

// serveNotRobot is /not_robot_captcha.
func (p *vkPlatform) serveNotRobot(w http.ResponseWriter, r *http.Request) {
	session := r.Form.Get("session_token")
	p.mu.Lock()
	s := p.nr.bySession[session]
	p.mu.Unlock()
	if s == nil {
		http.Error(w, "sandbox: unknown or missing session_token", http.StatusNotFound)
		return
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		if r.Form.Get("not_robot") == "1" {
			p.mu.Lock()
			if s.success == "" {
				s.success = "sb." + randomHex(24)
				p.nr.byToken[s.success] = s
			}
			tok := s.success
			p.mu.Unlock()
			if strings.Contains(r.Header.Get("Accept"), "application/json") {
				writeJSON(w, http.StatusOK, "", map[string]string{"success_token": tok})
				return
			}
			vkPage(w, http.StatusOK, `<p>Done. Your success token:</p><output id="success_token">`+html.EscapeString(tok)+`</output>`)
			return
		}
		status = http.StatusBadRequest
	}
	vkPage(w, status, `<form method="post"><input type="hidden" name="session_token" value="`+html.EscapeString(session)+
		`"><label><input type="checkbox" name="not_robot" value="1"> I'm not a robot</label> <button>Continue</button></form>`)
}

// vkPage writes a small HTML page.
func vkPage(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `<!doctype html><html><head><title>VK sandbox</title></head><body>`+body+`</body></html>`)
}

// vkServeSoundCaptcha serves captcha_track: a short silent WAV.
func vkServeSoundCaptcha(w http.ResponseWriter) {
	const rate, samples = 8000, 800
	b := make([]byte, 44+samples)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+samples))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1) // PCM
	binary.LittleEndian.PutUint16(b[22:], 1) // mono
	binary.LittleEndian.PutUint32(b[24:], rate)
	binary.LittleEndian.PutUint32(b[28:], rate)
	binary.LittleEndian.PutUint16(b[32:], 1)
	binary.LittleEndian.PutUint16(b[34:], 8)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], samples)
	for i := 44; i < len(b); i++ {
		b[i] = 128 // silence in 8-bit PCM
	}
	w.Header().Set("Content-Type", "audio/wav")
	_, _ = w.Write(b)
}

// VKSolveCaptcha plays the user on a not-robot captcha page: it opens
// redirectURI (the redirect_uri of an error 14), ticks "I'm not a robot",
// submits the form and returns the success_token the page yields. It fails
// when redirectURI is not a captcha page of this sandbox.
func (s *Server) VKSolveCaptcha(ctx context.Context, redirectURI string) (string, error) {
	page, err := s.sandboxURL(redirectURI)
	if err != nil {
		return "", fmt.Errorf("sandbox: solve captcha: %w", err)
	}
	session := page.Query().Get("session_token")
	if session == "" {
		return "", errors.New("sandbox: solve captcha: the redirect_uri has no session_token; pass the error's redirect_uri")
	}
	form := url.Values{"session_token": {session}, "not_robot": {"1"}}
	post := *page
	post.RawQuery = ""
	var out struct {
		SuccessToken string `json:"success_token"`
	}
	if err := s.postForm(ctx, post.String(), form, &out); err != nil {
		return "", fmt.Errorf("sandbox: solve captcha: %w", err)
	}
	return out.SuccessToken, nil
}

// sandboxURL parses an absolute URL and checks that it points at this
// sandbox.
func (s *Server) sandboxURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, errors.New("the URL is not absolute; pass the one the sandbox gave")
	}
	base, err := url.Parse(s.srv.URL)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(u.Host, base.Host) {
		return nil, fmt.Errorf("the URL is on %s, not on this sandbox (%s)", u.Host, base.Host)
	}
	return u, nil
}

// postForm posts form to u asking for JSON and decodes the reply into out;
// a status other than 200 is an error.
func (s *Server) postForm(ctx context.Context, u string, form url.Values, out any) error {
	resp, body, err := s.submit(ctx, u, form)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the page answered %q", resp.Status)
	}
	return json.Unmarshal(body, out)
}

// submitForm posts form to u and returns where the page redirects, without
// following it.
func (s *Server) submitForm(ctx context.Context, u string, form url.Values) (*url.URL, error) {
	resp, _, err := s.submit(ctx, u, form)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return nil, fmt.Errorf("the page answered %q without redirecting", resp.Status)
	}
	return resp.Location()
}

// submit posts a form as a browser would, asking for JSON and not following
// redirects, and returns the reply with up to 64 KiB of its body.
func (s *Server) submit(ctx context.Context, u string, form url.Values) (*http.Response, []byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	browser := *s.srv.Client()
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := browser.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp, body, nil
}
