package snskit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

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
