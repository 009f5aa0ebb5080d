package snskit

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/snskit/snskit/driver"
)

// DefaultBatchWindow is how long WithBatching(0) lets a call wait for others
// to share its request: long enough for calls made together by many
// goroutines to meet, short beside a request's round trip.
const DefaultBatchWindow = 5 * time.Millisecond

// WithBatching makes the client merge concurrent calls into one request
// where the platform can (VK's execute): a call waits up to window for
// others of the same credential, and the calls gathered go as one request
// as soon as the platform's limit (25 on VK) is reached or the window ends.
// window 0 means DefaultBatchWindow (5 ms); it may be at most one second.
//
// Each call still returns what it would have returned alone: its own result
// or its own error (a *Error naming the call's method, not execute), in a
// *Response whose Body is its part of the merged reply. A caller whose ctx
// ends stops waiting at once without disturbing the others; the merged
// request is cancelled only when all its callers have given up. A captcha
// asked of one call (WithCaptcha) is answered by that call's caller, with
// its ctx, after the other callers have their results: no caller waits for
// another's captcha.
//
// Calls that must go alone are sent alone: on VK execute itself, the
// upload-save methods, calls with files or a forced verb, captcha resends
// and calls carrying their own access_token, and calls marked
// Call.Idempotent, which keep their retries. Calls of different
// credentials (a VK community token per group_id) never share a request.
// A merged request is one request for rate limits (WithRateLimit) and
// retries. New fails with WithBatching on a platform that cannot merge
// calls.
func WithBatching(window time.Duration) Option {
	return func(cfg *config) error {
		if window < 0 || window > time.Second {
			return fmt.Errorf("snskit: WithBatching(%v): want a window from 0 (the default, %v) to 1s", window, DefaultBatchWindow)
		}
		if window == 0 {
			window = DefaultBatchWindow
		}
		cfg.batcher = &batcher{window: window, open: map[batchKey]*batch{}}
		return nil
	}
}

// checkConfig reports options that platform cannot honour.
func checkConfig(platform Platform, cfg *config) error {
	if cfg.batcher != nil {
		if _, ok := platform.(driver.Merger); !ok {
			return fmt.Errorf("snskit: WithBatching: %s cannot merge calls into one request; leave the option out", platform.Name())
		}
	}
	return nil
}

// batcher gathers the calls of WithBatching into merged requests, one open
// batch per client and credential. It is safe for concurrent use.
type batcher struct {
	window time.Duration
	mu     sync.Mutex
	open   map[batchKey]*batch
}

// batchKey names the calls that may share a request: those of one client
// and one credential.
type batchKey struct {
	api  *API
	cred string
}

// batch is the calls gathered for one merged request. Its fields are
// guarded by the batcher's mutex.
type batch struct {
	key     batchKey
	m       driver.Merger
	extra   Params
	waiters []*waiter
	timer   *time.Timer
	sealed  bool
	live    int                // callers still waiting once sealed
	cancel  context.CancelFunc // of the merged request, once sealed
}

// slotResult is a caller's part of a merged reply. challenged says that
// the platform challenged the call (a captcha): the caller answers it, in
// its own goroutine and with its own context, so that one person typing a
// captcha holds back no other caller of the batch.
type slotResult struct {
	BatchResult
	challenged bool
}

// waiter is one caller waiting for its part of a merged reply.
type waiter struct {
	call driver.MergedCall
	done chan slotResult // buffered: the sender never blocks
	gone bool            // the caller gave up
}

func (a *API) batcherOf() *batcher {
	if a == nil {
		return nil
	}
	return a.cfg.batcher
}

// do sends c through a merged request. ok is false when the call must go
// alone (or is refused, which sending it alone reports).
func (b *batcher) do(ctx context.Context, c Call, params Params) (BatchResult, bool) {
	m, ok := c.api.platform.(driver.Merger)
	if !ok || c.idempotent {
		return BatchResult{}, false // Idempotent: its retries are its own, which a merged request cannot keep
	}
	mc, cred, extra, err := c.mergeable(m, params)
	if err != nil {
		return BatchResult{}, false
	}
	if err := ctx.Err(); err != nil {
		return BatchResult{Err: err}, true
	}
	w := &waiter{call: mc, done: make(chan slotResult, 1)}
	bt := b.add(batchKey{api: c.api, cred: cred}, m, extra, w)
	select {
	case res := <-w.done:
		if res.challenged {
			if again, ok := c.api.resendChallenged(ctx, mc, res.Err); ok {
				return again, true
			}
		}
		return res.BatchResult, true
	case <-ctx.Done():
		b.leave(bt, w)
		select {
		case res := <-w.done: // it came while we were leaving
			return res.BatchResult, true
		default:
		}
		return BatchResult{Err: &TransportError{Platform: c.api.platform.Name(), Method: c.name, Err: ctx.Err()}}, true
	}
}

// add puts w in the open batch of key, opening one when there is none, and
// sends the batch when it is full.
func (b *batcher) add(key batchKey, m driver.Merger, extra Params, w *waiter) *batch {
	b.mu.Lock()
	defer b.mu.Unlock()
	bt := b.open[key]
	if bt == nil {
		bt = &batch{key: key, m: m, extra: extra}
		b.open[key] = bt
		bt.timer = time.AfterFunc(b.window, func() { b.flush(bt) })
	}
	bt.waiters = append(bt.waiters, w)
	if len(bt.waiters) >= m.MergeLimit() {
		b.seal(bt)
	}
	return bt
}

// flush sends bt when its window ends.
func (b *batcher) flush(bt *batch) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !bt.sealed && len(bt.waiters) > 0 {
		b.seal(bt)
	}
}

// seal closes bt to new calls and sends it. b.mu is held.
func (b *batcher) seal(bt *batch) {
	bt.sealed = true
	bt.timer.Stop()
	if b.open[bt.key] == bt {
		delete(b.open, bt.key)
	}
	ctx, cancel := context.WithCancel(context.Background())
	bt.cancel, bt.live = cancel, len(bt.waiters)
	waiters := slices.Clone(bt.waiters)
	calls := make([]driver.MergedCall, len(waiters))
	for i, w := range waiters {
		calls[i] = w.call
	}
	go func() {
		defer cancel()
		deferred := make([]bool, len(calls))
		for i, res := range bt.key.api.sendMerged(ctx, bt.m, calls, bt.extra, nil, deferred) {
			waiters[i].done <- slotResult{res, deferred[i]}
		}
	}()
}

// leave takes w out of bt for a caller that gave up: out of the batch when
// it is still open, else out of the callers the request is sent for, which
// is cancelled when none is left.
func (b *batcher) leave(bt *batch, w *waiter) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !bt.sealed {
		bt.waiters = slices.DeleteFunc(bt.waiters, func(x *waiter) bool { return x == w })
		if len(bt.waiters) == 0 {
			bt.sealed = true // empty: never sent
			bt.timer.Stop()
			if b.open[bt.key] == bt {
				delete(b.open, bt.key)
			}
		}
		return
	}
	if !w.gone {
		w.gone = true
		if bt.live--; bt.live == 0 {
			bt.cancel()
		}
	}
}
