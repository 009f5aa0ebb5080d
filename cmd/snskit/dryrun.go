package main

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
)

// printRequest writes the request of -dry-run: verb and URL, headers, a
// blank line and the body, with secret parameters, credentials in headers
// and the values of secrets masked. A multipart body is listed part by
// part, with only the size of file parts: file contents are read to count
// them but never printed.
func printRequest(w io.Writer, req *http.Request, secrets []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", req.Method, driver.RedactURL(req.URL, secrets))
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range req.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, driver.RedactHeader(k, v, secrets))
		}
	}
	if req.ContentLength > 0 {
		fmt.Fprintf(&b, "Content-Length: %d\n", req.ContentLength)
	}
	b.WriteString("\n")
	if err := writeBody(&b, req, secrets); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeBody writes the body of req, masked, to b.
func writeBody(b *strings.Builder, req *http.Request, secrets []string) error {
	if req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	defer req.Body.Close()
	mediaType, params, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	switch {
	case mediaType == "multipart/form-data":
		return writeMultipart(b, multipart.NewReader(req.Body, params["boundary"]), secrets)
	case mediaType == "application/x-www-form-urlencoded":
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return fmt.Errorf("reading the request body: %w", err)
		}
		b.WriteString(driver.Redact(driver.RedactQuery(string(body)), secrets))
		b.WriteString("\n")
		return nil
	}
	n, err := io.Copy(io.Discard, req.Body)
	if err != nil {
		return fmt.Errorf("reading the request body: %w", err)
	}
	fmt.Fprintf(b, "(%d bytes of %s, not shown)\n", n, mediaType)
	return nil
}

// writeMultipart lists the parts of a multipart body: each part's headers,
// then a plain field's masked value or a file part's size.
func writeMultipart(b *strings.Builder, mr *multipart.Reader, secrets []string) error {
	for i := 1; ; i++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the multipart body: %w", err)
		}
		fmt.Fprintf(b, "--- part %d\n", i)
		keys := make([]string, 0, len(part.Header))
		for k := range part.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range part.Header[k] {
				fmt.Fprintf(b, "%s: %s\n", k, driver.Redact(v, secrets))
			}
		}
		if part.FileName() != "" {
			n, err := io.Copy(io.Discard, part)
			if err != nil {
				return fmt.Errorf("reading the file of part %q: %w", part.FormName(), err)
			}
			fmt.Fprintf(b, "(file content: %d bytes, not shown)\n", n)
			continue
		}
		v, err := io.ReadAll(part)
		if err != nil {
			return fmt.Errorf("reading part %q: %w", part.FormName(), err)
		}
		fmt.Fprintf(b, "%s\n", redactField(part.FormName(), string(v), secrets))
	}
}

// redactField masks the value of a form field when its name is that of a
// secret parameter (access_token, sig...) or when it holds a secret.
func redactField(name, value string, secrets []string) string {
	if driver.IsSecretParam(name) {
		return auth.Mask(value)
	}
	return driver.Redact(value, secrets)
}
