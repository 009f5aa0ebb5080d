package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/snskit/snskit"
	"github.com/tidwall/gjson"
)

// runAll runs "snskit call -all": it walks every item of the method's list
// (snskit.Call.All) and writes each as one line of compact JSON (or, with
// -q, the value at that path). progress, when not nil, gets a line of
// counts updated as pages come: stderr on a terminal, never a pipe.
func runAll(ctx context.Context, call snskit.Call, params snskit.Params, out, errw, progress io.Writer, f *callFlags) int {
	p := newProgress(progress, time.Now)
	opts := []snskit.WalkOption{snskit.WalkProgress(p.update)}
	if f.all.limit > 0 {
		opts = append(opts, snskit.WalkLimit(f.all.limit))
	}
	for item, err := range call.All(ctx, params, opts...) {
		if err != nil {
			p.finish()
			return report(out, errw, nil, err, f)
		}
		if f.query != "" {
			item = item.Get(f.query)
			if !item.Exists() {
				continue
			}
		}
		if item.Type == gjson.String && f.query != "" {
			fmt.Fprintf(out, "%s\n", item.Str)
			continue
		}
		fmt.Fprintf(out, "%s\n", compactJSON(item))
	}
	p.finish()
	return exitOK
}

// progress draws the counts of a walk on one terminal line, at most ten
// times a second, and leaves them on the screen when the walk ends.
type progress struct {
	w     io.Writer // nil: no progress shown
	now   func() time.Time
	start time.Time
	drawn time.Time
	last  snskit.WalkStats
}

func newProgress(w io.Writer, now func() time.Time) *progress {
	return &progress{w: w, now: now, start: now()}
}

// update records s and redraws the line when the last drawing is old
// enough.
func (p *progress) update(s snskit.WalkStats) {
	p.last = s
	if p.w == nil {
		return
	}
	if t := p.now(); t.Sub(p.drawn) >= 100*time.Millisecond {
		p.drawn = t
		p.draw()
	}
}

func (p *progress) draw() {
	fmt.Fprintf(p.w, "\r\x1b[K%s", progressLine(p.last, p.now().Sub(p.start)))
}

// finish draws the final counts and ends the line.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	p.draw()
	fmt.Fprint(p.w, "\n")
}

// progressLine is the text of the counts after elapsed.
func progressLine(s snskit.WalkStats, elapsed time.Duration) string {
	rate := 0.0
	if sec := elapsed.Seconds(); sec > 0 {
		rate = float64(s.Items) / sec
	}
	return fmt.Sprintf("%d items, %d pages, %d requests, %.0f items/s", s.Items, s.Pages, s.Requests, rate)
}
