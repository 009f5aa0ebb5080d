package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// redactWriter masks secrets in everything written through it. snskit
// writes whole messages in single writes, so no secret is split between two
// writes.
// Writes may come from several goroutines (a token refresh saves and notes
// its token in its own).
type redactWriter struct {
	w       io.Writer
	mu      sync.Mutex
	secrets []string
}

func (r *redactWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.secrets) == 0 {
		return r.w.Write(p)
	}
	if _, err := io.WriteString(r.w, driver.Redact(string(p), r.secrets)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// printResult writes the result of a call as -raw and -q ask. A -q path
// that matches nothing writes nothing to out and a note to errw.
func printResult(out, errw io.Writer, r *snskit.Response, f *callFlags) {
	if f.raw {
		printRaw(out, r.Body)
		return
	}
	res := r.Result
	if f.query != "" {
		res = res.Get(f.query)
		if !res.Exists() {
			fmt.Fprintf(errw, "snskit: -q %q matches nothing in the result\n", f.query)
			return
		}
		if res.Type == gjson.String {
			fmt.Fprintf(out, "%s\n", res.Str)
			return
		}
	}
	fmt.Fprintf(out, "%s\n", indentJSON(res, ""))
}

// printRaw writes a reply body as received, ending it with a newline when
// it has none.
func printRaw(w io.Writer, body string) {
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	io.WriteString(w, body)
}

// indentJSON indents the JSON text of res, each line after the first
// starting with prefix. It reindents res.Raw without decoding it, so numbers
// and key order stay exactly as the platform sent them.
func indentJSON(res gjson.Result, prefix string) string {
	raw := res.Raw
	if raw == "" {
		if !res.Exists() {
			return "null"
		}
		b, err := json.Marshal(res.Value()) // a result built by a platform, not parsed
		if err != nil {
			return res.String()
		}
		raw = string(b)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(raw), prefix, "  "); err != nil {
		return raw
	}
	return buf.String()
}
