package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
)

// verboseTransport shows each request and reply of -v on w as curl -v
// does: "> " lines for the request (line, headers, body), "< " lines for the
// reply (status, headers, the start of the body), "* " lines for timing and
// failures. Secrets are masked: secret parameters and credentials in
// headers by name, and w (a redactWriter) masks every secret snskit knows.
type verboseTransport struct {
	base http.RoundTripper
	w    *redactWriter
}

// verboseBody is how much of a request or reply body -v shows. It reads
// verboseSlack bytes more, so that a secret across the cut is masked whole
// before the cut (a secret cut first would no longer be found, and its
// start would show).
const (
	verboseBody  = 2048
	verboseSlack = 2048
)

// maskThenCut masks in s every secret w masks, then cuts it to verboseBody
// bytes at a character boundary, marking the cut with " [...]" when s was
// cut or more was left.
func maskThenCut(w *redactWriter, s string, more bool) string {
	s = w.mask(s)
	if len(s) > verboseBody {
		n := verboseBody
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s, more = s[:n], true
	}
	if more {
		s += " [...]"
	}
	return s
}

func (t *verboseTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	var b strings.Builder
	uri := driver.RedactURL(req.URL, nil)
	if i := strings.Index(uri, req.URL.Host); i >= 0 {
		uri = uri[i+len(req.URL.Host):]
	}
	if uri == "" {
		uri = "/"
	}
	fmt.Fprintf(&b, "> %s %s HTTP/1.1\n> Host: %s\n", req.Method, uri, req.URL.Host)
	writeHeaders(&b, "> ", req.Header)
	if req.ContentLength > 0 {
		fmt.Fprintf(&b, "> Content-Length: %d\n", req.ContentLength)
	}
	b.WriteString(">\n")
	writeRequestBody(&b, req, t.w)
	io.WriteString(t.w, b.String())

	resp, err := t.base.RoundTrip(req)
	if err != nil {
		fmt.Fprintf(t.w, "* no reply after %v: %v\n", since(start), err)
		return nil, err
	}
	b.Reset()
	fmt.Fprintf(&b, "< %s %s\n", resp.Proto, resp.Status)
	writeHeaders(&b, "< ", resp.Header)
	b.WriteString("<\n")
	io.WriteString(t.w, b.String())
	resp.Body = &verboseReply{ReadCloser: resp.Body, w: t.w, start: start}
	return resp, nil
}

// writeHeaders writes h sorted, each line after prefix, credentials
// masked.
func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			if strings.EqualFold(k, "Set-Cookie") || strings.EqualFold(k, "Cookie") {
				if name, _, ok := strings.Cut(v, "="); ok {
					v = name + "=****"
				}
			}
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, driver.RedactHeader(k, v, nil))
		}
	}
}

// writeRequestBody shows a form body masked (read from a copy, so the
// request still sends its own) and says what other bodies are.
func writeRequestBody(b *strings.Builder, req *http.Request, w *redactWriter) {
	if req.Body == nil || req.Body == http.NoBody {
		return
	}
	mediaType, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if mediaType != "application/x-www-form-urlencoded" || req.GetBody == nil {
		fmt.Fprintf(b, "> (%s body of %s, files not shown)\n", mediaType, sizeText(req.ContentLength))
		return
	}
	body, err := req.GetBody()
	if err != nil {
		return
	}
	defer body.Close()
	raw, err := io.ReadAll(io.LimitReader(body, verboseBody+verboseSlack+1))
	if err != nil {
		return
	}
	more := len(raw) > verboseBody+verboseSlack
	fmt.Fprintf(b, "> %s\n", maskThenCut(w, driver.RedactQuery(string(raw)), more))
}

func sizeText(n int64) string {
	if n < 0 {
		return "unknown size"
	}
	return fmt.Sprintf("%d bytes", n)
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

// verboseReply shows the start of a reply body and the time taken once the
// client has read it and closes it.
type verboseReply struct {
	io.ReadCloser
	w     *redactWriter
	start time.Time
	head  []byte
	n     int64
	once  sync.Once
}

func (r *verboseReply) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if room := verboseBody + verboseSlack - len(r.head); room > 0 {
		r.head = append(r.head, p[:min(n, room)]...)
	}
	r.n += int64(n)
	return n, err
}

func (r *verboseReply) Close() error {
	err := r.ReadCloser.Close()
	r.once.Do(func() {
		var b strings.Builder
		if len(r.head) > 0 {
			s := maskThenCut(r.w, string(r.head), r.n > int64(len(r.head)))
			for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
				fmt.Fprintf(&b, "< %s\n", line)
			}
		}
		fmt.Fprintf(&b, "* %d bytes in %v\n", r.n, since(r.start))
		io.WriteString(r.w, maskSecretFields(b.String()))
	})
	return err
}

// maskSecretFields masks the values of secret fields in text that may be
// cut anywhere (the start of a body): "access_token":"..." in JSON and
// access_token=... in a form, by the names driver.IsSecretParam knows. A
// token endpoint's reply carries a new token snskit cannot know yet.
func maskSecretFields(s string) string {
	jsonField := regexp.MustCompile(`"([A-Za-z_]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)("?)`)
	s = jsonField.ReplaceAllStringFunc(s, func(m string) string {
		sub := jsonField.FindStringSubmatch(m)
		if !driver.IsSecretParam(sub[1]) {
			return m
		}
		return `"` + sub[1] + `"` + sub[2] + `"` + auth.Mask(sub[3]) + sub[4]
	})
	formField := regexp.MustCompile(`(^|[&?\s])([A-Za-z_]+)=([^&\s"]*)`)
	return formField.ReplaceAllStringFunc(s, func(m string) string {
		sub := formField.FindStringSubmatch(m)
		if !driver.IsSecretParam(sub[2]) {
			return m
		}
		return sub[1] + sub[2] + "=" + auth.Mask(sub[3])
	})
}

// noteCredentials writes, under -v, where each credential of the call came
// from: a flag, an environment variable, the sandbox; stored tokens are
// noted when they are loaded.
func (f *callFlags) noteCredentials(w io.Writer) {
	from := func(name string) string {
		switch {
		case f.sandbox && !f.given[name]:
			return "the sandbox"
		case f.fromEnv[name]:
			return envName(name)
		default:
			return "-" + name
		}
	}
	for _, c := range []struct{ flag, what, value string }{
		{"token", "access token", f.token},
		{"token-secret", "OAuth 1.0a token secret", f.tokenSecret},
		{"session-key", "session key", f.sessionKey},
		{"openid", "openid", f.openID},
		{"app-id", "app id", f.appID},
		{"app-secret", "app secret", f.appSecret},
	} {
		if c.value == "" || (f.stored != nil && (c.flag == "token" || c.flag == "app-id") && !f.given[c.flag]) {
			continue
		}
		fmt.Fprintf(w, "* %s from %s\n", c.what, from(c.flag))
	}
}

// skipRequestLines drops the library's one-line request logs, which the
// verbose transport shows in full; waits, retries and refreshes stay.
type skipRequestLines struct{ slog.Handler }

func (h skipRequestLines) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "snskit request" {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h skipRequestLines) WithAttrs(attrs []slog.Attr) slog.Handler {
	return skipRequestLines{h.Handler.WithAttrs(attrs)}
}

func (h skipRequestLines) WithGroup(name string) slog.Handler {
	return skipRequestLines{h.Handler.WithGroup(name)}
}
