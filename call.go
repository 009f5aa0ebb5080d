package snskit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// Call is one API method, ready to be called with parameters. Calls are
// immutable values, safe to share and to reuse for many requests.
type Call struct {
	api        *API
	segs       []string
	name       string
	verb       string
	idempotent bool
	err        error
	// resend is what a challenged call's resend adds (WithResend).
	resend *Resend
}

func newCall(a *API, segs []string) Call {
	name := joinDots(segs)
	for _, s := range segs {
		if !validName(s) {
			return invalidCall(a, name)
		}
	}
	return Call{api: a, segs: segs, name: name}
}

// invalidCall is the call of a method name that is not one: it fails when
// called, saying so.
func invalidCall(a *API, name string) Call {
	return Call{api: a, name: name, err: &CallError{Platform: platformName(a), Reason: fmt.Sprintf("invalid method name %q: each dot-separated name must be non-empty ASCII letters, digits, '_' or '-' (like \"users.get\")", name)}}
}

func platformName(a *API) string {
	if a == nil {
		return ""
	}
	return a.platform.Name()
}

// Name returns the call's dotted method name.
func (c Call) Name() string { return c.name }

// WithVerb returns a copy of c sent with the HTTP method verb (GET or POST)
// instead of the one the platform's rules pick.
func (c Call) WithVerb(verb string) Call {
	v := strings.ToUpper(strings.TrimSpace(verb))
	if v != http.MethodGet && v != http.MethodPost {
		c.err = &CallError{Platform: platformName(c.api), Method: c.name, Reason: fmt.Sprintf("unsupported HTTP verb %q; use GET or POST", verb)}
		return c
	}
	c.verb = v
	return c
}

// Idempotent returns a copy of c that snskit may resend after a failure
// that could have reached the platform (an HTTP 503, a dropped
// connection): say so of calls that have the same effect sent twice as
// once, such as a VK execute that only reads. The platform already knows
// its own reads (see driver.Retrier); this is for what it cannot tell.
func (c Call) Idempotent() Call {
	c.idempotent = true
	return c
}

// Do calls the method with params and returns the payload of the reply, with
// the platform's envelope removed. It is DoContext with
// context.Background().
func (c Call) Do(params Params) (gjson.Result, error) {
	return c.DoContext(context.Background(), params)
}

// DoContext calls the method with params. Errors are a *Error when the
// platform answered with an error, a *PartialError beside a usable result
// when sub-requests failed, a *ReplyError when the reply cannot be read, a
// *TransportError when no reply came, and a plain error when the call was
// refused before sending (bad name, parameter or credential).
func (c Call) DoContext(ctx context.Context, params Params) (gjson.Result, error) {
	r, err := c.Response(ctx, params)
	if r == nil {
		return gjson.Result{}, err
	}
	return r.Result, err
}

// Response calls the method and returns the whole reply: HTTP status,
// headers, the raw body and the decoded Result. On a platform error both the
// Response and the error are returned.
func (c Call) Response(ctx context.Context, params Params) (*Response, error) {
	ctx = contextOrBackground(ctx)
	if b := c.api.batcherOf(); b != nil {
		if res, ok := b.do(ctx, c, params); ok {
			return res.Response, res.Err
		}
	}
	r, _, err := c.respond(ctx, params)
	return r, err
}

// respond sends the call on its own, never merged, and returns the reply
// with the draft of its last try, whose secrets mask what is shown of it.
func (c Call) respond(ctx context.Context, params Params) (*Response, *driver.Draft, error) {
	refreshed, challenged := false, 0
	for try := 0; ; try++ {
		d, req, err := c.build(ctx, params, false)
		if err != nil {
			d.Done()
			return nil, d, err
		}
		if err := c.wait(ctx, d); err != nil {
			d.Done()
			return nil, d, err
		}
		r, err := c.api.send(req, d.Platform, d.Method, d.Secrets())
		d.Done() // the reply is read: what the platform held for it is let go
		if err != nil {
			if again, err := c.retry(ctx, d, nil, err, try); !again {
				return nil, d, err
			}
			continue
		}
		res, err := c.api.platform.Decode(r)
		r.Result = res
		err = rateLimited(r, err)
		if err == nil {
			return r, d, nil
		}
		err = c.finishError(err, d, r)
		if !refreshed {
			var again bool
			if again, err = c.refreshExpired(ctx, err, d); again {
				refreshed = true
				try--
				continue
			}
		}
		var again bool
		if again, err = c.answerChallenge(ctx, err, d, r, &challenged); again {
			try--
			continue
		}
		if again, err := c.retry(ctx, d, r, err, try); !again {
			return r, d, err
		}
	}
}

// Request builds the exact HTTP request the call would send, signed, without
// sending it or anything else (a dry run): a call that would need a side
// request first (QQ's openid lookup) is refused with a *CallError that says
// what to pass instead. The request carries secrets: mask them with
// driver.RedactURL before showing it. A multipart body streams from the files'
// readers when read.
func (c Call) Request(ctx context.Context, params Params) (*http.Request, error) {
	d, req, err := c.build(contextOrBackground(ctx), params, true)
	d.Done()
	return req, err
}

// build validates the call, lets the platform prepare it, and assembles the
// HTTP request. Nothing is sent.
func (c Call) build(ctx context.Context, params Params, dryRun bool) (*driver.Draft, *http.Request, error) {
	if c.api == nil {
		return nil, nil, &CallError{Method: c.name, Reason: "call on a nil API; build one with snskit.New"}
	}
	if c.err != nil {
		return nil, nil, c.err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	p := c.api.platform
	values, files, err := c.encode(params)
	if err != nil {
		return nil, nil, err
	}
	if len(files) > 0 && c.verb == http.MethodGet {
		return nil, nil, &CallError{Platform: p.Name(), Method: c.name, Reason: "files are uploaded with POST, not GET"}
	}
	d := driver.NewDraft(apiClient{c.api})
	d.Platform, d.Method, d.Segments, d.Verb = p.Name(), c.name, c.segs, c.verb
	d.Values, d.Files = values, files
	d.Auth, d.AppID, d.AppSecret, d.Version = c.api.cfg.auth, c.api.cfg.appID, c.api.cfg.appSecret, c.api.cfg.version
	d.DryRun, d.Idempotent = dryRun, c.idempotent
	d.Secret(c.api.cfg.appSecret)
	applyResend(d, c.resend)
	if err := p.Prepare(ctx, d); err != nil {
		// A token source's failure (a refresh) may repeat secrets the call
		// never placed: the refresh token among them.
		return d, nil, driver.ScrubError(err, append(credentialSecrets(c.api.cfg.auth), d.Secrets()...))
	}
	c.api.kept.apply(d)
	u, err := requestURL(d)
	if err != nil {
		return d, nil, err
	}
	if mayBeTooLong(&u) {
		if err := checkURLLength(d, func() bool { return c.verb == "" && c.takesPOST(ctx, d) }); err != nil {
			return d, nil, err
		}
	}
	req, err := httpRequest(ctx, d, &u)
	if err == nil {
		resendHeader(req, c.resend)
	}
	return d, req, err
}

// encode merges the client's default parameters with params and encodes
// them with the platform's Style, as the call sends them.
func (c Call) encode(params Params) (url.Values, []driver.FormFile, error) {
	p := c.api.platform
	merged := params
	if len(c.api.cfg.defaults) > 0 {
		merged = make(Params, len(params)+len(c.api.cfg.defaults))
		for k, v := range c.api.cfg.defaults {
			merged[k] = v
		}
		for k, v := range params {
			merged[k] = v
		}
	}
	if err := c.api.checkCatalog(context.Background(), c.name, merged); err != nil {
		return nil, nil, err
	}
	values, files, err := encodeParams(merged, p.Style())
	if err != nil {
		return nil, nil, &CallError{Platform: p.Name(), Method: c.name, Reason: err.Error()}
	}
	return values, files, nil
}

// requestURL settles the draft's verb and returns the URL it is sent to,
// with its query.
func requestURL(d *driver.Draft) (url.URL, error) {
	if d.URL == nil {
		return url.URL{}, d.Err("the platform set no URL")
	}
	if len(d.Files) > 0 || d.Verb == "" {
		d.Verb = http.MethodPost
	}
	u := *d.URL
	if d.Verb == http.MethodGet && len(d.Files) == 0 {
		u.RawQuery = mergeQuery(d.Query, d.Values)
	} else {
		u.RawQuery = encodeValues(d.Query)
	}
	return u, nil
}

// httpRequest assembles the prepared draft, sent to u, into an
// *http.Request. The URL is already parsed: the request takes it as it is,
// where a string would be printed and parsed again. The same goes for the
// draft's headers, which the request takes over (the draft is not built
// again).
func httpRequest(ctx context.Context, d *driver.Draft, u *url.URL) (*http.Request, error) {
	if len(d.Files) > 0 || d.Verb != http.MethodGet && d.Verb != http.MethodPost {
		return streamRequest(ctx, d, u)
	}
	// What http.NewRequestWithContext makes of a form body or none, without
	// parsing a URL again or making a header map to throw away.
	req := http.Request{Method: d.Verb, URL: new(url.URL), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: d.Header}
	*req.URL = *u
	req.URL.Host = strings.TrimSuffix(u.Host, ":") // as http.NewRequest does
	req.Host = req.URL.Host
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	if d.Verb == http.MethodPost {
		form := encodeValues(d.Values)
		req.Header["Content-Type"] = []string{"application/x-www-form-urlencoded"}
		req.ContentLength = int64(len(form))
		if form == "" {
			req.Body, req.GetBody = http.NoBody, noBody
		} else {
			// A *strings.Reader in io.NopCloser, as NewRequest wraps it: the
			// transport knows it for a body in memory and sends it with
			// the headers in one write.
			r := strings.NewReader(form)
			req.Body = io.NopCloser(r)
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(form)), nil }
		}
	}
	return req.WithContext(ctx), nil
}

// noBody is GetBody of a request without a body.
func noBody() (io.ReadCloser, error) { return http.NoBody, nil }

// streamRequest is httpRequest of a multipart body, which streams from the
// files' readers, or of a verb other than GET and POST (sent with a form
// body), which http.NewRequestWithContext checks.
func streamRequest(ctx context.Context, d *driver.Draft, u *url.URL) (*http.Request, error) {
	var body io.Reader
	var contentType string
	var length int64
	if len(d.Files) > 0 {
		body, contentType, length = multipartBody(ctx, d.Values, d.Files)
	} else {
		form := encodeValues(d.Values)
		body = strings.NewReader(form)
		length = int64(len(form))
		contentType = "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(ctx, d.Verb, "", body)
	if err != nil {
		return nil, d.Err("building the request: %v", err)
	}
	*req.URL = *u
	req.URL.Host = strings.TrimSuffix(u.Host, ":") // as http.NewRequest does
	req.Host = req.URL.Host
	if d.Header != nil {
		req.Header = d.Header
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
		req.ContentLength = length
	}
	return req, nil
}

// finishError fills in the call's names on platform errors and masks the
// call's secrets in them: messages, error objects, reply snippets.
func (c Call) finishError(err error, d *driver.Draft, r *Response) error {
	var pe *PartialError
	if errors.As(err, &pe) {
		if pe.Platform == "" {
			pe.Platform = d.Platform
		}
		if pe.Method == "" {
			pe.Method = d.Method
		}
		for _, e := range pe.Errors {
			if e.Platform == "" {
				e.Platform = d.Platform
			}
		}
		if masked, ok := driver.ScrubError(pe, d.Secrets()).(*PartialError); ok {
			*pe = *masked // in place too, wherever in err it sits
		}
		return driver.ScrubError(err, d.Secrets())
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Platform == "" {
			e.Platform = d.Platform
		}
		if e.Method == "" {
			e.Method = d.Method
		}
		if masked, ok := driver.ScrubError(e, d.Secrets()).(*Error); ok {
			*e = *masked // in place too, wherever in err it sits
		}
		return driver.ScrubError(err, d.Secrets())
	}
	return driver.ScrubError(err, d.Secrets()) // a *ReplyError's snippet is masked already (Response.MaskedBody)
}
