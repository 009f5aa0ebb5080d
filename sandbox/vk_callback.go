package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Callback API (https://dev.vk.com/ru/api/callback/getting-started,
// PLATFORMS-MORE.md §3.3). groups.addCallbackServer registers a URL; the
// sandbox at once POSTs it {"type":"confirmation","group_id":G[,"secret":S]}
// and wants the body to be the community's code
// (groups.getCallbackConfirmationCode); the server's status goes from
// "wait" to "ok" (or "failed"). groups.setCallbackSettings turns event types
// on (all are off on a new server) and sets api_version (default 5.199).
// Each event of an "ok" server is POSTed as JSON
// {"type","object","group_id","event_id","v"[,"secret"]} and wants HTTP 200
// with the body "ok".
//
// A delivery that fails (no connection, another status or body) is retried
// up to VKCallbackAttempts attempts in all, VKCallbackRetryDelay after the
// first failure and twice as long after each next one, by real time; after
// the last the event is dropped (a confirmation leaves the server
// "failed"). Each server delivers in order, one request at a time. The
// sandbox delivers only to loopback addresses (127.0.0.0/8, ::1,
// localhost): any other URL is refused with error 100, so that no test can
// make the sandbox reach the network.

const (
	// VKCallbackAttempts is how many times the sandbox tries to deliver one
	// callback request.
	VKCallbackAttempts = 4
	// VKCallbackRetryDelay is the wait before the second attempt; it
	// doubles for each next one.
	VKCallbackRetryDelay = 20 * time.Millisecond
	// vkCallbackMaxServers is VK's limit of servers per community.
	vkCallbackMaxServers = 10
	vkCallbackTimeout    = 5 * time.Second
	vkCallbackLog        = 10000
)

// VKCallbackDelivery is one callback request the sandbox finished with.
type VKCallbackDelivery struct {
	GroupID  int64
	ServerID int64
	// Type is the event type, "confirmation" for the confirmation request.
	Type    string
	EventID string
	// Attempts is how many times the request was sent.
	Attempts int
	// OK reports whether the last attempt got the expected answer.
	OK bool
}

// vkCallbacks are a community's callback servers.
type vkCallbacks struct {
	code    string
	servers []*vkCBServer
	nextID  int64
}

// vkCBServer is one callback server and its delivery queue.
type vkCBServer struct {
	id, group, creator int64
	title, url, secret string
	status             string
	version            string
	on                 map[string]bool
	queue              []vkCBJob
	kick               chan struct{} // has room for one wake-up
	gone               bool
}

type vkCBJob struct {
	typ, id string
	body    []byte
	expect  string
}

// callbacks returns a community's callback state. The caller holds mu.
func (e *vkEvents) callbacks(gid int64) *vkCallbacks {
	cb := e.callback[gid]
	if cb == nil {
		cb = &vkCallbacks{code: randomHex(4)}
		e.callback[gid] = cb
	}
	return cb
}

// deliver queues an event for every "ok" server of gid that takes its
// type. The caller holds mu.
func (e *vkEvents) deliver(gid int64, typ, id string, object func(v string) any) {
	for _, s := range e.callbacks(gid).servers {
		if s.status != "ok" || !s.on[typ] {
			continue
		}
		msg := map[string]any{"type": typ, "object": object(s.version), "group_id": gid, "event_id": id, "v": s.version}
		if s.secret != "" {
			msg["secret"] = s.secret
		}
		e.enqueue(s, typ, id, msg, "ok")
	}
}

// enqueue adds a request to a server's queue. The caller holds mu.
func (e *vkEvents) enqueue(s *vkCBServer, typ, id string, msg map[string]any, expect string) {
	body, _ := json.Marshal(msg)
	s.queue = append(s.queue, vkCBJob{typ: typ, id: id, body: body, expect: expect})
	e.pending++
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// confirm queues the confirmation request of a server. The caller holds mu.
func (e *vkEvents) confirm(s *vkCBServer) {
	s.status = "wait"
	msg := map[string]any{"type": "confirmation", "group_id": s.group}
	if s.secret != "" {
		msg["secret"] = s.secret
	}
	e.enqueue(s, "confirmation", "", msg, e.callbacks(s.group).code)
}

// startWorker runs a server's delivery loop until it is deleted or the
// sandbox closes. The caller holds mu.
func (e *vkEvents) startWorker(s *vkCBServer) {
	if e.closed {
		return
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		client := &http.Client{Transport: e.transport, Timeout: vkCallbackTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for {
			e.mu.Lock()
			if s.gone || e.closed {
				e.pending -= len(s.queue)
				s.queue = nil
				e.mu.Unlock()
				return
			}
			if len(s.queue) == 0 {
				e.mu.Unlock()
				select {
				case <-s.kick:
				case <-e.done:
				}
				continue
			}
			job, target := s.queue[0], s.url
			e.mu.Unlock()
			attempts, ok := e.send(client, target, job)
			e.mu.Lock()
			if len(s.queue) > 0 {
				s.queue = s.queue[1:]
				e.pending--
			}
			if job.typ == "confirmation" && s.url == target {
				s.status = map[bool]string{true: "ok", false: "failed"}[ok]
			}
			e.log = append(e.log, VKCallbackDelivery{GroupID: s.group, ServerID: s.id, Type: job.typ,
				EventID: job.id, Attempts: attempts, OK: ok})
			if n := len(e.log) - vkCallbackLog; n > 0 {
				e.log = append([]VKCallbackDelivery(nil), e.log[n:]...)
			}
			e.mu.Unlock()
		}
	}()
}

// send delivers one request with retries and reports the attempts made and
// whether the last one got the expected answer.
func (e *vkEvents) send(client *http.Client, target string, job vkCBJob) (int, bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-e.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	delay := VKCallbackRetryDelay
	for n := 1; ; n++ {
		if vkPostCallback(ctx, client, target, job) {
			return n, true
		}
		if n == VKCallbackAttempts {
			return n, false
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return n, false
		}
		delay *= 2
	}
}

// vkPostCallback makes one attempt.
func vkPostCallback(ctx context.Context, client *http.Client, target string, job vkCBJob) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(job.body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode == http.StatusOK && strings.TrimSpace(string(b)) == job.expect
}

// vkLoopbackURL reports whether u is an http(s) URL on a loopback host.
func vkLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// VKCallbackDeliveries returns the callback requests the sandbox has
// finished with (delivered or given up), oldest first.
func (s *Server) VKCallbackDeliveries() []VKCallbackDelivery {
	e := s.vkEvents()
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]VKCallbackDelivery(nil), e.log...)
}

// VKWaitCallbacks waits until no callback request is queued or being
// delivered, or until ctx is done.
func (s *Server) VKWaitCallbacks(ctx context.Context) error {
	e := s.vkEvents()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		e.mu.Lock()
		n := e.pending
		e.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
