package platforms_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/snskit/snskit"
	"github.com/stretchr/testify/require"
)

// seen is one request as a loopback test server received it.
type seen struct {
	Method string
	Path   string
	Query  url.Values
	// Form holds the urlencoded or multipart body fields (not the query).
	Form   url.Values
	Header http.Header
	// Files maps a multipart file field to its file name and content.
	Files map[string]seenFile
	// Body is the raw body of a non-multipart request.
	Body string
	Host string
}

type seenFile struct {
	Name        string
	ContentType string
	Content     string
}

// reply is a canned answer of a test server.
type reply struct {
	Status      int
	ContentType string
	Body        string
}

// server is an httptest server that records requests and answers each with
// the reply chosen by a function of the request.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

// newServer starts a recording server answering with answer(request).
func newServer(t *testing.T, answer func(seen) reply) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sn := seen{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(),
			Form: url.Values{}, Files: map[string]seenFile{}, Host: r.Host}
		ct := r.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/form-data") {
			mr, err := r.MultipartReader()
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					http.Error(w, err.Error(), 400)
					return
				}
				b, _ := io.ReadAll(p)
				if p.FileName() != "" {
					sn.Files[p.FormName()] = seenFile{Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Content: string(b)}
				} else {
					sn.Form.Add(p.FormName(), string(b))
				}
			}
		} else {
			b, _ := io.ReadAll(r.Body)
			sn.Body = string(b)
			if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
				sn.Form, _ = url.ParseQuery(sn.Body)
			}
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, sn)
		s.mu.Unlock()
		rp := answer(sn)
		if rp.ContentType == "" {
			rp.ContentType = "application/json; charset=utf-8"
		}
		if rp.Status == 0 {
			rp.Status = 200
		}
		w.Header().Set("Content-Type", rp.ContentType)
		w.WriteHeader(rp.Status)
		_, _ = io.WriteString(w, rp.Body)
	}))
	t.Cleanup(s.Close)
	return s
}

// fixed returns an answer function that always gives body with status 200.
func fixed(body string) func(seen) reply {
	return func(seen) reply { return reply{Body: body} }
}

// requests returns the requests received so far.
func (s *server) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

// last returns the last request received; the test fails if there is none.
func (s *server) last(t *testing.T) seen {
	t.Helper()
	rs := s.requests()
	require.NotEmpty(t, rs, "the server received no request")
	return rs[len(rs)-1]
}

// newAPI builds a client of p routed to s under prefix (such as "/vk").
func newAPI(t *testing.T, p snskit.Platform, s *server, prefix string, opts ...snskit.Option) *snskit.API {
	t.Helper()
	// Budgets and retries are off unless opts turn them on: wire tests make
	// many calls, and count them.
	api, err := snskit.New(p, append([]snskit.Option{snskit.WithBaseURL(s.URL + prefix), snskit.WithoutRateLimit(), snskit.WithRetry(0, 0)}, opts...)...)
	require.NoError(t, err)
	return api
}
