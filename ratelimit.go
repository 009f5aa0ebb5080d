package snskit

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// rateLimited makes the outcome of a reply with HTTP status 429 (Too Many
// Requests, from the platform or a gateway in front of it) an error of
// class ErrRateLimited whatever the platform made of it: a platform error
// of another class keeps its code and takes the class; an HTML page or a
// body the platform read as a result becomes an *Error "http 429".
func rateLimited(r *Response, err error) error {
	if r == nil || r.StatusCode != http.StatusTooManyRequests || errors.Is(err, ErrRateLimited) {
		return err
	}
	var e *Error
	var pe *PartialError
	if errors.As(err, &e) && !errors.As(err, &pe) {
		e.Class = ErrRateLimited
		return err
	}
	out := &Error{Platform: r.Platform, Method: r.Method, Code: "http 429",
		Message: "too many requests", HTTPStatus: r.StatusCode, Class: ErrRateLimited}
	if after := r.Header.Get("Retry-After"); after != "" {
		out.Message += "; retry after " + after
	}
	if s := strings.TrimSpace(r.Body); gjson.Valid(s) {
		out.Detail = gjson.Parse(s)
	}
	return out
}

// rateLimitedStatus is rateLimited for errors that carry the reply's status
// but not the reply (a login's token endpoint): a platform error or a broken
// reply with HTTP status 429 is ErrRateLimited.
func rateLimitedStatus(err error) error {
	if err == nil || errors.Is(err, ErrRateLimited) {
		return err
	}
	var e *Error
	if errors.As(err, &e) && e.HTTPStatus == http.StatusTooManyRequests {
		e.Class = ErrRateLimited
		return err
	}
	var re *ReplyError
	if errors.As(err, &re) && re.HTTPStatus == http.StatusTooManyRequests {
		return &Error{Platform: re.Platform, Method: re.Method, Code: "http 429",
			Message: "too many requests", HTTPStatus: re.HTTPStatus, Class: ErrRateLimited}
	}
	return err
}

// retryAfter returns the wait a reply's Retry-After header asks for, in
// seconds or as an HTTP date (by the clock now), and whether it has one.
func retryAfter(r *driver.Response, now time.Time) (time.Duration, bool) {
	if r == nil || r.Header == nil {
		return 0, false
	}
	v := strings.TrimSpace(r.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
