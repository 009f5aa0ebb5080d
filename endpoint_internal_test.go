package snskit

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/snskit/snskit/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// pathPlatform sends a method to root/<names joined by '/'>, as Renren 2.0
// does.
type pathPlatform struct{}

func (pathPlatform) Name() string        { return "path" }
func (pathPlatform) Style() driver.Style { return driver.Style{} }
func (pathPlatform) Prepare(_ context.Context, d *driver.Draft) error {
	return d.SetMethodURL("https://api.example.com/v2/", "/", ".json")
}
func (pathPlatform) Decode(r *Response) (gjson.Result, error) { return driver.ParseJSON(r) }

func TestEndpointCacheResolvesEachMethodOnce(t *testing.T) {
	api, err := New(pathPlatform{}, WithBaseURL("http://127.0.0.1:9/sandbox/"))
	require.NoError(t, err)
	ctx := context.Background()
	for range 3 {
		req, err := api.NS("user").NS("friend").M("list").Request(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, "http://127.0.0.1:9/sandbox/v2/user/friend/list.json", req.URL.String())
		req.URL.Path = "/changed" // the caller's copy: the cache must not see it
	}
	req, err := api.Method("user.get").Request(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9/sandbox/v2/user/get.json", req.URL.String())
	assert.Len(t, *api.endpoints.m.Load(), 2)

	// Another API, another base URL, its own cache.
	other, err := api.With(WithBaseURL("http://127.0.0.1:10"))
	require.NoError(t, err)
	req, err = other.Method("user.get").Request(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:10/v2/user/get.json", req.URL.String())
}

func TestEndpointCacheKeepsNoQueryAndStaysBounded(t *testing.T) {
	api, err := New(pathPlatform{})
	require.NoError(t, err)
	u, err := api.endpoint("https://oauth.example.com/token?client_secret=s3cr3t")
	require.NoError(t, err)
	assert.Equal(t, "client_secret=s3cr3t", u.RawQuery)
	assert.Nil(t, api.endpoints.m.Load(), "a URL with a query is not kept")
	_, err = api.endpoint("https://user:pw@oauth.example.com/token")
	require.NoError(t, err)
	assert.Nil(t, api.endpoints.m.Load(), "nor one with user info")

	for i := range 2 * maxEndpoints {
		u, err := api.methodEndpoint("https://api.example.com/", fmt.Sprintf("m%d.get", i), "/", "")
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("/m%d/get", i), u.Path)
	}
	assert.Len(t, *api.endpoints.m.Load(), maxEndpoints)

	_, err = api.endpoint("http://[::1")
	require.ErrorContains(t, err, "bad platform URL")
}

func TestEndpointCacheUnderConcurrentCalls(t *testing.T) {
	api, err := New(pathPlatform{}, WithBaseURL("http://127.0.0.1:9"))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				m := fmt.Sprintf("ns%d.m%d", (g+i)%7, i%5)
				u, err := api.methodEndpoint("https://api.example.com/", m, "/", "")
				if !assert.NoError(t, err) {
					return
				}
				assert.Equal(t, fmt.Sprintf("/ns%d/m%d", (g+i)%7, i%5), u.Path)
				u.Path = "/mine" // each caller's own copy
			}
		}()
	}
	wg.Wait()
	assert.Len(t, *api.endpoints.m.Load(), 35)
}

// M's name cache gives each call its own method's name and segments, from
// many goroutines at once, past its bound too, and keeps no invalid name.
func TestCallNamesCacheUnderConcurrentCalls(t *testing.T) {
	api, err := New(pathPlatform{}, WithBaseURL("http://127.0.0.1:9"))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 2 * maxCallNames {
				ns, m := fmt.Sprintf("ns%d", (g+i)%3), fmt.Sprintf("m%d", i)
				c := api.NS(ns).NS("sub").M(m)
				if !assert.Equal(t, ns+".sub."+m, c.name) || !assert.Equal(t, []string{ns, "sub", m}, c.segs) {
					return
				}
			}
		})
	}
	wg.Wait()
	assert.Len(t, *api.names.m.Load(), maxCallNames, "bounded")
	bad := api.NS("users").M("get me")
	assert.Error(t, bad.err)
	assert.Len(t, *api.names.m.Load(), maxCallNames)
	again := api.NS("users").M("get me")
	assert.Error(t, again.err, "an invalid name is refused each time, never cached")
}
