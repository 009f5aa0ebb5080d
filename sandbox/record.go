package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// maxUpload bounds what the sandbox accepts in one multipart body.
const maxUpload = 32 << 20

// maxSniff bounds how much of a reply record reads for its error code.
const maxSniff = 64 << 10

// record parses every request's parameters once (query, form or multipart
// body, available to handlers as r.Form and r.MultipartForm) and logs the
// request with its arrival time, credential, status and error code for
// Requests.
func (s *Server) record(name string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := s.env.now()
		var perr error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			perr = r.ParseMultipartForm(maxUpload)
		} else {
			perr = r.ParseForm()
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		if perr != nil {
			http.Error(sw, "sandbox: unreadable request body: "+perr.Error(), http.StatusBadRequest)
		} else {
			h.ServeHTTP(sw, r)
		}
		form := map[string][]string{}
		for k, v := range r.Form {
			form[k] = append([]string(nil), v...)
		}
		if r.MultipartForm != nil {
			for k, fhs := range r.MultipartForm.File {
				for _, fh := range fhs {
					form[k] = append(form[k], fh.Filename)
				}
			}
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, Request{
			Platform: name,
			Method:   r.Method,
			Path:     strings.TrimPrefix(r.URL.Path, "/"+name),
			Query:    r.URL.RawQuery,
			Header:   r.Header.Clone(),
			Form:     form,
			Status:   sw.status,
			Time:     at,
			Token:    requestToken(r),
			Error:    replyError(sw.body.Bytes()),
		})
		s.mu.Unlock()
	})
}

// requestToken finds the credential a request carried.
func requestToken(r *http.Request) string {
	for _, k := range []string{"access_token", "session_key", "oauth_token"} {
		if v := r.Form.Get(k); v != "" {
			return v
		}
	}
	scheme, rest, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	switch strings.ToLower(scheme) {
	case "bearer":
		return strings.TrimSpace(rest)
	case "oauth":
		if v, err := kxParseHeader(rest); err == nil {
			return v.Get("oauth_token")
		}
	}
	return ""
}

// replyError reads the platform error code of a reply body: error.error_code
// (VK), error.code (Renren 2.0), error as a string or number beside an
// error_description (OAuth endpoints, QQ's /oauth2.0/ pages, JSONP
// included), error_code (Renren 1.0, Kaixin, whose "error" is a message),
// errcode (WeChat) or ret (QQ) other than 0.
func replyError(body []byte) string {
	if len(body) == 0 || !bytes.Contains(body, []byte(`"err`)) && !bytes.Contains(body, []byte(`"ret"`)) {
		return ""
	}
	body = bytes.TrimSpace(body)
	if bytes.HasPrefix(body, []byte("callback(")) {
		body = bytes.TrimSuffix(bytes.TrimSuffix(bytes.TrimPrefix(body, []byte("callback(")), []byte(";")), []byte(")"))
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	if raw, ok := m["error"]; ok {
		var inner map[string]json.RawMessage
		if json.Unmarshal(raw, &inner) == nil {
			for _, k := range []string{"error_code", "code"} {
				if v := jsonScalar(inner[k]); v != "" {
					return v
				}
			}
		}
		_, oauth := m["error_description"]
		if v := jsonScalar(raw); v != "" && (oauth || m["error_code"] == nil) {
			return v
		}
	}
	for _, k := range []string{"error_code", "errcode", "ret"} {
		if v := jsonScalar(m[k]); v != "" && v != "0" {
			return v
		}
	}
	return ""
}

// jsonScalar renders a JSON string or number as text; "" otherwise.
func jsonScalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if _, err := strconv.ParseFloat(string(n), 64); err == nil {
			return string(n)
		}
	}
	return ""
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer // the first maxSniff bytes of the reply
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status = code
		w.wrote = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	if room := maxSniff - w.body.Len(); room > 0 {
		w.body.Write(b[:min(room, len(b))])
	}
	return w.ResponseWriter.Write(b)
}
