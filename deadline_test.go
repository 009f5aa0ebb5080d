package snskit_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A body that starts and then stalls past the deadline: the call ends on
// time, as an error of the context.
func TestStalledBodyIsAContextError(t *testing.T) {
	for name, length := range map[string]string{"announced length": "100", "chunked": ""} {
		t.Run(name, func(t *testing.T) {
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if length != "" {
					w.Header().Set("Content-Length", length)
				}
				io.WriteString(w, `{"ok":[1,2,`)
				w.(http.Flusher).Flush()
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}))
			defer srv.Close()
			defer close(release)
			api := fakeAPI(t, srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err := api.Method("x.get").DoContext(ctx, nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.ErrorIs(t, err, ctx.Err())
		})
	}
}

// blockingReader blocks in Read until it is released.
type blockingReader struct{ release chan struct{} }

func (b blockingReader) Read(p []byte) (int, error) {
	<-b.release
	return 0, io.EOF
}

// An upload whose reader blocks returns at the deadline, leaving the reader
// to its owner.
func TestBlockedUploadReaderReturnsAtDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"ok":1}`)
	}))
	defer srv.Close()
	api := fakeAPI(t, srv.URL)
	br := blockingReader{release: make(chan struct{})}
	defer close(br.release)
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	go func() {
		_, err := api.Method("x.post").DoContext(ctx, snskit.Params{"file": snskit.Upload("a.jpg", br)})
		done <- err
	}()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	case <-time.After(3 * time.Second):
		t.Fatal("DoContext still blocked 3s after its 100ms deadline, waiting for the file's reader")
	}
	select {
	case err := <-uploadTo(api, srv.URL, br):
		assert.ErrorIs(t, err, context.DeadlineExceeded, "UploadTo as well")
	case <-time.After(3 * time.Second):
		t.Fatal("UploadTo still blocked 3s after its deadline")
	}
}

func uploadTo(api *snskit.API, url string, r io.Reader) chan error {
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := api.UploadTo(ctx, url+"/upload", snskit.Params{"photo": snskit.Upload("b.jpg", r)})
		done <- err
	}()
	return done
}

// A retry the context ends while waiting: the error says both.
func TestRetryWaitEndedByContext(t *testing.T) {
	srv, _ := fakeServer(t, `{"error":{"error_code":6,"error_msg":"Too many requests per second"}}`)
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token(secretToken)), snskit.WithRetry(3, 10*time.Second))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = api.Method("users.get").DoContext(ctx, nil)
	assert.ErrorIs(t, err, snskit.ErrRateLimited)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}
