package main

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
)

// printCurl writes the dry-run request req as a curl command that runs in a
// POSIX shell. Secrets given to snskit are not printed: the command reads
// them from the environment variables they came from ("$SNSKIT_TOKEN"), or
// asks 'snskit token -print-token' for a stored token. A signature computed
// from a secret (Renren 1.0's sig, OAuth 1.0a's oauth_signature) is valid
// for one request only and is itself a secret, so it is masked and a note
// says so: such a command must be sent with snskit call.
func printCurl(w io.Writer, req *http.Request, f *callFlags, params snskit.Params) error {
	vars := f.secretVars()
	var notes []string
	word := func(s string) string { return shellWord(s, vars) }
	field := func(pair string) string {
		name, value, _ := strings.Cut(pair, "=")
		if _, known := secretIn(value, vars); !known && driver.IsSecretParam(name) {
			notes = append(notes, fmt.Sprintf("%s is computed for this one request from a secret and is not shown: send the call with snskit call", name))
			value = "SECRET-NOT-SHOWN"
		}
		return word(name + "=" + value)
	}
	var b strings.Builder
	b.WriteString("curl")
	u := *req.URL
	query := u.Query()
	u.RawQuery = ""
	mediaType, mparams, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	var args []string
	switch {
	case req.Method == http.MethodGet:
		args = append(args, "-G")
		for _, k := range sortedKeys(query) {
			for _, v := range query[k] {
				args = append(args, "--data-urlencode", field(k+"="+v))
			}
		}
	default:
		if len(query) > 0 {
			u.RawQuery = "" // query parameters of a POST stay in the URL
			var q []string
			for _, k := range sortedKeys(query) {
				for _, v := range query[k] {
					q = append(q, url.QueryEscape(k)+"="+url.QueryEscape(v))
				}
			}
			u.RawQuery = strings.Join(q, "&")
		}
		body, err := readBodyArgs(req, mediaType, mparams, field, word, params)
		if err != nil {
			return err
		}
		args = append(args, body...)
		if len(body) == 0 {
			args = append(args, "-X", "POST")
		}
	}
	for _, k := range sortedKeys(url.Values(req.Header)) {
		if k == "Content-Type" && mediaType != "" && mediaType != "application/json" {
			continue // curl writes it for -F and --data-urlencode
		}
		for _, v := range req.Header[k] {
			if _, known := secretIn(v, vars); !known && strings.EqualFold(k, "Authorization") {
				v = driver.RedactHeader(k, v, f.secrets())
				notes = append(notes, "the Authorization header carries a signature for this one request and is not shown: send the call with snskit call")
			}
			args = append(args, "-H", word(k+": "+v))
		}
	}
	fmt.Fprintf(&b, " %s", word(u.String()))
	for _, a := range args {
		if strings.HasPrefix(a, "-") && !strings.Contains(a, " ") {
			fmt.Fprintf(&b, " \\\n  %s", a)
			continue
		}
		fmt.Fprintf(&b, " %s", a)
	}
	b.WriteString("\n")
	for _, n := range dedupe(notes) {
		fmt.Fprintf(&b, "# %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// readBodyArgs returns the curl arguments of req's body: --data-urlencode
// for a form, -F and --form-string for a multipart body (a file part as
// @path, the file the parameter named).
func readBodyArgs(req *http.Request, mediaType string, mparams map[string]string, field, word func(string) string, params snskit.Params) ([]string, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	var args []string
	switch mediaType {
	case "application/x-www-form-urlencoded":
		raw, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, fmt.Errorf("reading the request body: %w", err)
		}
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, fmt.Errorf("reading the request body: %w", err)
		}
		for _, k := range sortedKeys(form) {
			for _, v := range form[k] {
				args = append(args, "--data-urlencode", field(k+"="+v))
			}
		}
	case "multipart/form-data":
		mr := multipart.NewReader(req.Body, mparams["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("reading the multipart body: %w", err)
			}
			if part.FileName() != "" {
				args = append(args, "-F", word(part.FormName()+"=@"+uploadPath(params, part.FormName(), part.FileName())))
				continue
			}
			v, err := io.ReadAll(part)
			if err != nil {
				return nil, fmt.Errorf("reading part %q: %w", part.FormName(), err)
			}
			args = append(args, "--form-string", field(part.FormName()+"="+string(v)))
		}
	default:
		return nil, fmt.Errorf("-curl: a %s body cannot be written as curl arguments; use -dry-run without -curl", mediaType)
	}
	return args, nil
}

// uploadPath returns the path of the file a name=@path parameter opened,
// or name, the file name sent, when it is not known.
func uploadPath(params snskit.Params, field, name string) string {
	if f, ok := params[field].(snskit.File); ok {
		if of, ok := f.Reader.(*os.File); ok {
			return of.Name()
		}
	}
	return name
}

// secretVars maps each secret of the call to the shell expression that
// yields it: the environment variable its flag is read from, or, for a
// stored token, a 'snskit token -print-token' command.
func (f *callFlags) secretVars() map[string]string {
	vars := map[string]string{}
	add := func(value, expr string) {
		if value != "" {
			vars[value] = expr
		}
	}
	add(f.token, "$SNSKIT_TOKEN")
	add(f.tokenSecret, "$SNSKIT_TOKEN_SECRET")
	add(f.sessionKey, "$SNSKIT_SESSION_KEY")
	add(f.appSecret, "$SNSKIT_APP_SECRET")
	if f.stored != nil {
		main := f.stored.saved.AccessToken
		if main == "" {
			main = f.stored.saved.SessionKey
		}
		add(main, "$(snskit token -print-token "+f.stored.key+")")
	}
	return vars
}

// secretIn returns the first secret of vars found in s.
func secretIn(s string, vars map[string]string) (string, bool) {
	for v := range vars {
		if strings.Contains(s, v) {
			return v, true
		}
	}
	return "", false
}

// shellWord quotes s as one shell word, each secret of vars replaced by its
// expression in double quotes: 'access_token='"$SNSKIT_TOKEN".
func shellWord(s string, vars map[string]string) string {
	var b strings.Builder
	for s != "" {
		i, sec := len(s), ""
		for v := range vars {
			if j := strings.Index(s, v); j >= 0 && (j < i || j == i && len(v) > len(sec)) {
				i, sec = j, v
			}
		}
		if i > 0 {
			b.WriteString("'" + strings.ReplaceAll(s[:i], "'", `'\''`) + "'")
		}
		if sec == "" {
			break
		}
		b.WriteString(`"` + vars[sec] + `"`)
		s = s[i+len(sec):]
	}
	if b.Len() == 0 {
		return "''"
	}
	return b.String()
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func dedupe(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
