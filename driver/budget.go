package driver

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Limit is a request budget: at most Rate requests per Period, of which up
// to Burst may go at once (a Burst below 1 counts as 1). VK's budget of a
// user token is about Limit{Rate: 3, Period: time.Second, Burst: 1}.
type Limit struct {
	Rate   int
	Period time.Duration
	Burst  int
}

// String writes the limit as "3/1s" (Rate per Period), with the burst when it
// is above 1: "20/1s burst 5".
func (l Limit) String() string {
	s := fmt.Sprintf("%d/%v", l.Rate, l.Period)
	if l.Burst > 1 {
		s += fmt.Sprintf(" burst %d", l.Burst)
	}
	return s
}

// Check returns an error when the limit cannot be applied: a Rate or Period
// that is not positive.
func (l Limit) Check() error {
	if l.Rate <= 0 || l.Period <= 0 {
		return fmt.Errorf("snskit: budget %v: want a positive Rate and Period", l)
	}
	return nil
}

// Every returns the time between two requests at the limit's rate.
func (l Limit) Every() time.Duration { return l.Period / time.Duration(l.Rate) }

// Budgeter is implemented by platforms whose requests count against a budget
// of their credential (VK: 3 requests a second per user token). snskit asks
// it, after Prepare, which budget a request draws from, and waits for a slot
// of that budget before sending it (see snskit.WithLimiter). Platforms that
// do not implement it have no budget unless the client sets one with
// snskit.WithRateLimit.
type Budgeter interface {
	// Budget returns the key of the budget the prepared request d counts
	// against and that budget's limit, or ok false when it counts against
	// none. The key must not reveal the credential: build it with
	// BudgetKey.
	Budget(d *Draft) (key string, limit Limit, ok bool)
}

// BudgetKey returns BudgetKey(platform, credential), remembered by the
// client for the credentials it used last: hashing the credential was a
// tenth of the client's own cost of a small call. Platforms' Budget methods
// call it; a draft made without a client (NewDraft(nil)) computes the key.
func (d *Draft) BudgetKey(platform, credential string) string {
	if d.client == nil {
		return BudgetKey(platform, credential)
	}
	return d.client.BudgetKey(platform, credential)
}

// BudgetKey returns the key of the budget of a credential of platform: the
// first 16 bytes of SHA-256 over the platform's name and the credential, in
// hex. It names the credential without revealing it, so that it can be
// logged or stored in a shared limiter (Redis). Two tokens give two keys.
func BudgetKey(platform, credential string) string {
	var stack [256]byte // the usual platform and token hash without allocating
	in := append(append(append(stack[:0], platform...), 0), credential...)
	sum := sha256.Sum256(in)
	var out [32]byte
	hex.Encode(out[:], sum[:16])
	return platform + ":" + string(out[:])
}

// Retrier is implemented by platforms that know which of their errors are
// worth resending and which calls are safe to send twice. snskit runs the
// retries (bounded, with backoff, see snskit.WithRetry); the platform only
// judges.
// Without a Retrier, no platform error is resent and only GET calls count
// as safe to repeat.
type Retrier interface {
	// Transient reports whether the call d, refused with e, may be sent
	// again after a pause: e says the platform did nothing (VK's error 6),
	// or d is Idempotent and e is passing trouble (WeChat's -1, busy).
	Transient(d *Draft, e *Error) bool
	// Idempotent reports whether sending d twice has the effect of sending
	// it once: a read, or a write carrying its own deduplication key (VK's
	// messages.send with a random_id). Calls that are not are never resent
	// once they may have reached the platform (after a 502 or a dropped
	// connection).
	Idempotent(d *Draft) bool
}
