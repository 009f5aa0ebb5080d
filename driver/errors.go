package driver

import (
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Class is a cross-platform kind of platform error. Every Class is an error
// value meant for errors.Is:
//
//	if errors.Is(err, snskit.ErrRateLimited) { back off }
//
// Classes are constants, so nothing can reassign them.
type Class int

// The classes a platform error can fall into. ErrTokenExpired is also
// ErrTokenInvalid under errors.Is, since an expired token is an invalid one;
// ErrFloodControl and ErrQuotaExceeded are also ErrRateLimited.
const (
	// ErrUnclassified is the class of platform errors that fit no other.
	ErrUnclassified Class = iota
	// ErrRateLimited: too many requests, flood control or a spent quota.
	// Too many requests a second (VK's error 6) is this class itself, and
	// passes in a second: snskit resends such calls (WithRetry).
	ErrRateLimited
	// ErrTokenInvalid: the credential is missing, malformed, revoked or expired.
	ErrTokenInvalid
	// ErrTokenExpired: the credential has expired; refreshing it may help.
	ErrTokenExpired
	// ErrPermission: the credential lacks a scope or the user denied access.
	ErrPermission
	// ErrCaptcha: the platform asks for a captcha (VK 14).
	ErrCaptcha
	// ErrBadParams: a parameter is missing or invalid.
	ErrBadParams
	// ErrNotFound: the method, user or resource does not exist.
	ErrNotFound
	// ErrServer: the platform is down, busy or failed internally; retrying
	// later may help.
	ErrServer
	// ErrFloodControl: the platform throttles the action itself (VK's
	// error 9: too many of the same posts or messages) for a while. Also
	// ErrRateLimited; never resent, since resending soon makes it worse.
	ErrFloodControl
	// ErrQuotaExceeded: the method's quota for the credential is spent for
	// the period (VK's error 29, a daily quota; WeChat's 45009 and 45011).
	// Also ErrRateLimited; never resent: stop calling the method until the
	// quota resets.
	ErrQuotaExceeded
)

// Error returns the class's name, prefixed "snskit: ".
func (c Class) Error() string {
	switch c {
	case ErrUnclassified:
		return "snskit: platform error"
	case ErrRateLimited:
		return "snskit: rate limited"
	case ErrTokenInvalid:
		return "snskit: token invalid"
	case ErrTokenExpired:
		return "snskit: token expired"
	case ErrPermission:
		return "snskit: permission denied"
	case ErrCaptcha:
		return "snskit: captcha needed"
	case ErrBadParams:
		return "snskit: bad parameters"
	case ErrNotFound:
		return "snskit: not found"
	case ErrServer:
		return "snskit: server trouble"
	case ErrFloodControl:
		return "snskit: flood control (the action is throttled; do not resend soon)"
	case ErrQuotaExceeded:
		return "snskit: the method's quota is spent for now"
	}
	return "snskit: class " + strconv.Itoa(int(c))
}

// Error is an error answered by a platform. Use errors.As to reach it and
// errors.Is with a Class to test its kind:
//
//	var e *snskit.Error
//	if errors.As(err, &e) && e.Code == "14" { ... e.Detail.Get("captcha_sid") ... }
type Error struct {
	// Platform is the platform's short name ("vk").
	Platform string
	// Method is the dotted method name of the call ("users.get").
	Method string
	// Code is the error code exactly as the platform gives it: "5" (VK),
	// "invalid_authorization.EXPIRED-TOKEN" (Renren 2.0), "42001" (WeChat).
	Code string
	// Message is the platform's own message, with any secret of the call
	// masked.
	Message string
	// HTTPStatus is the HTTP status of the reply.
	HTTPStatus int
	// Class is the cross-platform kind of the error.
	Class Class
	// Detail is the platform's error object (VK's "error" object with
	// captcha_sid, QQ's whole reply...).
	Detail gjson.Result
}

// Error formats the error as "snskit: vk users.get: error 5: message".
func (e *Error) Error() string {
	var b strings.Builder
	writePrefix(&b, e.Platform, e.Method)
	b.WriteString("error ")
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.HTTPStatus != 0 && e.HTTPStatus != 200 {
		b.WriteString(" (http ")
		b.WriteString(strconv.Itoa(e.HTTPStatus))
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether the error belongs to the class target.
func (e *Error) Is(target error) bool {
	c, ok := target.(Class)
	if !ok {
		return false
	}
	return e.Class.within(c)
}

// Is reports whether c is target or one of its kinds, so that
// errors.Is(ErrQuotaExceeded, ErrRateLimited) holds as it does for an *Error
// of the class.
func (c Class) Is(target error) bool {
	t, ok := target.(Class)
	return ok && c.within(t)
}

// within reports whether c is the class target or one of its kinds.
func (c Class) within(target Class) bool {
	switch {
	case c == target:
		return true
	case target == ErrTokenInvalid:
		return c == ErrTokenExpired
	case target == ErrRateLimited:
		return c == ErrFloodControl || c == ErrQuotaExceeded
	}
	return false
}

// PartialError reports errors of sub-requests beside a result that is still
// usable (VK's execute_errors). Do returns both the result and this error.
type PartialError struct {
	Platform string
	Method   string
	// Errors lists each failed sub-request; Method of each names it.
	Errors []*Error
}

// Error summarizes the failed sub-requests.
func (e *PartialError) Error() string {
	var b strings.Builder
	b.WriteString("snskit: ")
	b.WriteString(e.Platform)
	b.WriteByte(' ')
	b.WriteString(e.Method)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(len(e.Errors)))
	b.WriteString(" sub-request(s) failed")
	for i, se := range e.Errors {
		if i == 3 {
			b.WriteString("; ...")
			break
		}
		b.WriteString("; ")
		b.WriteString(se.Method)
		b.WriteString(": error ")
		b.WriteString(se.Code)
		if se.Message != "" {
			b.WriteString(" ")
			b.WriteString(se.Message)
		}
	}
	return b.String()
}

// Unwrap returns the sub-request errors, so errors.Is and errors.As look
// into them.
func (e *PartialError) Unwrap() []error {
	errs := make([]error, len(e.Errors))
	for i, se := range e.Errors {
		errs[i] = se
	}
	return errs
}

// ReplyError reports a reply that is not what the platform promises: an
// HTML error page, an empty, truncated, oversized or non-JSON body.
type ReplyError struct {
	Platform   string
	Method     string
	HTTPStatus int
	// Reason says what is wrong and, where it can, what to do.
	Reason string
	// Snippet is the start of the body, for diagnosis.
	Snippet string
}

// Error formats the error with the start of the body.
func (e *ReplyError) Error() string {
	var b strings.Builder
	writePrefix(&b, e.Platform, e.Method)
	b.WriteString(e.Reason)
	if e.HTTPStatus != 0 {
		b.WriteString(" (http ")
		b.WriteString(strconv.Itoa(e.HTTPStatus))
		b.WriteByte(')')
	}
	if e.Snippet != "" {
		b.WriteString(": ")
		b.WriteString(strconv.Quote(e.Snippet))
	}
	return b.String()
}

// CallError reports a call refused before anything was sent: an invalid
// method name, a parameter that cannot be encoded, a missing or unusable
// credential, a rule of the platform the call breaks. Its message says what
// to fix.
type CallError struct {
	// Platform and Method name the call, when known.
	Platform string
	Method   string
	// Reason says what is wrong and what to do.
	Reason string
	// NeedsAuth is true when the call lacks a credential it needs.
	NeedsAuth bool
	// Err is the cause, when there is one (a token source's failure, for
	// instance); errors.Is and errors.As look into it.
	Err error
}

// Error formats the error as "snskit: vk users.get: reason".
func (e *CallError) Error() string {
	var b strings.Builder
	writePrefix(&b, e.Platform, e.Method)
	b.WriteString(e.Reason)
	return b.String()
}

// writePrefix writes "snskit: platform method: ", leaving out what is empty.
func writePrefix(b *strings.Builder, platform, method string) {
	b.WriteString("snskit: ")
	b.WriteString(platform)
	if platform != "" && method != "" {
		b.WriteByte(' ')
	}
	b.WriteString(method)
	if platform != "" || method != "" {
		b.WriteString(": ")
	}
}

// Unwrap returns the cause, or nil.
func (e *CallError) Unwrap() error { return e.Err }

// TransportError reports a request that got no reply: a network failure, a
// timeout, or a cancelled context (errors.Is(err, context.Canceled) works).
type TransportError struct {
	Platform string
	Method   string
	Err      error
}

// Error describes the failure; URLs in it have their secrets masked.
func (e *TransportError) Error() string {
	return "snskit: " + e.Platform + " " + e.Method + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *TransportError) Unwrap() error { return e.Err }
