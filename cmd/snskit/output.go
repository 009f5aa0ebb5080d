package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"
	"golang.org/x/term"
)

// redactWriter masks secrets in everything written through it. snskit
// writes whole messages in single writes, so no secret is split between two
// writes.
// Writes may come from several goroutines (a token refresh saves and notes
// its token in its own).
//
// With cli set (on stderr), the library's Go advice in messages is
// rewritten into flags and commands (see cliWords).
type redactWriter struct {
	w       io.Writer
	mu      sync.Mutex
	secrets []string
	cli     bool
}

func (r *redactWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.secrets) == 0 && !r.cli {
		return r.w.Write(p)
	}
	s := string(p)
	if r.cli {
		s = cliWords(s)
	}
	if _, err := io.WriteString(r.w, driver.Redact(s, r.secrets)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// mask returns s with the secrets r masks masked, for text that is cut
// before it is written (mask it first, or a secret across the cut shows
// its start).
func (r *redactWriter) mask(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return driver.Redact(s, r.secrets)
}

// outputMode is how a result is printed.
type outputMode struct {
	indent bool // indented, one value per line; else compact, one line
	color  bool // ANSI colours
}

// outputOf decides the output mode from -format and -color: a terminal
// gets indented, coloured JSON (unless NO_COLOR is set or TERM is dumb), a
// pipe or file compact, uncoloured JSON, as jq and gh do.
func outputOf(w io.Writer, f *callFlags, env func(string) string) outputMode {
	tty := isTerminal(w)
	m := outputMode{indent: tty, color: tty && env("NO_COLOR") == "" && env("TERM") != "dumb"}
	switch f.format {
	case "pretty":
		m.indent = true
	case "compact":
		m.indent = false
	}
	switch f.color {
	case "always":
		m.color = true
	case "never":
		m.color = false
	}
	return m
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// formatJSON writes res as m says.
func formatJSON(res gjson.Result, m outputMode) string {
	var s string
	if m.indent {
		s = indentJSON(res, "")
	} else {
		s = compactJSON(res)
	}
	if m.color {
		s = string(pretty.Color([]byte(s), nil))
	}
	return s
}

// compactJSON is res on one line, numbers and key order as sent.
func compactJSON(res gjson.Result) string {
	raw := res.Raw
	if raw == "" {
		return indentJSON(res, "")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(raw)); err != nil {
		return raw
	}
	return buf.String()
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
	fmt.Fprintf(out, "%s\n", formatJSON(res, f.out))
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

// printCaptcha writes what a captcha refusal (VK error 14) needs to be
// answered: the captcha's id and image, the newer redirect_uri when the
// platform sends one, and how to resend the call with the answer.
func printCaptcha(w io.Writer, e *snskit.Error) {
	sid := e.Detail.Get("captcha_sid").String()
	if !errors.Is(e, snskit.ErrCaptcha) || sid == "" {
		return
	}
	fmt.Fprintf(w, "  captcha_sid: %s\n", sid)
	if img := e.Detail.Get("captcha_img").String(); img != "" {
		fmt.Fprintf(w, "  captcha_img: %s\n", img)
	}
	if uri := e.Detail.Get("redirect_uri").String(); uri != "" {
		fmt.Fprintf(w, "  redirect_uri: %s (open it to pass the check in a browser)\n", uri)
	}
	fmt.Fprintf(w, "  to answer, open the image and run the same command again with: captcha_sid=%s captcha_key=TEXT_OF_THE_IMAGE\n", sid)
}
