package snskit

import (
	"fmt"
	"strconv"

	"github.com/tidwall/gjson"
)

// maxRewinds bounds how often one walk steps back for a shrinking list, so
// that a list that never stops shrinking still ends.
const maxRewinds = 100

// offsets walks an offset list (VK offset/count, Kaixin start/num): up to
// per pages a request at consecutive offsets, each reply's total deciding
// whether to go on.
//
// The list may change during the walk. safe is the offset below which
// every item present throughout the walk has been yielded: a page starting
// at or below it moves it to the page's end; when the total shrinks by d
// between two pages, the items after the removed ones moved up to d places
// towards the start, so safe steps back d places and the next pages start
// there. When the total grows, items move away from the start and pages
// meet a few of them again. Items met twice are dropped by id (idWindow),
// so an item present throughout the walk is yielded exactly once. Lists
// whose items have no id are not stepped back, which would repeat items.
func (w *walker) offsets() {
	safe := 0
	if w.start != "" {
		n, err := strconv.Atoi(w.start)
		if err != nil || n < 0 {
			w.fail(&CallError{Platform: w.c.api.platform.Name(), Method: w.c.name, Reason: fmt.Sprintf("parameter %q: want an offset of 0 or more, not %q", w.p.Offset, w.start)})
			return
		}
		safe = n
	}
	total, first, rewinds := -1, true, 0
	for !w.done && (total < 0 || safe < total) {
		var plan []page
		for at := safe; len(plan) < w.per && (total < 0 || at < total); at += w.size {
			if w.cfg.limit > 0 && len(plan) > 0 && w.stats.Items+len(plan)*w.size >= w.cfg.limit {
				break
			}
			plan = append(plan, page{at: strconv.Itoa(at), size: w.size})
		}
		ended := false
		for i, res := range w.fetch(plan) {
			if res.Err != nil {
				w.fail(res.Err)
				return
			}
			r := res.Response.Result
			items, ok := w.items(r)
			if !ok && first {
				w.emitWhole(r)
				return
			}
			first = false
			at, _ := strconv.Atoi(plan[i].at)
			if t := r.Get(w.p.Total); w.p.Total != "" && t.Exists() {
				n := int(t.Int())
				if total >= 0 && n < total && w.seen.keyed() && rewinds < maxRewinds {
					safe = max(safe-(total-n), 0)
					rewinds++
				}
				total = n
			}
			list := items.Array()
			if at <= safe {
				if len(list) == 0 {
					ended = true // nothing where the list should go on: its end, whatever the total says
				}
				safe = max(safe, at+len(list))
			}
			for _, x := range list {
				if !w.emit(x) {
					return
				}
			}
		}
		w.report()
		if ended {
			return
		}
	}
}

// idWindow remembers the ids of the last items of a walk, to drop an item
// met again when the list shifted between two pages. It holds at most cap
// ids: a shift reaches back a few pages, not to the start.
type idWindow struct {
	path     string
	set      map[string]struct{}
	ring     []string
	cap, pos int
}

func newIDWindow(path string, n int) *idWindow {
	if path == "" {
		return &idWindow{}
	}
	return &idWindow{path: path, set: make(map[string]struct{}, min(n, 4096)), cap: n}
}

// keyed reports whether items are told apart by id.
func (s *idWindow) keyed() bool { return s != nil && s.path != "" }

// add records item's id and reports whether it is new. Items without an
// id are always new.
func (s *idWindow) add(item gjson.Result) bool {
	if !s.keyed() {
		return true
	}
	var id string
	switch item.Type {
	case gjson.Number, gjson.String:
		id = item.Raw
	default:
		v := item.Get(s.path)
		if !v.Exists() {
			return true
		}
		id = v.Raw
	}
	if _, dup := s.set[id]; dup {
		return false
	}
	s.set[id] = struct{}{}
	if len(s.ring) < s.cap {
		s.ring = append(s.ring, id)
		return true
	}
	delete(s.set, s.ring[s.pos])
	s.ring[s.pos] = id
	s.pos = (s.pos + 1) % s.cap
	return true
}
