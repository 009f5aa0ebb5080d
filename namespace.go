package snskit

// Namespace is a step of a method chain: api.NS("user").NS("friend").
// Namespaces are immutable values: extending one never changes it, so one
// can be shared between goroutines and extended many times.
type Namespace struct {
	api  *API
	path []string
}

// NS returns the namespace name below n.
func (n Namespace) NS(name string) Namespace {
	path := make([]string, len(n.path)+1)
	copy(path, n.path)
	path[len(n.path)] = name
	return Namespace{api: n.api, path: path}
}

// M returns the call of method name in n: api.NS("users").M("get") is the
// call "users.get".
func (n Namespace) M(name string) Call {
	path := make([]string, len(n.path)+1)
	copy(path, n.path)
	path[len(n.path)] = name
	return newCall(n.api, path)
}

// Name returns the namespace's dotted name, such as "user.friend".
func (n Namespace) Name() string { return joinDots(n.path) }

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

func joinDots(segs []string) string {
	n := len(segs) - 1
	for _, s := range segs {
		n += len(s)
	}
	if n < 0 {
		return ""
	}
	b := make([]byte, 0, n)
	for i, s := range segs {
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, s...)
	}
	return string(b)
}
