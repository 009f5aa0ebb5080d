package snskit

import (
	"sync/atomic"

	"github.com/snskit/snskit/driver"
)

// budgetKeysKept is how many credentials' budget keys an API remembers: a
// client uses one token, or a few (a refreshed one, a community's beside a
// user's).
const budgetKeysKept = 8

// budgetKeys remembers driver.BudgetKey for the credentials an API used
// last, newest first. Every call with a budget needs its key, a SHA-256 of
// the credential. Reads take no lock; the list is replaced whole, never
// changed. The credentials it holds are the API's own, kept by its
// credential anyway; nothing prints it.
type budgetKeys struct {
	list atomic.Pointer[[]budgetKey]
}

type budgetKey struct{ platform, credential, key string }

func (b *budgetKeys) key(platform, credential string) string {
	var old []budgetKey
	if p := b.list.Load(); p != nil {
		old = *p
		for _, e := range old {
			if e.credential == credential && e.platform == platform {
				return e.key
			}
		}
	}
	k := driver.BudgetKey(platform, credential)
	// Another goroutine may add a key at the same time: one of the two
	// lists wins, and the other key is computed again when next asked.
	list := make([]budgetKey, 0, budgetKeysKept)
	list = append(list, budgetKey{platform, credential, k})
	list = append(list, old[:min(len(old), budgetKeysKept-1)]...)
	b.list.Store(&list)
	return k
}
