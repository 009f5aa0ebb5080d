package platforms

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// VK's Long Poll: the Bots Long Poll of a community and the User Long Poll
// of a user, read as Go iterators (PLATFORMS-MORE.md §3.1-3.2). Docs:
// https://dev.vk.com/ru/api/bots-long-poll/getting-started and
// https://dev.vk.com/ru/api/user-long-poll/getting-started.
//
//	lp := platforms.VKBotsLongPoll{GroupID: 123, TS: stored, OnTS: store}
//	for ev, err := range lp.Events(ctx, api) {
//		if err != nil && errors.Is(err, ctx.Err()) {
//			return nil // stopped on purpose
//		}
//		if err != nil {
//			return err // a lasting failure: bad token, Long Poll off...
//		}
//		fmt.Println(ev.Type, ev.Object.Get("text"))
//	}
//
// The loop ends when ctx is done, yielding a last error that satisfies
// errors.Is(err, ctx.Err()) (as Call.All does), or after an error that
// retrying cannot cure, which it yields. Network failures and server trouble are retried with jittered
// backoff (up to 30 s apart); failed 1, 2 and 3 are handled as VK says.
// Each event is handed out once: a repeated event_id is dropped.
//
// Resuming: OnTS gets a position after each event handed out (VK's ts, or
// "ts/n" for the n-th event of the batch that follows ts). Store the last
// one and pass it back as TS, and a restarted program goes on exactly
// where it stopped, whether it stopped between batches or broke out of the
// loop within one.

// VKEvent is one event of a long poll or of the Callback API.
type VKEvent struct {
	// Type is the event type ("message_new", "wall_post_new"...); for the
	// User Long Poll, the update's code ("4" a new message...).
	Type string
	// Object is the event object; for the User Long Poll, the whole
	// update array.
	Object gjson.Result
	// GroupID is the community of a Bots Long Poll or Callback API event.
	GroupID int64
	// EventID is VK's unique id of the event (not in the User Long Poll).
	EventID string
	// V is the API version the object is written in.
	V string
}

const (
	// VKLongPollDefaultWait is how long an a_check waits for events.
	VKLongPollDefaultWait = 25 * time.Second
	// VKLongPollMaxWait is the longest wait VK allows.
	VKLongPollMaxWait = 90 * time.Second
	// vkLPMargin is how much longer than the wait an a_check may take.
	vkLPMargin = 15 * time.Second
	// vkLPSeen is how many event ids are remembered to drop repeats.
	vkLPSeen = 4096
)

// VKBotsLongPoll is the Bots Long Poll of a community
// (groups.getLongPollServer, then act=a_check). The client's token must be
// the community's or one of its admins'; Long Poll must be on in the
// community's settings (or with groups.setLongPollSettings).
type VKBotsLongPoll struct {
	// GroupID is the community's id (positive).
	GroupID int64
	// Wait is how long each a_check waits for events: whole seconds, at
	// most VKLongPollMaxWait; 0 means VKLongPollDefaultWait.
	Wait time.Duration
	// TS is where to start: a position OnTS gave; empty starts from now.
	TS string
	// OnTS, when set, is called with the new position after each event
	// handed out, and when the position moves without events.
	OnTS func(ts string)
}

// Events returns the community's events, polled through api (a
// platforms.VK or VKID client) until ctx is done (then it yields ctx's
// error, wrapped). Each range over it is
// one run of its own, with no goroutine left behind; many may run at once.
func (lp VKBotsLongPoll) Events(ctx context.Context, api *snskit.API) iter.Seq2[VKEvent, error] {
	p := &vkPoller{api: api, name: "bots long poll", wait: lp.Wait, start: lp.TS, onTS: lp.OnTS,
		server: func(ctx context.Context) (gjson.Result, error) {
			return api.Method("groups.getLongPollServer").DoContext(ctx, snskit.Params{"group_id": lp.GroupID})
		},
		event: vkBotEvent}
	if lp.GroupID <= 0 {
		p.err = fmt.Errorf("snskit: vk bots long poll: VKBotsLongPoll.GroupID %d: want the community's id, a positive number", lp.GroupID)
	}
	return p.run(ctx)
}

func vkBotEvent(u gjson.Result) VKEvent {
	return VKEvent{Type: u.Get("type").String(), Object: u.Get("object"), GroupID: u.Get("group_id").Int(),
		EventID: u.Get("event_id").String(), V: u.Get("v").String()}
}

// vkPoller is one run of a long poll.
type vkPoller struct {
	api    *snskit.API
	name   string
	wait   time.Duration
	start  string
	onTS   func(string)
	query  url.Values // extra a_check parameters (mode, version)
	server func(ctx context.Context) (gjson.Result, error)
	event  func(gjson.Result) VKEvent
	err    error // a bad configuration, yielded at once
}

// vkLPServer is what getLongPollServer answered.
type vkLPServer struct {
	url *url.URL
	key string
}

func (p *vkPoller) fail(format string, args ...any) error {
	return fmt.Errorf("snskit: vk "+p.name+": "+format, args...)
}

func (p *vkPoller) check() error {
	switch {
	case p.err != nil:
		return p.err
	case p.api == nil:
		return p.fail("nil client; build one with snskit.New(platforms.VK(), snskit.WithAuth(...))")
	case !isVK(p.api.Platform()):
		return p.fail("the client is for %s; build it with platforms.VK()", p.api.Platform().Name())
	case p.wait == 0:
		p.wait = VKLongPollDefaultWait
	case p.wait < time.Second || p.wait > VKLongPollMaxWait || p.wait%time.Second != 0:
		return p.fail("Wait %v: want whole seconds from 1s to %v", p.wait, VKLongPollMaxWait)
	}
	if t := p.api.Driver().HTTPClient().Timeout; t != 0 && t < p.wait+vkLPMargin {
		return p.fail("the HTTP client's Timeout %v is shorter than Wait %v plus %v; raise it, or lower Wait", t, p.wait, vkLPMargin)
	}
	return nil
}

// run is the iterator: get a server, poll it, hand out events.
func (p *vkPoller) run(ctx context.Context) iter.Seq2[VKEvent, error] {
	return func(yield func(VKEvent, error) bool) {
		if ctx == nil {
			ctx = context.Background()
		}
		if err := p.loop(ctx, yield); err != nil {
			yield(VKEvent{}, err)
		}
	}
}

// loop polls and yields events until the consumer stops (nil), an error
// retrying cannot cure (yielded, then nil) or ctx ends (its error,
// returned for run to yield).
func (p *vkPoller) loop(ctx context.Context, yield func(VKEvent, error) bool) error {
	if err := p.check(); err != nil {
		return err
	}
	ts, skip, err := vkParseTS(p.start)
	if err != nil {
		return p.fail("TS %q: %v", p.start, err)
	}
	seen := newVKSeen(vkLPSeen)
	var srv vkLPServer
	failed := 0 // a_checks answered "failed" in a row
	for tries := 0; ctx.Err() == nil; {
		if srv.key == "" {
			s, sts, err := p.getServer(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return p.ended(ctx)
				}
				if !vkTransient(err) {
					return err
				}
				if p.sleep(ctx, &tries) != nil {
					return p.ended(ctx)
				}
				continue
			}
			srv = s
			if ts == "" {
				ts, skip = sts, 0
			}
		}
		doc, err := p.poll(ctx, srv, ts)
		if err != nil {
			if ctx.Err() != nil || p.sleep(ctx, &tries) != nil {
				return p.ended(ctx)
			}
			continue
		}
		tries = 0
		f := doc.Get("failed").Int()
		if f == 0 {
			failed = 0
		} else if failed++; failed > 1 && p.sleep(ctx, &failed) != nil {
			return p.ended(ctx) // failed again at once: back off rather than poll in a tight loop
		}
		switch f {
		case 0:
		case 1: // history outdated or partly lost: go on from the ts given
			if nts := doc.Get("ts").String(); nts != "" {
				ts, skip = nts, 0
				p.moved(ts)
			}
			continue
		case 2: // key expired: a new key, keep our ts
			srv = vkLPServer{}
			continue
		case 3: // information lost: a new key and ts
			srv, ts, skip = vkLPServer{}, "", 0
			continue
		case 4:
			return p.fail("version %s is not supported (VK takes %s to %s)",
				p.query.Get("version"), doc.Get("min_version").String(), doc.Get("max_version").String())
		default:
			return p.fail("VK answered failed %d, which snskit does not know", f)
		}
		next := doc.Get("ts").String()
		ups := doc.Get("updates").Array()
		if next == "" || !doc.Get("updates").IsArray() {
			if p.sleep(ctx, &tries) != nil {
				return p.ended(ctx)
			}
			continue
		}
		for i := skip; i < len(ups); i++ {
			ev := p.event(ups[i])
			pos := ts + "/" + strconv.Itoa(i+1)
			if i == len(ups)-1 {
				pos = next
			}
			if ev.EventID != "" && !seen.add(ev.EventID) {
				p.moved(pos)
				continue
			}
			more := yield(ev, nil)
			p.moved(pos)
			if !more {
				return nil
			}
			if ctx.Err() != nil {
				return p.ended(ctx)
			}
		}
		if next != ts && (len(ups) == 0 || skip >= len(ups)) {
			p.moved(next)
		}
		ts, skip = next, 0
	}
	return p.ended(ctx)
}

// ended is the error that ends a run whose context ended: it satisfies
// errors.Is(err, ctx.Err()).
func (p *vkPoller) ended(ctx context.Context) error {
	return p.fail("stopped: %w", ctx.Err())
}

// moved hands a new position to OnTS.
func (p *vkPoller) moved(pos string) {
	if p.onTS != nil {
		p.onTS(pos)
	}
}

// getServer asks for a long poll server, key and ts.
func (p *vkPoller) getServer(ctx context.Context) (vkLPServer, string, error) {
	res, err := p.server(ctx)
	if err != nil {
		return vkLPServer{}, "", err
	}
	raw, key, ts := res.Get("server").String(), res.Get("key").String(), res.Get("ts").String()
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw // the User Long Poll's server may come without a scheme
	}
	u, perr := url.Parse(raw)
	if perr != nil || u.Host == "" || key == "" || ts == "" {
		return vkLPServer{}, "", &snskit.ReplyError{Platform: "vk", Method: p.name,
			Reason: "the long poll server answer lacks a usable server, key or ts"}
	}
	return vkLPServer{url: u, key: key}, ts, nil
}

// poll sends one a_check and returns its JSON reply.
func (p *vkPoller) poll(ctx context.Context, s vkLPServer, ts string) (gjson.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, p.wait+vkLPMargin)
	defer cancel()
	u := *s.url
	q := u.Query()
	for k := range p.query {
		q.Set(k, p.query.Get(k))
	}
	q.Set("act", "a_check")
	q.Set("key", s.key)
	q.Set("ts", ts)
	q.Set("wait", strconv.Itoa(int(p.wait/time.Second)))
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return gjson.Result{}, err
	}
	r, err := p.api.Driver().Send(ctx, req, p.name, s.key)
	if err != nil {
		return gjson.Result{}, err
	}
	if r.StatusCode != http.StatusOK {
		return gjson.Result{}, r.BadReply("the long poll server answered an error status")
	}
	return driver.ParseJSON(r)
}

// sleep waits before the next try with full jitter (0.5 s, 1 s, 2 s... up
// to 30 s), or returns ctx's error.
func (p *vkPoller) sleep(ctx context.Context, tries *int) error {
	ceil := min(500*time.Millisecond<<min(*tries, 6), 30*time.Second)
	*tries++
	t := time.NewTimer(rand.N(ceil) + time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// vkTransient reports whether a failure to get a server may pass: no
// reply, an unreadable one, server trouble or a rate limit.
func vkTransient(err error) bool {
	var te *snskit.TransportError
	var re *snskit.ReplyError
	return errors.As(err, &te) || errors.As(err, &re) ||
		errors.Is(err, snskit.ErrServer) || errors.Is(err, snskit.ErrRateLimited)
}

// vkParseTS reads a position: VK's ts, or "ts/n".
func vkParseTS(s string) (string, int, error) {
	ts, n, ok := strings.Cut(s, "/")
	if !ok {
		return ts, 0, nil
	}
	skip, err := strconv.Atoi(n)
	if ts == "" || err != nil || skip < 0 {
		return "", 0, errors.New("want a position OnTS gave: VK's ts, or ts/n")
	}
	return ts, skip, nil
}

// vkSeen remembers the last n event ids.
type vkSeen struct {
	set  map[string]struct{}
	ring []string
	next int
}

func newVKSeen(n int) *vkSeen {
	return &vkSeen{set: make(map[string]struct{}, n), ring: make([]string, n)}
}

// add records id and reports whether it was new.
func (s *vkSeen) add(id string) bool {
	if _, ok := s.set[id]; ok {
		return false
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.set, old)
	}
	s.ring[s.next] = id
	s.next = (s.next + 1) % len(s.ring)
	s.set[id] = struct{}{}
	return true
}
