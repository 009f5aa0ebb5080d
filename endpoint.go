package snskit

import (
	"fmt"
	"net/url"
	"strings"
)

// maxEndpoints bounds an API's endpoint cache. A program calls a few dozen
// methods; one that makes up URLs without end (a URL per user, say) stops
// being cached past this many, and they are parsed per call as before.
const maxEndpoints = 512

// endpointKey names a resolved URL: a platform URL passed to Endpoint is
// root alone; MethodEndpoint's parts are kept apart, so that looking one up
// builds no string.
type endpointKey struct{ root, method, sep, suffix string }

// rawURL is the platform URL the key stands for.
func (k endpointKey) rawURL() string {
	if k.method == "" {
		return k.root + k.suffix
	}
	return k.root + strings.ReplaceAll(k.method, ".", k.sep) + k.suffix
}

// endpoints caches the URLs an API has resolved, by endpointKey. Every
// call asks for the URL of its method; parsing it and joining it to the
// base URL each time was a tenth of the cost of building a small request.
type endpoints = cowMap[endpointKey, *url.URL]

// endpoint returns rawURL routed to the client's base URL when one is set
// (see WithBaseURL), and rawURL parsed otherwise.
func (a *API) endpoint(rawURL string) (*url.URL, error) {
	u, err := a.endpointOf(endpointKey{root: rawURL})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// methodEndpoint is endpoint of root, the dotted method's names joined by
// sep, and suffix.
func (a *API) methodEndpoint(root, method, sep, suffix string) (url.URL, error) {
	return a.endpointOf(endpointKey{root, method, sep, suffix})
}

// endpointOf resolves k, from the cache when it can. The URL is a copy,
// the caller's to change.
func (a *API) endpointOf(k endpointKey) (url.URL, error) {
	u, ok := a.endpoints.get(k)
	if !ok {
		var err error
		var plain bool
		if u, plain, err = a.resolve(k.rawURL()); err != nil {
			return url.URL{}, err
		}
		if plain {
			a.endpoints.set(k, u, maxEndpoints)
		}
	}
	return *u, nil
}

// resolve is endpoint without the cache. plain reports a URL of nothing but
// a scheme, host and path, the only ones cached: whatever a query or user
// info holds is not kept beyond the call.
func (a *API) resolve(rawURL string) (u *url.URL, plain bool, err error) {
	u, err = url.Parse(rawURL)
	if err != nil {
		return nil, false, fmt.Errorf("snskit: bad platform URL %q: %w", rawURL, err)
	}
	plain = u.User == nil && u.RawQuery == "" && u.Fragment == "" && !u.ForceQuery
	b := a.cfg.baseURL
	if b == nil {
		return u, plain, nil
	}
	out := *b
	out.Path = strings.TrimSuffix(b.Path, "/") + u.Path
	if u.RawPath != "" || b.RawPath != "" {
		out.RawPath = strings.TrimSuffix(b.EscapedPath(), "/") + u.EscapedPath()
	}
	out.RawQuery = u.RawQuery
	out.Fragment = u.Fragment
	return &out, plain, nil
}
