package platforms_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVKCallbackZeroValueAnswersAnErrorNotAPanic(t *testing.T) {
	for name, h := range map[string]*platforms.VKCallback{"zero": {}, "nil": nil} {
		rec := httptest.NewRecorder()
		assert.NotPanics(t, func() {
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cb", strings.NewReader(`{"type":"message_new","event_id":"e1","object":{}}`)))
		}, name)
		assert.Equal(t, http.StatusInternalServerError, rec.Code, name)
		assert.Contains(t, rec.Body.String(), "NewVKCallback", name)
	}
}

// A Handle that panics (net/http recovers it) must not leave its event
// marked as being handled for ever: VK's redelivery is handled.
func TestVKCallbackPanickingHandleLetsTheEventComeAgain(t *testing.T) {
	var calls atomic.Int32
	h, err := platforms.NewVKCallback(platforms.VKCallbackConfig{Confirmation: "c",
		Handle: func(ctx context.Context, ev platforms.VKEvent) error {
			if calls.Add(1) == 1 {
				panic("handler bug")
			}
			return nil
		}})
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the recovered panic is expected
	srv.Start()
	defer srv.Close()
	post := func() (int, error) {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"type":"message_new","event_id":"e1","object":{}}`))
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		return resp.StatusCode, nil
	}
	_, err = post()
	require.Error(t, err, "the panic drops the connection")
	code, err := post()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code, "the redelivery is handled, not refused as in flight")
	assert.Equal(t, int32(2), calls.Load())
}
