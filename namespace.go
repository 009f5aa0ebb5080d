package snskit

import "strings"

// Namespace is a step of a method chain: api.NS("user").NS("friend").
// Namespaces are immutable values: extending one never changes it, so one
// can be shared between goroutines and extended many times.
type Namespace struct {
	api *API
	// name is the dotted name so far; bad is set once a step was not a
	// valid name, which the call then reports with the whole name.
	name string
	bad  bool
}

// NS returns the namespace name below n.
func (n Namespace) NS(name string) Namespace {
	return Namespace{api: n.api, name: n.below(name), bad: n.bad || !validName(name)}
}

// below returns the dotted name of name in n.
func (n Namespace) below(name string) string {
	if n.name == "" && !n.bad { // the zero Namespace: no step yet
		return name
	}
	return n.name + "." + name
}

// M returns the call of method name in n: api.NS("users").M("get") is the
// call "users.get".
func (n Namespace) M(name string) Call {
	key := callKey{n.name, name}
	if n.api != nil && !n.bad {
		if cn, ok := n.api.names.get(key); ok {
			return Call{api: n.api, segs: cn.segs, name: cn.full}
		}
	}
	full := n.below(name)
	if n.bad || !validName(name) {
		return invalidCall(n.api, full)
	}
	// The segments are pieces of the dotted name, which holds them all:
	// one string and one slice for the whole chain.
	segs := make([]string, 0, strings.Count(full, ".")+1)
	for rest := full; ; {
		i := strings.IndexByte(rest, '.')
		if i < 0 {
			segs = append(segs, rest)
			break
		}
		segs = append(segs, rest[:i])
		rest = rest[i+1:]
	}
	if n.api != nil {
		n.api.names.set(key, callName{full, segs}, maxCallNames)
	}
	return Call{api: n.api, segs: segs, name: full}
}

// callNames caches, by namespace and method name, the dotted name and
// segments M builds: a call of a method used before allocates neither.
// Calls share the segments, which nothing changes.
type callNames = cowMap[callKey, callName]

type callKey struct{ ns, method string }

type callName struct {
	full string
	segs []string
}

// maxCallNames bounds the method names an API remembers; past it, M builds
// the others' names each time, as it did before the cache.
const maxCallNames = 512

// Name returns the namespace's dotted name, such as "user.friend".
func (n Namespace) Name() string { return n.name }

// validName reports whether s can be one segment of a method name: ASCII
// letters, digits, '_' and '-'.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func joinDots(segs []string) string { return strings.Join(segs, ".") }
