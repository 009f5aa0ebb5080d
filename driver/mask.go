package driver

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/snskit/snskit/auth"
)

// minSecretLen is the shortest value masked wherever it appears: shorter
// ones would mask ordinary words and numbers.
const minSecretLen = 4

// masker masks a call's secrets in every form they travel in: raw,
// query-escaped, path-escaped (each also with lowercase hex), and
// JSON-escaped as Go, PHP ("\/") and Python (ASCII-only "\u0416") write it.
// A token with '|', '+', '/' or '=' (Renren's have '|') or non-ASCII text
// looks different in each.
type masker struct {
	forms []string // longest first
	r     *strings.Replacer
}

// newMasker returns a masker of secrets; values shorter than minSecretLen
// are left out.
func newMasker(secrets []string) masker {
	var forms []string
	mask := map[string]string{}
	for _, sec := range secrets {
		if len(sec) < minSecretLen {
			continue
		}
		masked := auth.Mask(sec)
		for i := range numEncodings {
			f := encode(i, sec)
			if _, ok := mask[f]; !ok {
				// The visible tail is encoded like the rest, so that a
				// masked JSON string or query stays well-formed.
				mask[f] = "****" + encode(i, strings.TrimPrefix(masked, "****"))
				forms = append(forms, f)
			}
		}
	}
	if len(forms) == 0 {
		return masker{}
	}
	// Longest first, so that a form is replaced whole before a shorter one
	// inside it could be.
	sort.SliceStable(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, mask[f])
	}
	return masker{forms: forms, r: strings.NewReplacer(pairs...)}
}

// mask returns s with every form of every secret masked.
func (m masker) mask(s string) string {
	if m.r == nil || !m.holds(s) {
		return s
	}
	return m.r.Replace(s)
}

// holds reports whether s contains a form of a secret.
func (m masker) holds(s string) bool {
	for _, f := range m.forms {
		if strings.Contains(s, f) {
			return true
		}
	}
	return false
}

// numEncodings is the number of forms encode knows.
const numEncodings = 10

// encode returns secret s in its i-th form: raw, query- and path-escaped
// (also with lowercase hex, and query-escaped twice, as in a URL inside a
// query), and JSON-escaped in each way JSON encoders write it.
func encode(i int, s string) string {
	switch i {
	case 1:
		return url.QueryEscape(s)
	case 2:
		return url.PathEscape(s)
	case 3:
		return lowerHex(url.QueryEscape(s))
	case 4:
		return lowerHex(url.PathEscape(s))
	case 5:
		return url.QueryEscape(url.QueryEscape(s))
	case 6, 7, 8, 9:
		return jsonEscape(s, i&1 == 1, i >= 8)
	}
	return s
}

// lowerHex returns an escaped string with its %XX escapes in lowercase hex,
// as some servers echo them.
func lowerHex(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if 'A' <= b[j] && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
		}
	}
	return string(b)
}

// jsonEscape returns s as it reads inside a JSON string: escapeSlash writes
// '/' as "\/" (PHP's json_encode), asciiOnly writes non-ASCII runes and
// HTML-sensitive characters as \u escapes (Python's json.dumps, Go's
// encoding/json for <, > and &).
func jsonEscape(s string, escapeSlash, asciiOnly bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '/' && escapeSlash:
			b.WriteString(`\/`)
		case r < 0x20 || asciiOnly && (r >= utf8.RuneSelf || r == '<' || r == '>' || r == '&'):
			if r > 0xFFFF {
				r1, r2 := surrogates(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// surrogates returns the UTF-16 surrogate pair of a rune above U+FFFF.
func surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xD800 + (r>>10)&0x3FF, 0xDC00 + r&0x3FF
}
