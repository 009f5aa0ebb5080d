package snskit

import (
	"maps"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/snskit/snskit/driver"
)

// maxKeptHosts bounds the hosts an API keeps headers for.
const maxKeptHosts = 64

// keptHeaders are the headers of Keep resends (driver.Resend.Keep), by
// host: a challenge passed once for a host, whose solution goes on every
// later request to it (VK's X-Challenge-Solution). Reads take no lock: the
// map is replaced whole when a host's headers change. The values are
// secrets: each request that carries them registers them as such.
type keptHeaders struct {
	m  atomic.Pointer[map[string]http.Header]
	mu sync.Mutex // serializes changes
}

// set keeps h for host, replacing what was kept for it.
func (k *keptHeaders) set(host string, h http.Header) {
	k.mu.Lock()
	defer k.mu.Unlock()
	next := map[string]http.Header{}
	if old := k.m.Load(); old != nil {
		if _, ok := (*old)[host]; !ok && len(*old) >= maxKeptHosts {
			return
		}
		maps.Copy(next, *old)
	}
	next[host] = h.Clone()
	k.m.Store(&next)
}

// apply adds what is kept for d's host to d's headers, as secrets, unless
// the draft sets those headers itself.
func (k *keptHeaders) apply(d *driver.Draft) {
	m := k.m.Load()
	if m == nil || d.URL == nil {
		return
	}
	for name, vs := range (*m)[d.URL.Host] {
		if _, set := d.Header[name]; !set {
			d.Header[name] = append([]string(nil), vs...)
			d.Secret(vs...)
		}
	}
}
