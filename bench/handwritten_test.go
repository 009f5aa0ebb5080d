package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/snskit/snskit"
	"github.com/tidwall/gjson"
)

// userAgent is what the hand-written clients send, as snskit sends its own.
const userAgent = "handwritten/1.0"

// maxBody bounds reply bodies on the hand-written side, as snskit does.
const maxBody = snskit.DefaultMaxBodySize

// vkClient is the VK client a careful engineer writes without snskit: one
// shared *http.Client, url.Values, the reply read once with its known
// length, the envelope and the error object read with gjson.
type vkClient struct {
	client   *http.Client
	endpoint string // ".../method/"
	token    string
}

// newVKClient returns a client of the VK API at baseURL sending with a
// client on transport t.
func newVKClient(baseURL string, t *http.Transport) *vkClient {
	return &vkClient{client: &http.Client{Transport: t}, endpoint: baseURL + "/method/", token: vkToken}
}

// usersGet calls users.get for ids with fields.
func (c *vkClient) usersGet(ctx context.Context, ids []int, fields string) (gjson.Result, error) {
	return c.call(ctx, "users.get", url.Values{"user_ids": {joinInts(ids)}, "fields": {fields}})
}

// call sends method with form, which it completes with the token and the
// API version.
func (c *vkClient) call(ctx context.Context, method string, form url.Values) (gjson.Result, error) {
	form.Set("access_token", c.token)
	form.Set("v", vkVersion)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+method, strings.NewReader(form.Encode()))
	if err != nil {
		return gjson.Result{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", userAgent)
	status, body, err := do(c.client, req)
	if err != nil {
		return gjson.Result{}, err
	}
	return unwrap(status, body, func(e gjson.Result) error {
		return fmt.Errorf("vk %s: error %d: %s", method, e.Get("error_code").Int(), e.Get("error_msg").String())
	})
}

// do sends req and returns its status and whole body, read in one
// allocation when the length is known, bounded by maxBody, and closed.
// Callers read the platform's error object whatever the status, since
// Renren sends its errors with 4xx statuses.
func do(client *http.Client, req *http.Request) (int, []byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > maxBody {
		return resp.StatusCode, nil, fmt.Errorf("%s: reply of %d bytes is too large", req.URL.Path, resp.ContentLength)
	}
	if resp.ContentLength >= 0 {
		body := make([]byte, resp.ContentLength)
		_, err := io.ReadFull(resp.Body, body)
		return resp.StatusCode, body, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err == nil && len(body) > maxBody {
		err = fmt.Errorf("%s: reply too large", req.URL.Path)
	}
	return resp.StatusCode, body, err
}

// unwrap returns the "response" of a VK or Renren 2.0 reply, or an error
// made by errorOf from its "error" object.
func unwrap(status int, body []byte, errorOf func(gjson.Result) error) (gjson.Result, error) {
	if e := gjson.GetBytes(body, "error"); e.Exists() {
		return gjson.Result{}, errorOf(e)
	}
	res := gjson.GetBytes(body, "response")
	if status != http.StatusOK || !res.Exists() {
		return gjson.Result{}, fmt.Errorf("unexpected reply (HTTP %d): %.100s", status, body)
	}
	return res, nil
}

// renrenClient is the Renren 2.0 client a careful engineer writes without
// snskit: GET with the query from url.Values and the bearer header.
type renrenClient struct {
	client *http.Client
	base   string // ".../v2/"
	token  string
}

// newRenrenClient returns a client of the Renren 2.0 API at baseURL sending
// with a client on transport t.
func newRenrenClient(baseURL string, t *http.Transport) *renrenClient {
	return &renrenClient{client: &http.Client{Transport: t}, base: baseURL + "/v2/", token: renrenToken}
}

// userGet calls user.get for the user id.
func (c *renrenClient) userGet(ctx context.Context, id int) (gjson.Result, error) {
	return c.get(ctx, "user/get", url.Values{"userId": {strconv.Itoa(id)}})
}

// get sends GET path?query with the token in the Authorization header.
func (c *renrenClient) get(ctx context.Context, path string, query url.Values) (gjson.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path+"?"+query.Encode(), nil)
	if err != nil {
		return gjson.Result{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", userAgent)
	status, body, err := do(c.client, req)
	if err != nil {
		return gjson.Result{}, err
	}
	return unwrap(status, body, func(e gjson.Result) error {
		return fmt.Errorf("renren %s: %s: %s", path, e.Get("code").String(), e.Get("message").String())
	})
}

func joinInts(ids []int) string {
	b := make([]byte, 0, len(ids)*8)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(id), 10)
	}
	return string(b)
}

// newTransport is http.DefaultTransport's settings, in a transport of its
// own so that each side has its own connection pool.
func newTransport() *http.Transport {
	return http.DefaultTransport.(*http.Transport).Clone()
}

// newParallelTransport is newTransport with an idle pool as large as the
// benchmark's concurrency, which a careful engineer sets for a client used
// by many goroutines (the default keeps 2 idle connections per host).
func newParallelTransport() *http.Transport {
	t := newTransport()
	t.MaxIdleConnsPerHost = 256
	return t
}
