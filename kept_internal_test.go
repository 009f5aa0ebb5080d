package snskit

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/snskit/snskit/driver"
	"github.com/stretchr/testify/assert"
)

func TestKeptHeadersByHostBoundedAndSecret(t *testing.T) {
	var k keptHeaders
	d := driver.NewDraft(nil)
	d.URL = &url.URL{Scheme: "https", Host: "api.example.com"}
	k.apply(d) // nothing kept: nothing added
	assert.Empty(t, d.Header)

	k.set("api.example.com", http.Header{"X-Solution": {"s3cr3t"}})
	k.apply(d)
	assert.Equal(t, "s3cr3t", d.Header.Get("X-Solution"))
	assert.Contains(t, d.Secrets(), "s3cr3t", "kept values are masked like the answer was")

	own := driver.NewDraft(nil)
	own.URL = d.URL
	own.Header.Set("X-Solution", "mine")
	k.apply(own)
	assert.Equal(t, []string{"mine"}, own.Header["X-Solution"], "a draft's own header wins")

	other := driver.NewDraft(nil)
	other.URL = &url.URL{Host: "other.example.com"}
	k.apply(other)
	assert.Empty(t, other.Header, "kept for one host only")

	for i := range 2 * maxKeptHosts {
		k.set(fmt.Sprintf("h%d", i), http.Header{"X": {"v"}})
	}
	assert.Len(t, *k.hosts.m.Load(), maxKeptHosts)
	k.set("api.example.com", http.Header{"X-Solution": {"newer"}})
	d2 := driver.NewDraft(nil)
	d2.URL = d.URL
	k.apply(d2)
	assert.Equal(t, "newer", d2.Header.Get("X-Solution"), "a kept host is replaced even when full")
}

func TestKeptHeadersUnderConcurrentUse(t *testing.T) {
	var k keptHeaders
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 200 {
				k.set("api.example.com", http.Header{"X-Solution": {fmt.Sprint(g, i)}})
			}
		}()
		go func() {
			defer wg.Done()
			for range 200 {
				d := driver.NewDraft(nil)
				d.URL = &url.URL{Host: "api.example.com"}
				k.apply(d)
			}
		}()
	}
	wg.Wait()
	assert.Len(t, *k.hosts.m.Load(), 1)
}
