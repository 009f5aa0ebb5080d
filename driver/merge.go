package driver

import "net/url"

// Merger is an optional capability of a Platform: it merges several calls
// into one request and splits that request's reply back into the replies
// each call would have got alone. VK implements it with execute. snskit
// finds it by a type assertion on the Platform, as database/sql finds a
// driver's optional interfaces.
//
// snskit encodes each call's parameters exactly as for a direct call
// (default parameters merged, Style applied) before handing it over, sends
// the merged request as an ordinary call of the method Merge names (so the
// credential, rate limits and retries apply to it as to one request), and
// decodes each split body with the platform's Decode, so that a merged
// call's result and error have the shapes of a direct call's.
type Merger interface {
	// MergeLimit returns the most calls one merged request can hold.
	MergeLimit() int
	// Mergeable returns nil when call can go into a merged request, or an
	// error saying why not (VK never merges execute, the upload-save
	// methods, captcha resends, or calls carrying their own access_token).
	// snskit itself never merges calls with files or a forced verb.
	Mergeable(call MergedCall) error
	// Merge returns the method and the parameters of the one request that
	// makes calls, in order.
	Merge(calls []MergedCall) (method string, params url.Values, err error)
	// Split returns, in order, the body each of calls would have got had
	// it been sent alone, from r, the reply of the merged request. An
	// error of the merged request as a whole (a revoked token, say) is
	// given to every call. It returns ErrMergeTooBig when the platform
	// refused the merged request's reply as too large, and a *ReplyError
	// when the reply cannot be split.
	Split(calls []MergedCall, r *Response) ([]string, error)
}

// MergedCall is one call handed to a Merger: its dotted method name and its
// parameters, encoded as a direct call would send them.
type MergedCall struct {
	Method string
	Values url.Values
}

// mergeError is the type of the constant errors of merging.
type mergeError string

func (e mergeError) Error() string { return string(e) }

// ErrMergeTooBig is returned by a Merger's Split when the platform refused
// a merged request because its reply would be too large (VK's error 13
// "response size is too big"). snskit then splits the calls in halves and
// sends each half on its own.
const ErrMergeTooBig = mergeError("snskit: the merged reply is too big")
