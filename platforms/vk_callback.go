package platforms

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/tidwall/gjson"
)

// VK's Callback API: VK POSTs each event of a community to your server
// (PLATFORMS-MORE.md §3.3). Docs:
// https://dev.vk.com/ru/api/callback/getting-started.
//
//	h, err := platforms.NewVKCallback(platforms.VKCallbackConfig{
//		Confirmation: code, // groups.getCallbackConfirmationCode
//		Secret:       secret,
//		Handle: func(ctx context.Context, ev platforms.VKEvent) error {
//			log.Println(ev.Type, ev.Object.Get("text"))
//			return nil
//		},
//	})
//	http.Handle("/vk/callback", h)

// vkCallbackMaxBody bounds a callback request's body.
const vkCallbackMaxBody = 1 << 20

// VKCallbackConfig configures NewVKCallback.
type VKCallbackConfig struct {
	// Confirmation is the string the server answers VK's "confirmation"
	// request with (groups.getCallbackConfirmationCode gives it).
	Confirmation string
	// Secret is the server's secret key; requests that do not carry it are
	// refused with HTTP 403. Empty accepts requests without one.
	Secret string
	// GroupID, when set, refuses events of other communities.
	GroupID int64
	// Handle gets each new event, in the same VKEvent as the long polls
	// give. An error makes the server answer HTTP 500, so that VK delivers
	// the event again; nil answers "ok". It must be safe for concurrent
	// use.
	Handle func(ctx context.Context, ev VKEvent) error
}

// VKCallback is an http.Handler for VK's Callback API. It answers
// "confirmation" with the code, checks the secret in constant time, hands
// every other event to Handle once (a redelivered event_id is answered "ok"
// and dropped) and answers "ok". It is safe for concurrent use.
type VKCallback struct {
	cfg VKCallbackConfig

	mu     sync.Mutex
	done   *vkSeen             // event ids handled
	flight map[string]struct{} // event ids being handled
}

// NewVKCallback returns a Callback API handler.
func NewVKCallback(cfg VKCallbackConfig) (*VKCallback, error) {
	switch {
	case cfg.Confirmation == "":
		return nil, errors.New("snskit: vk callback: VKCallbackConfig.Confirmation is empty; pass the code of groups.getCallbackConfirmationCode")
	case cfg.Handle == nil:
		return nil, errors.New("snskit: vk callback: VKCallbackConfig.Handle is nil; pass the function that gets the events")
	case cfg.GroupID < 0:
		return nil, errors.New("snskit: vk callback: VKCallbackConfig.GroupID must be a community's id, a positive number (or 0 for any)")
	}
	return &VKCallback{cfg: cfg, done: newVKSeen(vkLPSeen), flight: map[string]struct{}{}}, nil
}

// ServeHTTP serves one request of VK.
func (h *VKCallback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h == nil || h.done == nil {
		http.Error(w, "snskit: vk callback: a VKCallback not made by platforms.NewVKCallback serves nothing", http.StatusInternalServerError)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "VK's Callback API POSTs its events", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, vkCallbackMaxBody+1))
	if err != nil || len(body) > vkCallbackMaxBody || !gjson.ValidBytes(body) {
		http.Error(w, "not a callback request: want a JSON object of at most 1 MiB", http.StatusBadRequest)
		return
	}
	doc := gjson.ParseBytes(body)
	if !doc.IsObject() || doc.Get("type").String() == "" {
		http.Error(w, "not a callback request: no type", http.StatusBadRequest)
		return
	}
	if h.cfg.Secret != "" && subtle.ConstantTimeCompare([]byte(doc.Get("secret").String()), []byte(h.cfg.Secret)) != 1 {
		http.Error(w, "wrong or missing secret", http.StatusForbidden)
		return
	}
	ev := vkBotEvent(doc)
	if h.cfg.GroupID != 0 && ev.GroupID != h.cfg.GroupID {
		http.Error(w, "events of another community", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if ev.Type == "confirmation" {
		_, _ = io.WriteString(w, h.cfg.Confirmation)
		return
	}
	switch h.start(ev.EventID) {
	case vkCBDone:
		_, _ = io.WriteString(w, "ok") // handled before
		return
	case vkCBBusy: // VK gave up waiting and sent it again: ask for a later try
		http.Error(w, "this event is being handled; deliver it again later", http.StatusServiceUnavailable)
		return
	}
	err = h.handle(r.Context(), ev)
	if err != nil {
		http.Error(w, "the handler failed; deliver the event again", http.StatusInternalServerError)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

// handle runs Handle on ev and records its end, also when Handle panics
// (net/http recovers it), so that VK's redelivery is handled then.
func (h *VKCallback) handle(ctx context.Context, ev VKEvent) (err error) {
	ok := false
	defer func() { h.finish(ev.EventID, ok) }()
	err = h.cfg.Handle(ctx, ev)
	ok = err == nil
	return err
}

// The states of an event id in VKCallback.
const (
	vkCBNew = iota
	vkCBBusy
	vkCBDone
)

// start returns the state of an event, marking a new one as being
// handled. An event without an id is always new.
func (h *VKCallback) start(id string) int {
	if id == "" {
		return vkCBNew
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.flight[id]; ok {
		return vkCBBusy
	}
	if _, ok := h.done.set[id]; ok {
		return vkCBDone
	}
	h.flight[id] = struct{}{}
	return vkCBNew
}

// finish records the end of an event's handling; a failed one may come
// again.
func (h *VKCallback) finish(id string, ok bool) {
	if id == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.flight, id)
	if ok {
		h.done.add(id)
	}
}
