package snskit

import "github.com/snskit/snskit/driver"

// The types below are defined in package driver, where platforms create
// them, and named here, where applications use them: snskit.Error and
// driver.Error are one type.

// Error is an error answered by a platform. Use errors.As to reach it and
// errors.Is with a Class to test its kind:
//
//	var e *snskit.Error
//	if errors.As(err, &e) && e.Code == "14" { ... e.Detail.Get("captcha_sid") ... }
type Error = driver.Error

// Class is a cross-platform kind of platform error, an error value meant
// for errors.Is: errors.Is(err, snskit.ErrRateLimited).
type Class = driver.Class

// PartialError reports errors of sub-requests beside a result that is
// still usable (VK's execute_errors). Do returns both.
type PartialError = driver.PartialError

// ReplyError reports a reply that is not what the platform promises: an
// HTML error page, an empty, truncated, oversized or non-JSON body.
type ReplyError = driver.ReplyError

// CallError reports a call refused before anything was sent; its message
// says what to fix.
type CallError = driver.CallError

// TransportError reports a request that got no reply: a network failure, a
// timeout, or a cancelled context.
type TransportError = driver.TransportError

// Response is a platform's reply to a call: HTTP status, headers, the raw
// body and the decoded Result.
type Response = driver.Response

// File is a file to upload, streamed from its Reader; build it with Upload.
type File = driver.File

// The classes a platform error can fall into. ErrTokenExpired is also
// ErrTokenInvalid under errors.Is, since an expired token is an invalid one;
// ErrFloodControl and ErrQuotaExceeded are also ErrRateLimited.
const (
	// ErrUnclassified is the class of platform errors that fit no other.
	ErrUnclassified = driver.ErrUnclassified
	// ErrRateLimited: too many requests, flood control or a spent quota.
	ErrRateLimited = driver.ErrRateLimited
	// ErrTokenInvalid: the credential is missing, malformed, revoked or expired.
	ErrTokenInvalid = driver.ErrTokenInvalid
	// ErrTokenExpired: the credential has expired; refreshing it may help.
	ErrTokenExpired = driver.ErrTokenExpired
	// ErrPermission: the credential lacks a scope or the user denied access.
	ErrPermission = driver.ErrPermission
	// ErrCaptcha: the platform asks for a captcha (VK 14).
	ErrCaptcha = driver.ErrCaptcha
	// ErrBadParams: a parameter is missing or invalid.
	ErrBadParams = driver.ErrBadParams
	// ErrNotFound: the method, user or resource does not exist.
	ErrNotFound = driver.ErrNotFound
	// ErrServer: the platform is down, busy or failed internally; retrying
	// later may help.
	ErrServer = driver.ErrServer
	// ErrFloodControl: the platform throttles the action itself (VK 9);
	// never resent.
	ErrFloodControl = driver.ErrFloodControl
	// ErrQuotaExceeded: the method's quota is spent for the period (VK 29,
	// WeChat 45009, 45011); never resent.
	ErrQuotaExceeded = driver.ErrQuotaExceeded
)

// Limit is a request budget: at most Rate requests per Period, in bursts of
// up to Burst. Platforms give their credentials' budgets (driver.Budgeter);
// Limiter implementations keep them.
type Limit = driver.Limit

// Platform is one platform's wire rules, implemented by the packages under
// platforms/; see package driver for the contract.
type Platform = driver.Platform
