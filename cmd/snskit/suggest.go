package main

import (
	"flag"
	"sort"
	"strings"
)

// suggest returns the candidates closest to word, best first: those within
// a small edit distance (about a third of the word's length, at least 1),
// ignoring case, and those that word is a prefix of. It returns nil when
// nothing is close: a suggestion must help, not guess.
func suggest(word string, candidates []string) []string {
	w := strings.ToLower(strings.TrimLeft(word, "-"))
	if w == "" {
		return nil
	}
	limit := max(1, len(w)/3)
	type scored struct {
		s string
		d int
	}
	var best []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(w, lc)
		if strings.HasPrefix(lc, w) && len(w) >= 3 {
			d = min(d, 1)
		}
		if d <= limit {
			best = append(best, scored{c, d})
		}
	}
	sort.SliceStable(best, func(i, j int) bool { return best[i].d < best[j].d })
	out := make([]string, 0, min(len(best), 3))
	for i := 0; i < len(best) && i < 3; i++ {
		out = append(out, best[i].s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// didYouMean returns " (did you mean X?)" or " (did you mean X or Y?)" for
// the suggestions of word among candidates, or "" when there are none.
// decorate formats each suggestion (adds "-" to flags, quotes methods).
func didYouMean(word string, candidates []string, decorate func(string) string) string {
	s := suggest(word, candidates)
	if len(s) == 0 {
		return ""
	}
	for i := range s {
		s[i] = decorate(s[i])
	}
	return "; did you mean " + strings.Join(s, " or ") + "?"
}

// editDistance is the Damerau-Levenshtein distance of a and b (adjacent
// transpositions count as one edit), on bytes: names here are ASCII.
func editDistance(a, b string) int {
	if a == b {
		return 0
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// flagNames lists the names of the flags of fs.
func flagNames(fs *flag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
	return names
}

// unknownFlag rewrites the flag package's "flag provided but not defined"
// error with the closest flags of fs, and names the help page.
func unknownFlag(fs *flag.FlagSet, err error) error {
	const prefix = "flag provided but not defined: -"
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return err
	}
	name := strings.TrimPrefix(msg, prefix)
	hint := didYouMean(name, flagNames(fs), func(s string) string { return "-" + s })
	return &usageError{msg: msg + hint, help: "snskit " + fs.Name() + " -h"}
}

// usageError is a usage error that names the help page to read.
type usageError struct {
	msg  string
	help string
}

func (e *usageError) Error() string { return e.msg }
