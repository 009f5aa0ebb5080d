package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVKCallbackAPIEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	user := vkClient(t, s, s.Token("vk").AccessToken)
	code, err := user.Method("groups.getCallbackConfirmationCode").Do(snskit.Params{"group_id": 1})
	require.NoError(t, err)
	require.NotEmpty(t, code.Get("code").String())

	var mu sync.Mutex
	handled := map[int64]int{}
	failOnce := true
	var bodies [][]byte
	h, err := platforms.NewVKCallback(platforms.VKCallbackConfig{Confirmation: code.Get("code").String(),
		Secret: "cb-secret-42", GroupID: 1,
		Handle: func(ctx context.Context, ev platforms.VKEvent) error {
			mu.Lock()
			defer mu.Unlock()
			if failOnce {
				failOnce = false
				return errors.New("busy") // VK delivers it again
			}
			handled[ev.Object.Get("id").Int()]++
			return nil
		}})
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()

	_, err = s.VKAddCallbackServer(1, srv.URL, "cb-secret-42")
	require.NoError(t, err)
	_, err = s.VKAddCallbackServer(1, srv.URL+"/wrong", "not-the-secret")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.VKWaitCallbacks(ctx))

	ids := poster(t, user, clock, 5)
	require.NoError(t, s.VKWaitCallbacks(ctx))

	confirmed, refused, retried := 0, 0, 0
	for _, d := range s.VKCallbackDeliveries() {
		switch {
		case d.Type == "confirmation" && d.OK:
			confirmed++
		case d.Type == "confirmation":
			refused++
		case d.Attempts > 1 && d.OK:
			retried++
		}
	}
	assert.Equal(t, 1, confirmed, "the confirmation is answered with the code")
	assert.Equal(t, 1, refused, "a server with another secret is refused")
	assert.Equal(t, 1, retried, "the event whose handler failed was delivered again")

	// VK redelivers an event already handled: it is answered ok, not handled again.
	mu.Lock()
	last := bodies[len(bodies)-1]
	mu.Unlock()
	resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(last))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "ok", string(body))

	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		assert.Equal(t, 1, handled[id], "post %d handled once", id)
	}
}
