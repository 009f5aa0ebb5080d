package driver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

// Platform is one platform's wire rules. The packages under platforms/
// implement it; the root package knows no platform. A Platform must be safe
// for concurrent use. Optional capabilities are further interfaces a
// Platform may implement; snskit discovers them by type assertion.
//
// For every call, snskit validates the method name, merges the client's
// default parameters with the call's, encodes them with Style, and hands a
// Draft to Prepare, which picks the URL and verb and places common
// parameters, the credential and any signature. snskit then assembles the
// HTTP request (query for GET, form or streaming multipart body for POST),
// sends it, reads the body once, and gives it to Decode, which removes the
// envelope or returns the platform's error.
type Platform interface {
	// Name is the platform's short name: "vk", "renren", "qq"...
	Name() string
	// Style tells how parameter values are written.
	Style() Style
	// Prepare turns d into the platform's request.
	Prepare(ctx context.Context, d *Draft) error
	// Decode returns the payload of a reply or the platform's error,
	// usually a *Error (or a *PartialError beside a usable result).
	Decode(r *Response) (gjson.Result, error)
}

// Draft is a call on its way to becoming an HTTP request. Platforms fill in
// its URL, Verb, parameters and headers in Prepare.
type Draft struct {
	// Platform and Method name the call ("vk", "users.get").
	Platform string
	Method   string
	// Segments are the method's names: ["users", "get"]. The slice may be
	// shared with other calls of the method: read it, do not change it.
	Segments []string
	// Verb is the HTTP method. It is the caller's forced verb or empty when
	// Prepare starts; Prepare sets it when empty.
	Verb string
	// URL is the request URL without its query; build it with Endpoint so
	// the client's base URL applies.
	URL *url.URL
	// Values are the call's parameters, encoded: the query of a GET, the
	// body of a POST.
	Values url.Values
	// Query are parameters that go in the URL's query whatever the verb.
	Query url.Values
	// Files are the file parts; a call with files is sent as a multipart
	// POST.
	Files []FormFile
	// Header holds extra request headers.
	Header http.Header
	// Auth is the client's credential, or nil.
	Auth auth.Credential
	// AppID and AppSecret are the application's key and secret, when
	// configured.
	AppID, AppSecret string
	// Version is the API version configured for the client, or empty.
	Version string
	// DryRun is true when the request is built to be shown, not sent
	// (Call.Request): Fetch refuses to send side requests then.
	DryRun bool
	// Idempotent is true when the caller declared the call safe to send
	// twice (snskit's Call.Idempotent).
	Idempotent bool

	client     Client
	urlBuf     url.URL // backs URL when SetMethodURL set it
	secrets    []string
	secretsBuf [4]string    // backs secrets for the usual few
	used       string       // the access token AccessToken handed out
	usedBy     *auth.OAuth2 // the credential it came from
	afterReply []func()     // what AfterReply registered, until Done
}

// AfterReply registers release to run once the call's reply has been read,
// or once the call is given up before or while it is sent: a platform whose
// calls with one credential must reach it one at a time, in the order of a
// counter it places (Renren 1.0's call_id), holds a lock from Prepare until
// then. release runs exactly once, in a dry run as soon as the request is
// built.
func (d *Draft) AfterReply(release func()) {
	d.afterReply = append(d.afterReply, release)
}

// Done runs what AfterReply registered, once. snskit calls it after each
// try; a platform test that runs Prepare on its own calls it too. It is
// safe on a nil Draft.
func (d *Draft) Done() {
	if d == nil {
		return
	}
	fs := d.afterReply
	d.afterReply = nil
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// NewDraft returns an empty draft of a call sent through c. snskit builds
// drafts itself; platform tests use NewDraft to run Prepare on their own.
func NewDraft(c Client) *Draft {
	d := &Draft{client: c, Header: make(http.Header, 2)}
	d.secrets = d.secretsBuf[:0]
	return d
}

// Endpoint returns the URL for rawURL, a platform URL such as
// "https://api.vk.ru/method/users.get", routed to the client's base URL
// when one is set: "http://127.0.0.1:8080/vk" turns it into
// "http://127.0.0.1:8080/vk/method/users.get".
func (d *Draft) Endpoint(rawURL string) (*url.URL, error) {
	return d.client.Endpoint(rawURL)
}

// SetMethodURL sets d.URL for a method whose names are its path: root,
// then the method's names joined by sep, then suffix, routed like Endpoint.
// Renren 2.0's user.friend.list is d.SetMethodURL(RenrenAPIURL, "/", ""),
// https://api.renren.com/v2/user/friend/list; VK's users.get is
// d.SetMethodURL(VKAPIURL, ".", ""). The client remembers each method's
// URL and the draft holds it, so this costs less per call than Endpoint of
// a string built for it.
func (d *Draft) SetMethodURL(root, sep, suffix string) error {
	u, err := d.client.MethodEndpoint(root, d.Method, sep, suffix)
	if err != nil {
		return err
	}
	d.urlBuf = u
	d.URL = &d.urlBuf
	return nil
}

// Now returns the current time of the client's clock.
func (d *Draft) Now() time.Time { return d.client.Now() }

// Nonce returns a fresh random nonce from the client's nonce source.
func (d *Draft) Nonce() string { return d.client.Nonce() }

// AccessToken returns a valid token of the OAuth 2.0 credential c for this
// call and registers it as a secret. Platforms get tokens through it, so
// that a call refused because the token expired can be retried once with a
// refreshed one.
func (d *Draft) AccessToken(ctx context.Context, c *auth.OAuth2) (*oauth2.Token, error) {
	tok, err := c.Token(ctx)
	if err != nil {
		return nil, err
	}
	d.Secret(tok.AccessToken)
	d.used, d.usedBy = tok.AccessToken, c
	return tok, nil
}

// Secrets returns the values registered with Secret, the app secret among
// them. The slice is the draft's own: do not change it.
func (d *Draft) Secrets() []string { return d.secrets }

// TokenUsed returns the access token AccessToken handed out for this call
// and the credential it came from, or "" and nil.
func (d *Draft) TokenUsed() (string, *auth.OAuth2) { return d.used, d.usedBy }

// Secret registers values placed on the request that must never be shown:
// snskit masks them in errors and logs.
func (d *Draft) Secret(values ...string) {
	for _, v := range values {
		if v != "" && !slices.Contains(d.secrets, v) {
			d.secrets = append(d.secrets, v)
		}
	}
}

// Fetch sends a side request that Prepare needs (QQ's openid lookup) with
// the client's HTTP client, user agent and body limit, and returns its reply
// unparsed. req's URL should come from Endpoint.
//
// In a dry run Fetch sends nothing and returns a *CallError: a dry run
// must not reach the network.
func (d *Draft) Fetch(ctx context.Context, req *http.Request) (*Response, error) {
	if d.DryRun {
		return nil, d.Err("a dry run sends nothing, and this call needs a side request first (%s); give what it looks up as a parameter", RedactURL(req.URL, d.secrets))
	}
	return d.client.Send(ctx, req, d.Method, d.secrets...) // its reply masks them (Response.MaskedBody)
}

// Err returns a *CallError about the call, for Prepare to return when the
// call cannot be made as asked. format may use %w to keep a cause.
func (d *Draft) Err(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &CallError{Platform: d.Platform, Method: d.Method, Reason: err.Error(), Err: errors.Unwrap(err)}
}

// MissingAuth returns the error for a call that needs a credential of the
// given kinds and has none.
func (d *Draft) MissingAuth(want string) error {
	return &CallError{Platform: d.Platform, Method: d.Method, NeedsAuth: true,
		Reason: "needs a credential (" + want + "); pass one with snskit.WithAuth"}
}

// WrongAuth returns the error for a credential the platform cannot use.
func (d *Draft) WrongAuth(want string) error {
	return d.Err("cannot use the credential given (%s); it takes %s", d.Auth.Kind(), want)
}

// CheckFileFields returns an error when a file is passed under a field other
// than want, the platform's fields for this method's upload.
func (d *Draft) CheckFileFields(want ...string) error {
	for _, f := range d.Files {
		if !slices.Contains(want, f.Field) {
			if len(want) == 1 {
				return d.Err("takes its file in the %q parameter, not %q", want[0], f.Field)
			}
			return d.Err("takes its file in one of the parameters %q, not %q", want, f.Field)
		}
	}
	return nil
}

// PathContains reports whether any of the method's segments contains one of
// words, the way Renren and QQ pick a verb from the method name.
func (d *Draft) PathContains(words ...string) bool {
	for _, s := range d.Segments {
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
	}
	return false
}
