package sandbox

import (
	"net/http"
	"strings"
)

// maxUpload bounds what the sandbox accepts in one multipart body.
const maxUpload = 32 << 20

// record parses every request's parameters once (query, form or multipart
// body, available to handlers as r.Form and r.MultipartForm) and logs the
// request with its status for Requests.
func (s *Server) record(name string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		})
		s.mu.Unlock()
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
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
	return w.ResponseWriter.Write(b)
}
