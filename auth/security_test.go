package auth_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/snskit/snskit/auth"
)

// A redirect that arrives before Receive, when Receive is never called
// (the caller gave up, e.g. building the authorize URL failed), blocks
// Close for its full 2 s and leaves the handler goroutine parked until the
// browser drops the connection.
func TestLoopbackCloseWithPendingRedirect(t *testing.T) {
	lb, err := auth.NewLoopback("")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", lb.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("GET /callback?code=x&state=y HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
	time.Sleep(100 * time.Millisecond)
	before := runtime.NumGoroutine()
	start := time.Now()
	err = lb.Close()
	el := time.Since(start)
	t.Logf("Close took %v, err=%v, goroutines before=%d after=%d", el, err, before, runtime.NumGoroutine())
	if el > time.Second {
		t.Errorf("Close blocked %v on a handler waiting for a Receive that will never come (err %v)", el, err)
	}
}

// A token file readable by everyone is loaded without a word.
func TestFileStoreWrongPermissionsRefused(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "tokens.json")
	os.WriteFile(p, []byte(`{"version":1,"tokens":{"vk":{"platform":"vk","access_token":"tok-0123456789abcdef"}}}`), 0o644)
	os.Chmod(p, 0o644)
	s, err := auth.NewFileStore(p).Load(context.Background(), "vk")
	if err == nil {
		t.Errorf("loaded %v from a 0644 token file with no error or warning", s)
	}
	fi, _ := os.Stat(p)
	t.Logf("mode after Load: %v", fi.Mode().Perm())
	_ = http.StatusOK
}
