package snskit

import (
	"net/http"

	"github.com/snskit/snskit/driver"
)

// maxKeptHosts bounds the hosts an API keeps headers for.
const maxKeptHosts = 64

// keptHeaders are the headers of Keep resends (driver.Resend.Keep), by
// host: a challenge passed once for a host, whose solution goes on every
// later request to it (VK's X-Challenge-Solution). The values are
// secrets: each request that carries them registers them as such.
type keptHeaders struct{ hosts cowMap[string, http.Header] }

// set keeps h for host, replacing what was kept for it.
func (k *keptHeaders) set(host string, h http.Header) {
	k.hosts.set(host, h.Clone(), maxKeptHosts)
}

// apply adds what is kept for d's host to d's headers, as secrets, unless
// the draft sets those headers itself.
func (k *keptHeaders) apply(d *driver.Draft) {
	if d.URL == nil || k.hosts.len() == 0 {
		return
	}
	h, _ := k.hosts.get(d.URL.Host)
	for name, vs := range h {
		if _, set := d.Header[name]; !set {
			d.Header[name] = append([]string(nil), vs...)
			d.Secret(vs...)
		}
	}
}
