package catalog

import (
	"cmp"
	"slices"
	"strings"
)

// maxSuggestions is how many names the Suggest methods return at most.
const maxSuggestions = 3

// SuggestMethods returns up to three method names close to name, closest
// first: the same name in another case, or one a few typing mistakes away
// (edit distance, without regard to case, at most 1 for names of up to 4
// characters, 2 up to 10, 3 beyond, and less than half the name's length).
// It returns nil when nothing is close.
func (c *Catalog) SuggestMethods(name string) []string {
	c.load()
	if i, ok := c.byLower[strings.ToLower(name)]; ok && c.methods[i].Name != name {
		return []string{c.methods[i].Name}
	}
	return suggest(name, len(c.methods), func(i int) string { return c.methods[i].Name })
}

// SuggestParams returns up to three parameter names of m (or common to
// every method) close to name, closest first, as SuggestMethods does.
func (c *Catalog) SuggestParams(m *Method, name string) []string {
	c.load()
	n := len(m.Params)
	return suggest(name, n+len(c.common), func(i int) string {
		if i < n {
			return m.Params[i].Name
		}
		return c.common[i-n].Name
	})
}

// suggest ranks the n candidates named by at against name.
func suggest(name string, n int, at func(int) string) []string {
	limit := 3
	switch l := len(name); {
	case l <= 4:
		limit = 1
	case l <= 10:
		limit = 2
	}
	type hit struct {
		name string
		d    int
	}
	var hits []hit
	for i := range n {
		cand := at(i)
		if cand == name {
			continue
		}
		if d := distance(name, cand, limit); d <= limit && 2*d < len(name) {
			hits = append(hits, hit{cand, d})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.d, b.d), strings.Compare(a.name, b.name))
	})
	var out []string
	for i := 0; i < len(hits) && i < maxSuggestions; i++ {
		out = append(out, hits[i].name)
	}
	return out
}

// distance returns the Levenshtein distance between a and b compared byte
// by byte without regard to ASCII case, or limit+1 when it exceeds limit.
func distance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	var rowsBuf [2][64]int
	prev, cur := rowsBuf[0][:], rowsBuf[1][:]
	if len(b)+1 > len(prev) {
		prev, cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	prev, cur = prev[:len(b)+1], cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		ca := lower(a[i-1])
		for j := 1; j <= len(b); j++ {
			cost := 1
			if ca == lower(b[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
