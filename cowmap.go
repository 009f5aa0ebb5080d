package snskit

import (
	"sync"
	"sync/atomic"
)

// cowMap is a small map an API keeps between calls (resolved URLs, kept
// headers), read on every call without a lock: it is replaced whole, never
// changed, when an entry is set, and holds at most limit keys. Safe for
// concurrent use.
type cowMap[K comparable, V any] struct {
	m  atomic.Pointer[map[K]V]
	mu sync.Mutex // serializes changes
}

// get returns the value of k.
func (c *cowMap[K, V]) get(k K) (V, bool) {
	if m := c.m.Load(); m != nil {
		v, ok := (*m)[k]
		return v, ok
	}
	var zero V
	return zero, false
}

// set sets k to v, unless k is new and the map holds limit keys already.
func (c *cowMap[K, V]) set(k K, v V, limit int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	n := 0
	if old != nil {
		if _, ok := (*old)[k]; !ok && len(*old) >= limit {
			return
		}
		n = len(*old)
	}
	next := make(map[K]V, n+1)
	if old != nil {
		for key, val := range *old {
			next[key] = val
		}
	}
	next[k] = v
	c.m.Store(&next)
}

// len returns the number of keys.
func (c *cowMap[K, V]) len() int {
	if m := c.m.Load(); m != nil {
		return len(*m)
	}
	return 0
}
