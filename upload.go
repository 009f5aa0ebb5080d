package snskit

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// UploadTo posts params as a multipart form to uploadURL, an upload address
// a platform handed out (VK's photos.getWallUploadServer answers one), and
// returns the JSON reply whole. Files stream from their readers. No
// credential is added: such addresses carry their own authorization. The
// address is used as given, not routed to the base URL, since the platform
// chose it.
//
// A reply with a top-level "error" string (VK's upload servers answer
// {"error":"ERR_UPLOAD_...","error_code":N} with HTTP 200) is an *Error of
// class ErrBadParams whose Code is the reply's error_code, or "upload"
// without one; an HTTP error status without one is a *ReplyError.
func (a *API) UploadTo(ctx context.Context, uploadURL string, params Params) (gjson.Result, error) {
	ctx = contextOrBackground(ctx)
	name := a.platform.Name()
	u, err := url.Parse(uploadURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return gjson.Result{}, &CallError{Platform: name, Method: "upload", Reason: fmt.Sprintf("%q is not an absolute http(s) URL; pass the upload_url the platform returned", uploadURL)}
	}
	values, files, err := encodeParams(params, a.platform.Style())
	if err != nil {
		return gjson.Result{}, &CallError{Platform: name, Method: "upload", Reason: err.Error()}
	}
	if len(files) == 0 {
		return gjson.Result{}, &CallError{Platform: name, Method: "upload", Reason: "no file among the parameters; pass one with snskit.Upload(name, reader)"}
	}
	body, ctype, length := multipartBody(ctx, values, files)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), body)
	if err != nil {
		return gjson.Result{}, fmt.Errorf("snskit: %s upload: %v", name, err)
	}
	req.Header.Set("Content-Type", ctype)
	req.ContentLength = length
	r, err := a.send(req, name, "upload", nil)
	if err != nil {
		return gjson.Result{}, err
	}
	if r.StatusCode == http.StatusTooManyRequests {
		return gjson.Result{}, rateLimited(r, nil)
	}
	var env [2]gjson.Result
	doc, err := driver.ParseJSONFields(r, []string{"error", "error_code"}, env[:])
	if err != nil {
		return gjson.Result{}, err
	}
	if e := env[0]; e.Type == gjson.String {
		code := "upload"
		if c := env[1]; c.Exists() && c.String() != "" {
			code = c.String()
		}
		return doc, &Error{Platform: name, Method: "upload", Code: code, Message: e.String(),
			HTTPStatus: r.StatusCode, Class: ErrBadParams, Detail: doc}
	}
	if r.StatusCode >= 400 {
		return doc, r.BadReply("upload server answered with an error status")
	}
	return doc, nil
}
