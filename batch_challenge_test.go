package snskit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A captcha asked of the whole execute is the merged request's: the handler
// is asked once, and when the person gives up, no call of the batch asks
// again or is sent on its own.
func TestBatchCaptchaOfTheWholeExecuteIsAskedOnce(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		fmt.Fprint(w, `{"error":{"error_code":14,"error_msg":"Captcha needed","captcha_sid":"77","captcha_img":"https://api.vk.ru/captcha.php?sid=77"}}`)
	}))
	defer srv.Close()
	var asked atomic.Int32
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")), snskit.WithoutRateLimit(),
		snskit.WithCaptcha(func(ctx context.Context, c snskit.Challenge) (snskit.Answer, error) {
			asked.Add(1)
			return snskit.Answer{}, errors.New("no one is there")
		}))
	require.NoError(t, err)
	res, err := api.Batch(context.Background(),
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 1}},
		snskit.BatchCall{Call: api.Method("wall.post"), Params: snskit.Params{"message": "hi"}},
		snskit.BatchCall{Call: api.Method("wall.get"), Params: snskit.Params{"count": 1}})
	require.NoError(t, err)
	for i, r := range res {
		assert.ErrorIs(t, r.Err, snskit.ErrCaptcha, "call %d", i)
	}
	assert.Equal(t, int32(1), asked.Load(), "one captcha, asked once")
	assert.Equal(t, []string{"/method/execute"}, paths, "no call is sent alone")
}

// A captcha asked of one call of a transparent batch is answered by that
// call's caller, in its goroutine and with its context: the other callers
// of the batch get their results while the person is still typing.
func TestBatchingCaptchaOfOneCallHoldsBackNoOther(t *testing.T) {
	methods := regexp.MustCompile(`API\.([a-z]+\.[a-zA-Z]+)\(`)
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/method/execute": // users.get answers, wall.post is refused with a captcha
			var slots []string
			errs := ""
			for _, m := range methods.FindAllStringSubmatch(r.Form.Get("code"), -1) {
				if m[1] == "wall.post" {
					slots = append(slots, "false")
					errs = `,"execute_errors":[{"method":"wall.post","error_code":14,"error_msg":"Captcha needed","captcha_sid":"77","captcha_img":"https://api.vk.ru/captcha.php?sid=77"}]`
					continue
				}
				slots = append(slots, `[{"id":1,"first_name":"Павел"}]`)
			}
			fmt.Fprintf(w, `{"response":[%s]%s}`, strings.Join(slots, ","), errs)
		case "/method/wall.post": // the resend, with the answer
			if r.Form.Get("captcha_sid") != "77" || r.Form.Get("captcha_key") != "k3y" {
				fmt.Fprint(w, `{"error":{"error_code":14,"error_msg":"Captcha needed","captcha_sid":"78","captcha_img":"x"}}`)
				return
			}
			fmt.Fprint(w, `{"response":{"post_id":5}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	type key struct{}
	asked, release := make(chan struct{}), make(chan struct{})
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")), snskit.WithoutRateLimit(),
		snskit.WithBatching(50*time.Millisecond),
		snskit.WithCaptcha(func(ctx context.Context, c snskit.Challenge) (snskit.Answer, error) {
			if ctx.Value(key{}) != "poster" {
				return snskit.Answer{}, errors.New("the handler did not get the challenged caller's context")
			}
			close(asked)
			select {
			case <-release:
				return snskit.Answer{Key: "k3y"}, nil
			case <-ctx.Done():
				return snskit.Answer{}, ctx.Err()
			}
		}))
	require.NoError(t, err)

	readers := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := api.NS("users").M("get").Do(snskit.Params{"user_ids": 1})
			readers <- err
		}()
	}
	posted := make(chan error, 1)
	go func() {
		ctx := context.WithValue(context.Background(), key{}, "poster")
		res, err := api.NS("wall").M("post").DoContext(ctx, snskit.Params{"message": "hi"})
		if err == nil && res.Get("post_id").Int() != 5 {
			err = fmt.Errorf("unexpected result %s", res.Raw)
		}
		posted <- err
	}()

	select {
	case <-asked:
	case err := <-posted:
		t.Fatalf("wall.post returned before its captcha was asked: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("the captcha was never asked")
	}
	for range 2 { // the person has not answered yet
		select {
		case err := <-readers:
			require.NoError(t, err)
		case <-time.After(5 * time.Second):
			t.Fatal("a caller of the batch waits for another caller's captcha")
		}
	}
	close(release)
	select {
	case err := <-posted:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("wall.post never returned after the answer")
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"/method/execute", "/method/wall.post"}, paths, "one execute, then the answered call alone")
}
