package snskit

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"

	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// WalkStats counts what a walk of Call.All has done so far.
type WalkStats struct {
	// Items is the number of items yielded.
	Items int
	// Pages is the number of pages read.
	Pages int
	// Requests is the number of requests sent; a merged request carrying
	// many pages counts once.
	Requests int
}

// WalkOption configures a walk of Call.All.
type WalkOption func(*walkConfig) error

type walkConfig struct {
	limit, size, perRequest int
	progress                func(WalkStats)
}

// WalkLimit stops the walk after n items.
func WalkLimit(n int) WalkOption {
	return atLeastOne("WalkLimit", n, "item; leave the option out to walk the whole list", func(c *walkConfig) { c.limit = n })
}

// WalkPageSize asks for pages of n items instead of the largest the method
// gives (a larger n is lowered to that).
func WalkPageSize(n int) WalkOption {
	return atLeastOne("WalkPageSize", n, "item a page", func(c *walkConfig) { c.size = n })
}

// WalkPagesPerRequest fetches at most n pages in one merged request (VK's
// execute takes 25, the default); 1 fetches the pages one by one.
func WalkPagesPerRequest(n int) WalkOption {
	return atLeastOne("WalkPagesPerRequest", n, "page a request", func(c *walkConfig) { c.perRequest = n })
}

// atLeastOne is an option that sets a count of at least 1.
func atLeastOne(name string, n int, unit string, set func(*walkConfig)) WalkOption {
	return func(c *walkConfig) error {
		if n < 1 {
			return fmt.Errorf("snskit: %s(%d): want at least 1 %s", name, n, unit)
		}
		set(c)
		return nil
	}
}

// WalkProgress calls f with the walk's counts after each request, in the
// goroutine that ranges over the walk.
func WalkProgress(f func(WalkStats)) WalkOption {
	return func(c *walkConfig) error {
		if f == nil {
			return fmt.Errorf("snskit: WalkProgress(nil); leave the option out for no progress reports")
		}
		c.progress = f
		return nil
	}
}

// All walks every item of the list the method returns, page by page, the
// way the platform pages it (its driver.Pager): VK offset/count with each
// method's largest count, 25 pages per execute where the method allows, and
// next_from/start_from cursors; Renren 2.0 page numbers until a short page;
// Kaixin start/num until the total. A method the platform does not page
// (QQ's and WeChat's lists) is called once and its list yielded whole.
//
//	for member, err := range api.Method("groups.getMembers").All(ctx, snskit.Params{"group_id": 1}) {
//		if err != nil { return err }
//		fmt.Println(member.Int())
//	}
//
// params are the call's own; an offset or page-size parameter among them
// sets where the walk starts and the page size. The walk stops at the end
// of the list, when ctx is done (yielding an error that satisfies
// errors.Is(err, ctx.Err())), when the loop breaks, at WalkLimit, or at the
// first error, which it yields with a zero item. While the list changes
// (VK's count drifting), items seen twice are dropped by id and, when the
// list shrinks, the pages it shifted are read again, so that no item
// present throughout the walk is lost or repeated.
func (c Call) All(ctx context.Context, params Params, opts ...WalkOption) iter.Seq2[gjson.Result, error] {
	return func(yield func(gjson.Result, error) bool) {
		w, err := c.newWalker(contextOrBackground(ctx), params, opts, yield)
		if err != nil {
			yield(gjson.Result{}, err)
			return
		}
		switch w.p.Style {
		case driver.PageOffset:
			w.offsets()
		case driver.PageNumber:
			w.numbers()
		case driver.PageCursor:
			w.cursors()
		default:
			w.whole()
		}
	}
}

// walker is one walk of Call.All.
type walker struct {
	c     Call
	ctx   context.Context
	p     driver.Paging
	cfg   walkConfig
	base  url.Values // the call's values without the paging parameters
	start string     // the caller's own Offset value
	size  int        // page size asked for; 0 when none is sent
	m     driver.Merger
	extra Params
	per   int
	stats WalkStats
	seen  *idWindow
	yield func(gjson.Result, error) bool
	done  bool
	// repeats counts the items met again since the last new one: a run
	// longer than the id window means the platform serves the same items
	// whatever is asked (a count that lies), and the walk ends.
	repeats int
}

func (c Call) newWalker(ctx context.Context, params Params, opts []WalkOption, yield func(gjson.Result, error) bool) (*walker, error) {
	if c.api == nil {
		return nil, &CallError{Method: c.name, Reason: "walk on a nil API; build one with snskit.New"}
	}
	if c.err != nil {
		return nil, c.err
	}
	w := &walker{c: c, ctx: ctx, yield: yield, per: 1}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&w.cfg); err != nil {
			return nil, err
		}
	}
	if pg, ok := c.api.platform.(driver.Pager); ok {
		if p, ok := pg.Paging(c.name); ok {
			w.p = p
		}
	}
	values, files, err := c.encode(params)
	if err != nil {
		return nil, err
	}
	if len(files) > 0 {
		return nil, &CallError{Platform: c.api.platform.Name(), Method: c.name, Reason: "a walk cannot upload files; call the method with Do instead"}
	}
	if w.p.Style == driver.PageWhole {
		w.base = values
		return w, nil
	}
	w.start = values.Get(w.p.Offset)
	values.Del(w.p.Offset)
	if w.p.Size != "" {
		w.size = w.p.MaxSize
		if own := values.Get(w.p.Size); own != "" {
			n, err := strconv.Atoi(own)
			if err != nil || n < 1 {
				return nil, &CallError{Platform: c.api.platform.Name(), Method: c.name, Reason: fmt.Sprintf("parameter %q: want a page size of at least 1, not %q", w.p.Size, own)}
			}
			w.size = n
		}
		if w.cfg.size > 0 {
			w.size = w.cfg.size
		}
		if w.p.MaxSize > 0 && (w.size > w.p.MaxSize || w.size == 0) {
			w.size = w.p.MaxSize
		}
		values.Del(w.p.Size)
	}
	w.base = values
	if m, ok := c.api.platform.(driver.Merger); ok && w.p.Merge && w.size > 0 && w.cfg.perRequest != 1 {
		if _, _, extra, err := c.mergeable(m, params); err == nil {
			w.m, w.extra, w.per = m, extra, m.MergeLimit()
			if w.cfg.perRequest > 0 && w.cfg.perRequest < w.per {
				w.per = w.cfg.perRequest
			}
		}
	}
	w.seen = newIDWindow(w.p.ID, max(2*w.size*w.per, 1000))
	return w, nil
}

// page is one page to read: its Offset value and size.
type page struct {
	at   string
	size int
}

// values returns the call's values for page pg.
func (w *walker) values(pg page) url.Values {
	v := make(url.Values, len(w.base)+2)
	for k, vs := range w.base {
		v[k] = vs
	}
	if pg.at != "" {
		v.Set(w.p.Offset, pg.at)
	}
	if w.p.Size != "" && pg.size > 0 {
		v.Set(w.p.Size, strconv.Itoa(pg.size))
	}
	return v
}

// fetch reads pages, in one merged request when there are several, and
// reports progress.
func (w *walker) fetch(pages []page) []BatchResult {
	if err := w.ctx.Err(); err != nil {
		return []BatchResult{{Err: err}}
	}
	var out []BatchResult
	if len(pages) == 1 || w.m == nil {
		for _, pg := range pages {
			r, _, err := w.c.respond(w.ctx, valuesParams(w.values(pg), nil))
			w.stats.Requests++
			out = append(out, BatchResult{Response: r, Err: err})
			if err != nil {
				break
			}
		}
	} else {
		calls := make([]driver.MergedCall, len(pages))
		for i, pg := range pages {
			calls[i] = driver.MergedCall{Method: w.c.name, Values: w.values(pg)}
		}
		out = w.c.api.sendMerged(w.ctx, w.m, calls, w.extra, &w.stats.Requests, nil)
	}
	w.stats.Pages += len(out)
	return out
}

// report gives the walk's counts to the WalkProgress function.
func (w *walker) report() {
	if w.cfg.progress != nil {
		w.cfg.progress(w.stats)
	}
}

// emit yields item unless it was seen already; it reports whether the walk
// goes on.
func (w *walker) emit(item gjson.Result) bool {
	if !w.seen.add(item) {
		w.repeats++
		return true
	}
	w.repeats = 0
	w.stats.Items++
	if !w.yield(item, nil) || w.cfg.limit > 0 && w.stats.Items >= w.cfg.limit {
		w.done = true
	}
	return !w.done
}

// fail yields err and ends the walk.
func (w *walker) fail(err error) {
	w.done = true
	w.report()
	w.yield(gjson.Result{}, err)
}

// items returns the items of a page and whether the result has them where
// the paging says.
func (w *walker) items(res gjson.Result) (gjson.Result, bool) {
	if w.p.Items == "" {
		return res, res.IsArray()
	}
	it := res.Get(w.p.Items)
	return it, it.IsArray()
}

// whole yields the items of one call's result: its elements when it is a
// list, else the result itself.
func (w *walker) whole() {
	res := w.fetch([]page{{}})
	if res[0].Err != nil {
		w.fail(res[0].Err)
		return
	}
	w.emitWhole(res[0].Response.Result)
	w.report()
}

func (w *walker) emitWhole(r gjson.Result) {
	if it, ok := w.items(r); ok {
		r = it
	}
	if !r.IsArray() {
		w.emit(r)
		return
	}
	for _, x := range r.Array() {
		if !w.emit(x) {
			return
		}
	}
}

// numbers walks pages numbered from FirstPage until a short page.
func (w *walker) numbers() {
	n := w.p.FirstPage
	if w.start != "" {
		v, err := strconv.Atoi(w.start)
		if err != nil {
			w.fail(&CallError{Platform: w.c.api.platform.Name(), Method: w.c.name, Reason: fmt.Sprintf("parameter %q: want a page number, not %q", w.p.Offset, w.start)})
			return
		}
		n = v
	}
	for ; ; n++ {
		res := w.fetch([]page{{at: strconv.Itoa(n), size: w.size}})[0]
		if res.Err != nil {
			w.fail(res.Err)
			return
		}
		items, ok := w.items(res.Response.Result)
		if !ok {
			w.emitWhole(res.Response.Result)
			return
		}
		list := items.Array()
		before := w.stats.Items
		for _, x := range list {
			if !w.emit(x) {
				return
			}
		}
		w.report()
		if len(list) == 0 || w.size > 0 && len(list) < w.size {
			return
		}
		if w.seen.keyed() && w.stats.Items == before {
			return // a full page of items read already: the platform repeats its last page
		}
	}
}

// cursors walks pages each of which names the next one, until a page
// names none or one read already (a cursor that cycles).
func (w *walker) cursors() {
	at := w.start
	read := map[string]bool{}
	for first := true; ; first = false {
		read[at] = true
		res := w.fetch([]page{{at: at, size: w.size}})[0]
		if res.Err != nil {
			w.fail(res.Err)
			return
		}
		items, ok := w.items(res.Response.Result)
		if !ok && first {
			w.emitWhole(res.Response.Result)
			return
		}
		list := items.Array()
		for _, x := range list {
			if !w.emit(x) {
				return
			}
		}
		w.report()
		next := res.Response.Result.Get(w.p.Next).String()
		if next == "" || read[next] || len(list) == 0 {
			return
		}
		at = next
	}
}
