package snskit

import (
	"context"
	"net/http"
	"net/url"
	"sort"

	"github.com/snskit/snskit/driver"
)

// MaxURLLength is the longest request URL snskit sends, in bytes. Servers
// and proxies commonly refuse longer ones (8 KiB is the usual limit of
// nginx, Apache and most gateways), so a longer URL, such as a GET with a
// huge list, is refused before it is built, with an error that names the
// largest parameters and says whether the platform takes the call as POST.
const MaxURLLength = 8 << 10

// mayBeTooLong reports whether u, the URL of a draft, might be refused by
// checkURLLength, which measures the parameters more generously than
// their encoding (two bytes for each '=' and '&'): at most twice the
// encoded query. Below that, no call needs checking. The escaped path is
// bounded without escaping it: EscapedPath is RawPath or at most three
// bytes for each byte of Path.
func mayBeTooLong(u *url.URL) bool {
	return len(u.Scheme)+len(u.Host)+max(3*len(u.Path), len(u.RawPath))+4+2*len(u.RawQuery) > MaxURLLength
}

// checkURLLength refuses a draft whose URL would be longer than
// MaxURLLength, measuring the query it would get without building it.
// post reports whether the platform takes the call as POST.
func checkURLLength(d *driver.Draft, post func() bool) error {
	if d.URL == nil {
		return nil
	}
	get := d.Verb == http.MethodGet && len(d.Files) == 0
	n := len(d.URL.Scheme) + len(d.URL.Host) + len(d.URL.EscapedPath()) + 4
	n += queryLen(d.Query)
	if get {
		n += queryLen(d.Values)
	}
	if n <= MaxURLLength {
		return nil // the usual call: measured without allocating
	}
	n = len(d.URL.String()) + 1
	sizes := map[string]int{}
	add := func(v url.Values) {
		for k, vs := range v {
			for _, s := range vs {
				sizes[k] += len(k) + escapedLen(s) + 2
			}
		}
	}
	add(d.Query)
	if get {
		add(d.Values)
	}
	for _, s := range sizes {
		n += s
	}
	if n <= MaxURLLength {
		return nil
	}
	names := make([]string, 0, len(sizes))
	for k := range sizes {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return sizes[names[i]] > sizes[names[j]] })
	if len(names) > 3 {
		names = names[:3]
	}
	hint := "send less per call, for instance in several calls"
	if _, inQuery := d.Query[names[0]]; !inQuery && d.Verb == http.MethodGet && post() {
		hint = `the platform takes this call as POST too, with the parameters in the body: use .WithVerb("POST")`
	}
	return d.Err("the %s request URL would be %d bytes, longer than the %d that servers accept (snskit.MaxURLLength); the longest parameters are %q (%d bytes); %s",
		d.Verb, n, MaxURLLength, names, sizes[names[0]], hint)
}

// queryLen returns the length of v encoded as a query.
func queryLen(v url.Values) int {
	n := 0
	for k, vs := range v {
		for _, s := range vs {
			n += len(k) + escapedLen(s) + 2
		}
	}
	return n
}

// escapedLen returns len(url.QueryEscape(s)) without building it.
func escapedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == ' ') {
			n += 2
		}
	}
	return n
}

// takesPOST reports whether the platform prepares the call of d as a POST
// when asked to: a dry run of Prepare with the verb forced, and the
// parameters that made the URL too long left empty.
func (c Call) takesPOST(ctx context.Context, d *driver.Draft) bool {
	probe := driver.NewDraft(apiClient{c.api})
	probe.Platform, probe.Method, probe.Segments, probe.Verb = d.Platform, d.Method, d.Segments, http.MethodPost
	probe.Values = make(url.Values, len(d.Values))
	for k, vs := range d.Values {
		if len(vs) == 1 && len(vs[0]) < 256 {
			probe.Values[k] = vs
		} else {
			probe.Values[k] = []string{""}
		}
	}
	probe.Auth, probe.AppID, probe.AppSecret, probe.Version = d.Auth, d.AppID, d.AppSecret, d.Version
	probe.DryRun = true
	return c.api.platform.Prepare(ctx, probe) == nil && probe.Verb == http.MethodPost
}
