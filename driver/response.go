package driver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/snskit/snskit/internal/jsonscan"
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

	secrets []string // the request's, masked in what its errors quote of Body
}

// NewResponse returns the reply to a request that carried secrets: they are
// masked in any part of the body its errors quote (see MaskedBody). The
// client makes each call's Response this way; a platform makes its own only
// for bodies it read itself.
func NewResponse(platform, method string, status int, header http.Header, body string, secrets []string) *Response {
	return &Response{Platform: platform, Method: method, StatusCode: status, Header: header, Body: body, secrets: secrets}
}

// MaskedBody returns Body with the secrets of the request that got it
// masked in every encoding, for a platform's error message that quotes the
// reply. Cut the masked body, never Body: a secret cut in two is no longer
// found by the masking that errors get later, and its first half would be
// shown.
func (r *Response) MaskedBody() string { return Redact(r.Body, r.secrets) }

// ParseJSON parses r.Body as one JSON value, for a platform's Decode. It
// accepts JSON whatever the Content-Type (QQ serves JSON as text/html), skips
// a UTF-8 byte-order mark and surrounding space, and unwraps JSONP
// ("callback( {...} );"). An empty body, an HTML page, a body that is not
// complete JSON, holds more than one value, or nests arrays and objects
// deeper than MaxJSONDepth gives a *ReplyError that says so. It checks the
// body in one pass without recursion, so no reply, however hostile, costs
// more than time linear in its size, and gjson's recursive parts
// (Result.Value, Array, ForEach) then recurse at most MaxJSONDepth levels
// on the document.
func ParseJSON(r *Response) (gjson.Result, error) {
	return ParseJSONFields(r, nil, nil)
}

// MaxJSONDepth is the deepest nesting of arrays and objects ParseJSON
// accepts in a reply (the outermost array or object is at depth 1), as in
// encoding/json. Platforms' replies nest a few dozen levels at most.
const MaxJSONDepth = jsonscan.MaxDepth

// ParseJSONFields is ParseJSON that also reads a platform's envelope in the
// same pass: vals[k] is set to the value of the reply's first top-level
// member named keys[k], or to the zero gjson.Result (Exists false) when the
// reply has none or is not an object. It walks the top-level members once,
// where one doc.Get per key would scan the whole object each time, and
// allocates nothing when the reply is good. vals must be at least as long as
// keys.
//
//	var env [2]gjson.Result
//	doc, err := driver.ParseJSONFields(r, []string{"response", "error"}, env[:])
func ParseJSONFields(r *Response, keys []string, vals []gjson.Result) (gjson.Result, error) {
	if len(vals) < len(keys) {
		return gjson.Result{}, fmt.Errorf("snskit: ParseJSONFields: %d keys but only %d vals", len(keys), len(vals))
	}
	for k := range keys {
		vals[k] = gjson.Result{}
	}
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
	if err := jsonscan.Object(s, keys, vals); err != nil {
		for k := range keys {
			vals[k] = gjson.Result{}
		}
		return gjson.Result{}, r.replyError(jsonReason(s, err))
	}
	// s is a substring of r.Body: make the values' Index offsets in it.
	off := int(uintptr(unsafe.Pointer(unsafe.StringData(s))) - uintptr(unsafe.Pointer(unsafe.StringData(r.Body))))
	for k := range keys {
		if vals[k].Exists() {
			vals[k].Index += off
		}
	}
	return gjson.Parse(s), nil
}

// ObjectFields returns the members of the JSON object doc as Go values
// (map[string]any, []any, float64, string, bool, nil), as doc.Value() does,
// or nil when doc is not an object. It decodes with encoding/json in time
// linear in doc's size: gjson's Value scans each nested value again at every
// level above it, which costs the square of the size on a reply nested
// thousands of levels deep. Token answers' fields go through it.
func ObjectFields(doc gjson.Result) map[string]any {
	if !doc.IsObject() {
		return nil
	}
	var m map[string]any
	if json.Unmarshal([]byte(doc.Raw), &m) != nil {
		return nil
	}
	return m
}

// jsonReason says why s, which jsonscan refused with err, is not a reply.
func jsonReason(s string, err error) string {
	var e *jsonscan.Error
	if !errors.As(err, &e) {
		return "reply is not valid JSON"
	}
	switch e.Kind {
	case jsonscan.TooDeep:
		return "reply nests deeper than " + jsonscan.DepthText + " levels of arrays and objects; no platform sends that"
	case jsonscan.Trailing:
		return fmt.Sprintf("reply holds more than one JSON value (more after byte %d)", e.Offset)
	case jsonscan.Incomplete:
		return fmt.Sprintf("reply is not complete JSON (truncated after %d bytes)", e.Offset)
	}
	if s[0] == '{' || s[0] == '[' {
		return fmt.Sprintf("reply is not complete JSON (malformed at byte %d)", e.Offset)
	}
	return "reply is not valid JSON"
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
		Snippet:    Snippet(r.MaskedBody(), 120), // mask, then cut
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
