package snskit_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

// revoking is the fake platform with two token refusals: {"fail":"expired"}
// and {"fail":"invalid"}.
type revoking struct{ fake }

func (revoking) Decode(r *snskit.Response) (gjson.Result, error) {
	doc, err := (fake{}).Decode(r)
	var e *snskit.Error
	if asError(err, &e) && e.Code == "invalid" {
		e.Class = snskit.ErrTokenInvalid
	}
	return doc, err
}

func asError(err error, e **snskit.Error) bool {
	pe, ok := err.(*snskit.Error)
	*e = pe
	return ok
}

// One token shared by many goroutines expires; the platform revokes it when
// it issues the new one. The calls still in flight with the old token come
// back invalid and must be resent once with the new token, with a single
// refresh.
func TestCallsInFlightAtARefreshAreResent(t *testing.T) {
	const n = 1000
	const oldTok, newTok = "old-token-0123456789", "new-token-0123456789"
	refreshed := make(chan struct{})
	var expiredOnce sync.Once
	var refreshes, invalid atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("token") {
		case newTok:
			io.WriteString(w, `{"ok":1}`)
		case oldTok:
			first := false
			expiredOnce.Do(func() { first = true })
			if first {
				io.WriteString(w, `{"fail":"expired"}`)
				return
			}
			<-refreshed // reaches the platform after the refresh: revoked
			invalid.Add(1)
			io.WriteString(w, `{"fail":"invalid"}`)
		default:
			w.WriteHeader(400)
		}
	}))
	defer srv.Close()
	refresh := func(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
		refreshes.Add(1)
		defer close(refreshed)
		return &oauth2.Token{AccessToken: newTok, RefreshToken: "r2", Expiry: time.Now().Add(time.Hour)}, nil
	}
	live := auth.NewLive(&oauth2.Token{AccessToken: oldTok, RefreshToken: "r1", Expiry: time.Now().Add(time.Hour)}, refresh)
	// A few connections shared by all: 1,000 of them would make the test
	// slow under -race without testing anything more.
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 32, MaxIdleConnsPerHost: 32}}
	api, err := snskit.New(revoking{}, snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.TokenSource(live)), snskit.WithHTTPClient(client))
	require.NoError(t, err)

	var wg sync.WaitGroup
	var failed atomic.Int32
	var firstErr atomic.Value
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := api.Method("x.get").Do(nil); err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, fmt.Sprint(err))
			}
		}()
	}
	close(start)
	wg.Wait()
	assert.Zero(t, failed.Load(), "calls failed: first %v", firstErr.Load())
	assert.Equal(t, int32(1), refreshes.Load(), "one refresh per expiry")
	assert.NotZero(t, invalid.Load(), "some calls met the revoked token")
}

// A token refused as invalid that nothing replaced is not resent.
func TestInvalidTokenNotReplacedIsNotResent(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, `{"fail":"invalid"}`)
	}))
	defer srv.Close()
	api, err := snskit.New(revoking{}, snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token(secretToken)))
	require.NoError(t, err)
	_, err = api.Method("x.get").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.Equal(t, int32(1), hits.Load())
}
