package sandbox

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Events of the VK emulator, produced by calls made to it and read through
// the Bots Long Poll (a community's stream), the User Long Poll (a user's
// stream) and the Callback API (vk_longpoll.go, vk_longpoll_user.go,
// vk_callback.go). Streams are named by owner id as VK names walls: a
// community's stream is -group_id, a user's is the user id.
//
// Every stream numbers its events 1, 2, 3, ...; a long-poll ts is the number
// of the last event the reader has, so a_check with ts=N answers the events
// after N. A stream keeps its last VKLongPollHistory events; a reader that
// falls further behind, or whose history was dropped, gets failed 1 with the
// ts to go on from (the events between are lost, as VK says).

const (
	// VKLongPollHistory is how many past events each long-poll stream keeps.
	VKLongPollHistory = 1000
	// VKLongPollBatch is the most events one a_check reply carries.
	VKLongPollBatch = 100
	// VKLongPollKeyTTL is the lifetime of a long-poll key by the sandbox
	// clock; a_check with an older key answers failed 2. VK's is about an
	// hour (unverified).
	VKLongPollKeyTTL = time.Hour
	// VKLongPollMaxWait is the longest wait a_check honours, in seconds;
	// larger values are cut to it.
	VKLongPollMaxWait = 90
)

// vkEvent is one event of a stream. render gives what a reader sees: the
// bots event object for an API version, or a user long-poll update for a
// version and mode.
type vkEvent struct {
	seq    int64
	typ    string // bots and callback event type
	id     string // event_id
	group  int64
	v      string // the API version the event was produced for (bots)
	render func(version string, mode int) any
}

// vkStream is the event history of one owner.
type vkStream struct {
	seq  int64     // number of the last event
	hist []vkEvent // the last VKLongPollHistory events, oldest first
}

// vkLPKey is a long-poll key. failed is 2 once expired on demand, 3 once
// its information was lost on demand.
type vkLPKey struct {
	owner   int64
	expires time.Time
	failed  int
}

// vkEvents holds the streams, keys and callback servers of the VK
// emulator. It is safe for concurrent use; code holding the platform's mu
// may call into it, never the reverse.
type vkEvents struct {
	now func() time.Time

	mu       sync.Mutex
	streams  map[int64]*vkStream
	keys     map[string]*vkLPKey
	lp       map[int64]*vkLPSettings // bots long-poll settings by group id
	callback map[int64]*vkCallbacks  // callback servers by group id
	wake     chan struct{}           // closed and replaced on every change
	closed   bool
	pending  int                  // callback requests queued or in flight
	log      []VKCallbackDelivery // finished callback requests, the last vkCallbackLog

	done      chan struct{} // closed by close
	wg        sync.WaitGroup
	transport *http.Transport // of callback deliveries, its idle connections closed by close
}

func newVKEvents(now func() time.Time) *vkEvents {
	return &vkEvents{now: now, streams: map[int64]*vkStream{}, keys: map[string]*vkLPKey{},
		lp: map[int64]*vkLPSettings{}, callback: map[int64]*vkCallbacks{},
		wake: make(chan struct{}), done: make(chan struct{}),
		transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 2, IdleConnTimeout: 30 * time.Second}}
}

// changed wakes every waiting long-poll request. The caller holds mu.
func (e *vkEvents) changed() {
	close(e.wake)
	e.wake = make(chan struct{})
}

// close wakes and ends every waiting request and callback worker, and
// waits for the workers.
func (e *vkEvents) close() {
	e.mu.Lock()
	if !e.closed {
		e.closed = true
		close(e.done)
		e.changed()
	}
	e.mu.Unlock()
	e.wg.Wait()
	e.transport.CloseIdleConnections()
}

// stream returns the stream of owner, creating it. The caller holds mu.
func (e *vkEvents) stream(owner int64) *vkStream {
	s := e.streams[owner]
	if s == nil {
		s = &vkStream{}
		e.streams[owner] = s
	}
	return s
}

// append adds an event to owner's stream and returns it numbered. The
// caller holds mu.
func (e *vkEvents) append(owner int64, ev vkEvent) vkEvent {
	s := e.stream(owner)
	s.seq++
	ev.seq = s.seq
	if ev.id == "" {
		ev.id = randomHex(20)
	}
	s.hist = append(s.hist, ev)
	if n := len(s.hist) - VKLongPollHistory; n > 0 {
		s.hist = append([]vkEvent(nil), s.hist[n:]...)
	}
	e.changed()
	return ev
}

// newKey mints a long-poll key for owner and returns it with the stream's
// current ts. The caller holds mu.
func (e *vkEvents) newKey(owner int64) (key string, ts int64) {
	now := e.now()
	for k, v := range e.keys {
		if !now.Before(v.expires) {
			delete(e.keys, k)
		}
	}
	key = randomHex(20)
	e.keys[key] = &vkLPKey{owner: owner, expires: now.Add(VKLongPollKeyTTL)}
	return key, e.stream(owner).seq
}

// failKeys makes every key of owner answer failed (2 or 3).
func (e *vkEvents) failKeys(owner int64, failed int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, k := range e.keys {
		if k.owner == owner && k.failed != 3 {
			k.failed = failed
		}
	}
	e.changed()
}

// poll is one look at a stream for a reader at ts: the events after it (at
// most VKLongPollBatch), or failed (1, 2 or 3) with the ts to report for
// failed 1. The caller holds mu.
func (e *vkEvents) poll(key string, owner int64, ts int64, tsOK bool) (evs []vkEvent, next int64, failed int) {
	k := e.keys[key]
	switch {
	case k == nil || k.owner != owner:
		return nil, 0, 2
	case k.failed != 0:
		return nil, 0, k.failed
	case !e.now().Before(k.expires):
		return nil, 0, 2
	}
	s := e.stream(owner)
	oldest := s.seq + 1 // the number of the oldest event kept
	if len(s.hist) > 0 {
		oldest = s.hist[0].seq
	}
	if !tsOK || ts > s.seq || ts < oldest-1 {
		if !tsOK || ts > s.seq {
			return nil, s.seq, 1
		}
		return nil, oldest - 1, 1
	}
	i := int(ts - (oldest - 1)) // index of the event after ts
	end := min(len(s.hist), i+VKLongPollBatch)
	evs = append(evs, s.hist[i:end]...)
	if len(evs) > 0 {
		return evs, evs[len(evs)-1].seq, 0
	}
	return nil, ts, 0
}

// VKExpireLongPollKeys makes every long-poll key of a stream expire now:
// a_check answers failed 2 until the reader fetches a new key (and keeps
// its ts). owner is -group_id for a community's Bots Long Poll and the user
// id for a user's User Long Poll.
func (s *Server) VKExpireLongPollKeys(owner int64) { s.vkEvents().failKeys(owner, 2) }

// VKLoseLongPollInfo makes every long-poll key of a stream lose its
// information: a_check answers failed 3 until the reader fetches a new key
// and ts (events it had not read by then are lost to it). owner is as for
// VKExpireLongPollKeys.
func (s *Server) VKLoseLongPollInfo(owner int64) { s.vkEvents().failKeys(owner, 3) }

// VKDropLongPollHistory forgets the stored events of a stream: a reader
// behind the newest event gets failed 1 with the newest ts, and the events
// it had not read are lost to it. owner is as for VKExpireLongPollKeys.
func (s *Server) VKDropLongPollHistory(owner int64) {
	e := s.vkEvents()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stream(owner).hist = nil
	e.changed()
}

func (s *Server) vkEvents() *vkEvents { return s.platforms[VK].(*vkPlatform).events }

// vkTS writes a ts as the decimal text bots long poll uses.
func vkTS(n int64) string { return strconv.FormatInt(n, 10) }
