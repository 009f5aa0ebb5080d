package main

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Replies shaped like VK's (https://dev.vk.com/en/reference). The id of
// vkUsersReply is beyond float64's precision, so a result that went through
// a decode and re-encode would show it.
const (
	vkUsersReply   = `{"response":[{"id":12345678901234567890,"first_name":"Pavel","last_name":"Durov","city":{"id":2,"title":"Saint Petersburg"}}]}`
	vkUsersPretty  = "[\n  {\n    \"id\": 12345678901234567890,\n    \"first_name\": \"Pavel\",\n    \"last_name\": \"Durov\",\n    \"city\": {\n      \"id\": 2,\n      \"title\": \"Saint Petersburg\"\n    }\n  }\n]\n"
	vkAuthError    = `{"error":{"error_code":5,"error_msg":"User authorization failed: invalid access_token (4).","request_params":[{"key":"method","value":"users.get"},{"key":"oauth","value":"1"}]}}`
	vkPartialReply = `{"response":[[{"id":1,"first_name":"Pavel"}],false],"execute_errors":[{"method":"users.get","error_code":113,"error_msg":"Invalid user id"}]}`
)

// testToken is a token long enough that snskit masks it as "****" plus its
// last four characters, and distinctive enough to be searched for.
const testToken = "vk1.a.SeCrEtT0kenValue0123456789abcdef"

// seenRequest is what a test server received.
type seenRequest struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Form   url.Values // the form body, or the plain fields of a multipart body
	Files  map[string]seenFile
}

// seenFile is a file part a test server received.
type seenFile struct {
	Name    string
	Type    string
	Content string
}

// recorder is a loopback test server that records every request and answers
// with its handler.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seenRequest
}

// newRecorder starts a recorder whose replies come from handle.
func newRecorder(t *testing.T, handle http.HandlerFunc) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := seenRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Form: url.Values{}}
		mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch mediaType {
		case "multipart/form-data":
			s.Files = map[string]seenFile{}
			mr := multipart.NewReader(r.Body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				b, _ := io.ReadAll(p)
				if p.FileName() != "" {
					s.Files[p.FormName()] = seenFile{Name: p.FileName(), Type: p.Header.Get("Content-Type"), Content: string(b)}
				} else {
					s.Form.Add(p.FormName(), string(b))
				}
			}
		case "application/x-www-form-urlencoded":
			b, _ := io.ReadAll(r.Body)
			s.Form, _ = url.ParseQuery(string(b))
		}
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, s)
		rec.mu.Unlock()
		handle(w, r)
	}))
	t.Cleanup(rec.Close)
	return rec
}

// fixed returns a handler that always answers status with body as JSON.
func fixed(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// seen returns the requests received so far.
func (rec *recorder) seen() []seenRequest {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seenRequest(nil), rec.reqs...)
}

// only returns the one request received, failing the test otherwise.
func (rec *recorder) only(t *testing.T) seenRequest {
	t.Helper()
	reqs := rec.seen()
	require.Len(t, reqs, 1, "requests received")
	return reqs[0]
}

// result is the outcome of one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// all is everything the command printed.
func (r result) all() string { return r.stdout + r.stderr }

// runCLI runs the command with args and an environment of exactly env,
// plus SNSKIT_TOKEN_FILE in a temporary directory unless env sets it, so
// that no test reads or writes the real token file.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runCLIInput(t, env, "", args...)
}

// runCLIInput is runCLI with stdin reading input.
func runCLIInput(t *testing.T, env map[string]string, input string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	con := console{stdin: strings.NewReader(input), stdout: &stdout, stderr: &stderr}
	code := run(context.Background(), args, con, testEnv(t, env))
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// testEnv returns the environment of exactly env, with SNSKIT_TOKEN_FILE in
// a temporary directory unless env sets it.
func testEnv(t *testing.T, env map[string]string) func(string) string {
	t.Helper()
	dir := t.TempDir()
	defaults := map[string]string{
		"SNSKIT_TOKEN_FILE":    filepath.Join(dir, "tokens.json"),
		"SNSKIT_SANDBOX_STATE": filepath.Join(dir, "sandbox-state.json"),
	}
	return func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return defaults[k]
	}
}

// refusedURL returns the URL of a loopback port where nothing listens.
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lineAfter returns the line after the first line of s equal to marker,
// trimmed.
func lineAfter(s, marker string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == marker && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return ""
}
