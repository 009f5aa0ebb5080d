package driver

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// Response is a platform's reply to a call.
type Response struct {
	// Platform and Method name the call.
	Platform string
	Method   string
	// StatusCode and Header are the HTTP status and headers.
	StatusCode int
	Header     http.Header
	// Body is the whole body exactly as received. It is read once; Result
	// and the errors point into it without copying.
	Body string
	// Result is the payload with the platform's envelope removed (VK's and
	// Renren 2.0's "response"). It is set once the platform has decoded the
	// reply.
	Result gjson.Result

	secrets []string // masked in the snippets of its errors (Draft.Fetch's)
}

// ParseJSON parses r.Body as one JSON value, for a platform's Decode. It
// accepts JSON whatever the Content-Type (QQ serves JSON as text/html), skips
// a UTF-8 byte-order mark and surrounding space, and unwraps JSONP
// ("callback( {...} );"). An empty body, an HTML page, or a body that is not
// complete JSON gives a *ReplyError that says so.
func ParseJSON(r *Response) (gjson.Result, error) {
	s := strings.TrimSpace(strings.TrimPrefix(r.Body, "\uFEFF"))
	if s == "" {
		return gjson.Result{}, r.replyError("empty reply body where JSON was expected")
	}
	if s[0] != '{' && s[0] != '[' {
		if inner, ok := UnwrapJSONP(s); ok {
			if inner == "" {
				return gjson.Result{}, r.replyError("empty JSONP reply where JSON was expected")
			}
			s = inner
		}
	}
	if s[0] == '<' {
		return gjson.Result{}, r.replyError("reply is an HTML or XML page, not JSON; the platform or a proxy answered with an error page")
	}
	if !gjson.Valid(s) {
		reason := "reply is not valid JSON"
		if s[0] == '{' || s[0] == '[' {
			reason = "reply is not complete JSON (truncated or malformed)"
		}
		return gjson.Result{}, r.replyError(reason)
	}
	return gjson.Parse(s), nil
}

// UnwrapJSONP returns the JSON inside a JSONP reply such as
// `callback( {"openid":"..."} );` and true, or s and false when s is not one.
func UnwrapJSONP(s string) (string, bool) {
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	if open <= 0 {
		return s, false
	}
	if c := s[0]; !(c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
		return s, false // a callback name starts like a JavaScript identifier
	}
	for _, c := range s[:open] {
		if !(c == '_' || c == '$' || c == '.' || c == ' ' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return s, false
		}
	}
	end := strings.LastIndexByte(s, ')')
	if end < open {
		return s, false
	}
	if rest := strings.TrimSpace(s[end+1:]); rest != "" && rest != ";" {
		return s, false
	}
	return strings.TrimSpace(s[open+1 : end]), true
}

// ReplyError returns a *ReplyError about r with the start of its body.
func (r *Response) replyError(reason string) *ReplyError {
	return &ReplyError{
		Platform:   r.Platform,
		Method:     r.Method,
		HTTPStatus: r.StatusCode,
		Reason:     reason,
		Snippet:    Snippet(Redact(r.Body, r.secrets), 120), // mask, then cut
	}
}

// BadReply returns a *ReplyError about r, for platforms whose replies break
// their own rules in a way ParseJSON cannot see.
func (r *Response) BadReply(reason string) error { return r.replyError(reason) }

// Snippet returns at most n bytes of s, cut at a rune boundary, with the
// markup of HTML pages' heads dropped to their title when there is one.
func Snippet(s string, n int) string {
	s = strings.TrimSpace(s)
	if i := indexFoldASCII(s, "<title>"); i >= 0 {
		if j := indexFoldASCII(s[i:], "</title>"); j > 0 {
			s = strings.TrimSpace(s[i+len("<title>") : i+j])
		}
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// indexFoldASCII is strings.Index ignoring ASCII case. Unlike searching in
// strings.ToLower(s), its result indexes s itself whatever bytes s holds.
func indexFoldASCII(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
