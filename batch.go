package snskit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
)

// BatchCall is one call of a batch: a method of the batch's client and its
// parameters.
type BatchCall struct {
	Call   Call
	Params Params
}

// BatchResult is what one call of a batch got: the Response and error
// Call.Response would have returned had the call been sent alone. Response
// is nil when no reply came; its Body is the call's own part of the merged
// reply, in the platform's envelope ({"response": ...} on VK), and its
// StatusCode and Header are those of the merged reply.
type BatchResult struct {
	Response *Response
	Err      error
}

// Batch sends calls as one merged request where the platform can merge
// calls (VK's execute, up to 25 calls), and returns each call's own result
// or error, in order:
//
//	res, err := api.Batch(ctx,
//		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 1}},
//		snskit.BatchCall{Call: api.Method("wall.get"), Params: snskit.Params{"count": 2}})
//	// res[1].Err is a *snskit.Error of method wall.get when that call failed
//
// A call that cannot go into the merged request (a bad parameter, a method
// the platform never merges, files) gets a *CallError in its slot and is
// not sent. When the platform refuses the merged reply as too large, the
// calls are split in halves and sent again, down to single calls sent on
// their own. Batch itself fails only when nothing can be sent: a platform
// that cannot merge, no calls, more than the platform's limit, or a call of
// another client.
func (a *API) Batch(ctx context.Context, calls ...BatchCall) ([]BatchResult, error) {
	ctx = contextOrBackground(ctx)
	if a == nil {
		return nil, &CallError{Method: "batch", Reason: "batch on a nil API; build one with snskit.New"}
	}
	name := a.platform.Name()
	m, ok := a.platform.(driver.Merger)
	if !ok {
		return nil, &CallError{Platform: name, Method: "batch", Reason: "this platform cannot merge calls into one request; send them one by one"}
	}
	if len(calls) == 0 || len(calls) > m.MergeLimit() {
		return nil, &CallError{Platform: name, Method: "batch", Reason: fmt.Sprintf("a batch holds 1 to %d calls, not %d; split it", m.MergeLimit(), len(calls))}
	}
	out := make([]BatchResult, len(calls))
	var (
		send   []driver.MergedCall
		slots  []int
		extras Params
		key    string
	)
	for i, bc := range calls {
		if bc.Call.api != a {
			return nil, &CallError{Platform: name, Method: "batch", Reason: fmt.Sprintf("call %d (%s) is of another client; build every call of a batch from the API whose Batch sends it", i, bc.Call.name)}
		}
		mc, k, extra, err := bc.Call.mergeable(m, bc.Params)
		if err != nil {
			out[i].Err = err
			continue
		}
		if len(send) > 0 && k != key {
			out[i].Err = &CallError{Platform: name, Method: bc.Call.name, Reason: "needs another credential than the batch's first call; calls of different credentials cannot share a request"}
			continue
		}
		key, extras = k, extra
		send = append(send, mc)
		slots = append(slots, i)
	}
	if len(send) > 0 {
		for j, res := range a.sendMerged(ctx, m, send, extras, nil, nil) {
			out[slots[j]] = res
		}
	}
	return out, nil
}

// mergeable encodes a call for a merged request. It returns the key of the
// credential it needs (calls of one key can share a request) with the
// parameters that pick that credential, or why the call must go alone.
func (c Call) mergeable(m driver.Merger, params Params) (mc driver.MergedCall, key string, extra Params, err error) {
	if c.err != nil {
		return mc, "", nil, c.err
	}
	refuse := func(why string) error {
		return &CallError{Platform: c.api.platform.Name(), Method: c.name, Reason: "cannot be merged with other calls: " + why}
	}
	if c.verb != "" {
		return mc, "", nil, refuse("its HTTP verb is forced")
	}
	if c.resend != nil {
		return mc, "", nil, refuse("it answers a challenge")
	}
	values, files, err := c.encode(params)
	if err != nil {
		return mc, "", nil, err
	}
	if len(files) > 0 {
		return mc, "", nil, refuse("it uploads files")
	}
	for k := range values {
		if driver.IsSecretParam(k) {
			// Inside a script, a secret is no longer a parameter of its own
			// that masking can find by name.
			return mc, "", nil, refuse(fmt.Sprintf("it carries the secret parameter %q", k))
		}
	}
	mc = driver.MergedCall{Method: c.name, Values: values}
	if err := m.Mergeable(mc); err != nil {
		return mc, "", nil, refuse(err.Error())
	}
	if pp, ok := c.api.cfg.auth.(*auth.PerParam); ok && pp != nil {
		_, k, err := pp.Pick(values.Get(pp.Param()))
		if err != nil {
			return mc, "", nil, refuse(err.Error())
		}
		return mc, k, Params{pp.Param(): k}, nil
	}
	return mc, "", nil, nil
}

// sendMerged sends calls as merged requests and returns each call's
// result. extra are parameters of the merged request itself (the one that
// picks the credential). A reply refused as too big is split in halves;
// a single call is then sent alone. sent, when not nil, counts the
// requests.
//
// When deferred is not nil (one flag per call), a call the platform
// challenged (a captcha) gets the challenge as its error and its flag set,
// for its own caller to answer: the other calls' results wait for no one.
// Otherwise challenges are answered here, one after the other.
func (a *API) sendMerged(ctx context.Context, m driver.Merger, calls []driver.MergedCall, extra Params, sent *int, deferred []bool) []BatchResult {
	out := make([]BatchResult, len(calls))
	if sent != nil {
		*sent++
	}
	if len(calls) == 1 {
		p := valuesParams(calls[0].Values, nil)
		r, _, err := a.Method(calls[0].Method).respond(ctx, p)
		out[0] = BatchResult{Response: r, Err: err}
		return out
	}
	method, values, err := m.Merge(calls)
	if err != nil {
		for i, c := range calls {
			out[i].Err = &CallError{Platform: a.platform.Name(), Method: c.Method, Reason: "cannot be merged with other calls: " + err.Error()}
		}
		return out
	}
	merged := a.Method(method)
	if a.repeatableAll(calls) {
		merged = merged.Idempotent() // only reads inside: resent as each would be alone
	}
	r, d, err := merged.respond(ctx, valuesParams(values, extra))
	var pe *PartialError
	var e *Error
	// whole: the merged request failed as a whole, and a captcha it got was
	// the request's, answered (or given up) there.
	whole := err != nil && !errors.As(err, &pe)
	if r == nil || err != nil && !errors.As(err, &pe) && !errors.As(err, &e) {
		for i, c := range calls {
			out[i].Err = retarget(err, c.Method)
		}
		return out
	}
	bodies, err := m.Split(calls, r)
	if errors.Is(err, driver.ErrMergeTooBig) {
		half := len(calls) / 2
		var d1, d2 []bool
		if deferred != nil {
			d1, d2 = deferred[:half], deferred[half:]
		}
		copy(out, a.sendMerged(ctx, m, calls[:half], extra, sent, d1))
		copy(out[half:], a.sendMerged(ctx, m, calls[half:], extra, sent, d2))
		return out
	}
	if err == nil && len(bodies) != len(calls) {
		err = r.BadReply(fmt.Sprintf("the platform split the merged reply into %d parts for %d calls", len(bodies), len(calls)))
	}
	if err != nil {
		for i, c := range calls {
			out[i].Err = retarget(err, c.Method)
		}
		return out
	}
	for i, c := range calls {
		sub := driver.NewResponse(r.Platform, c.Method, r.StatusCode, r.Header, bodies[i], d.Secrets())
		res, err := a.platform.Decode(sub)
		sub.Result = res
		if err != nil {
			sd := driver.NewDraft(apiClient{a})
			sd.Platform, sd.Method = r.Platform, c.Method
			sd.Secret(d.Secrets()...)
			err = Call{}.finishError(err, sd, sub)
			if whole {
				out[i] = BatchResult{Response: sub, Err: err}
				continue
			}
			if deferred != nil && a.challenged(err) {
				deferred[i] = true
				out[i] = BatchResult{Response: sub, Err: err}
				continue
			}
			if again, ok := a.resendChallenged(ctx, c, err); ok {
				out[i] = again
				continue
			}
		}
		out[i] = BatchResult{Response: sub, Err: err}
	}
	return out
}

// repeatableAll reports whether every one of calls is safe to send twice
// by the platform's own rules (driver.Retrier), so that the merged request
// carrying them is too.
func (a *API) repeatableAll(calls []driver.MergedCall) bool {
	rt, ok := a.platform.(driver.Retrier)
	if !ok {
		return false
	}
	for _, c := range calls {
		d := driver.NewDraft(apiClient{a})
		d.Platform, d.Method, d.Segments, d.Values = a.platform.Name(), c.Method, strings.Split(c.Method, "."), c.Values
		if !rt.Idempotent(d) {
			return false
		}
	}
	return true
}

// challenged reports whether err is a challenge that resendChallenged
// would answer.
func (a *API) challenged(err error) bool {
	_, _, _, ok := a.challengeOf(err, nil)
	return ok
}

// resendChallenged answers the challenge (a captcha) that err of one call
// of a merged request carries with the client's handler (WithCaptcha), and
// resends that call alone with the answer. ok is false when err carries no
// challenge or no handler is set.
func (a *API) resendChallenged(ctx context.Context, c driver.MergedCall, err error) (BatchResult, bool) {
	if a.cfg.challenge == nil {
		return BatchResult{}, false
	}
	rs, ok, aerr := a.AnswerChallenge(ctx, err, nil, 1)
	if aerr != nil {
		return BatchResult{Err: aerr}, true
	}
	if !ok {
		return BatchResult{}, false
	}
	r, _, err := a.Method(c.Method).WithResend(rs).respond(ctx, valuesParams(c.Values, nil))
	return BatchResult{Response: r, Err: err}, true
}

// valuesParams turns encoded values back into parameters, which encode to
// the same values, with extra added.
func valuesParams(v url.Values, extra Params) Params {
	p := make(Params, len(v)+len(extra))
	for k, vs := range v {
		if len(vs) == 1 {
			p[k] = vs[0]
		} else {
			p[k] = vs
		}
	}
	for k, x := range extra {
		p[k] = x
	}
	return p
}

// retarget returns err as the error of the call method rather than of the
// merged request that carried it.
func retarget(err error, method string) error {
	switch e := err.(type) {
	case *Error:
		cp := *e
		cp.Method = method
		return &cp
	case *PartialError:
		cp := *e
		cp.Method = method
		return &cp
	case *TransportError:
		cp := *e
		cp.Method = method
		return &cp
	case *ReplyError:
		cp := *e
		cp.Method = method
		return &cp
	case *CallError:
		cp := *e
		cp.Method = method
		return &cp
	}
	return err
}
