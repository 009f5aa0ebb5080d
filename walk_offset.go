package snskit

import (
	"fmt"
	"strconv"

	"github.com/tidwall/gjson"
)

// maxRewinds bounds how often one walk steps back for a shrinking list, so
// that a list that never stops shrinking still ends.
const maxRewinds = 100

// anchorCount is how many ids of the last items walked are looked for in
// the overlap of the next request.
const anchorCount = 32

// offsets walks an offset list (VK offset/count, Kaixin start/num): up to
// per pages a request at consecutive offsets, each reply's total deciding
// whether to go on.
//
// The list may change during the walk. safe is the offset below which
// every item present throughout the walk has been yielded; a page starting
// at or below it moves it to the page's end. Two rules keep it right:
//
//   - Within a request, when the total shrinks by d between two pages, the
//     items after the removed ones moved up to d places towards the start,
//     so safe steps back d places.
//   - Between requests, the total can hide a shift (members who left before
//     the reading position, as many who joined at the end). So each request
//     after the first starts a twentieth of a page before safe and looks
//     there for the last ids walked (the anchors): where the latest of them
//     now sits, safe is.
//
// Items met twice are dropped by id (idWindow), so an item present
// throughout the walk is yielded exactly once when the list shrinks or
// grows by up to a twentieth of a page between requests (more when the
// total shows it). Lists whose items have no id are neither stepped back
// nor overlapped, which would repeat items.
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
	margin := 0
	if w.seen.keyed() {
		margin = w.size / 20
	}
	total, first, rewinds := -1, true, 0
	var anchors []string // ids of the last items below safe, latest last
	for !w.done && (total < 0 || safe < total) {
		var plan []page
		from := safe
		if len(anchors) > 0 && margin > 0 {
			from = max(safe-margin, 0)
		}
		for at := from; len(plan) < w.per && (total < 0 || at < total); at += w.size {
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
			if i == 0 && at < safe {
				if j := lastAnchor(list, anchors, w.seen); j >= 0 {
					safe = at + j + 1
				}
			}
			if at <= safe {
				if len(list) == 0 {
					ended = true // nothing where the list should go on: its end, whatever the total says
				}
				safe = max(safe, at+len(list))
				anchors = keepAnchors(anchors, list, w.seen)
			}
			for _, x := range list {
				if !w.emit(x) {
					return
				}
			}
		}
		w.report()
		if ended || w.repeats > w.seen.cap {
			return // the end, or nothing but items read already for longer than the id window reaches
		}
	}
}

// lastAnchor returns the index of the last item of list whose id is one of
// anchors, or -1.
func lastAnchor(list []gjson.Result, anchors []string, s *idWindow) int {
	for j := len(list) - 1; j >= 0; j-- {
		id, ok := s.id(list[j])
		if !ok {
			continue
		}
		for _, a := range anchors {
			if a == id {
				return j
			}
		}
	}
	return -1
}

// keepAnchors returns the ids of the last anchorCount items of anchors
// followed by list.
func keepAnchors(anchors []string, list []gjson.Result, s *idWindow) []string {
	if !s.keyed() {
		return nil
	}
	for _, x := range list[max(len(list)-anchorCount, 0):] {
		if id, ok := s.id(x); ok {
			anchors = append(anchors, id)
		}
	}
	if n := len(anchors); n > anchorCount {
		anchors = append(anchors[:0:0], anchors[n-anchorCount:]...)
	}
	return anchors
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
	id, ok := s.id(item)
	if !ok {
		return true
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

// id returns item's id: the item itself when it is a number or a string,
// else its value at the window's path.
func (s *idWindow) id(item gjson.Result) (string, bool) {
	if !s.keyed() {
		return "", false
	}
	switch item.Type {
	case gjson.Number, gjson.String:
		return item.Raw, true
	}
	v := item.Get(s.path)
	return v.Raw, v.Exists()
}
