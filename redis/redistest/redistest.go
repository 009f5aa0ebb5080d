// Package redistest starts a real redis-server for tests, as httptest
// starts an HTTP server: on a unix socket under the test's temporary
// directory, stopped when the test ends. redis-server must be installed
// (apt-get install -y redis-server; snskit's .ci/run installs it).
package redistest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Server is a redis-server a test started.
type Server struct {
	// URL is the server's address for redis.Open: unix:///.../redis.sock.
	URL string
	// Socket is the path of its unix socket.
	Socket string
	cmd    *exec.Cmd
	done   chan struct{}
}

// Start starts redis-server, waits until it answers, and stops it when the
// test ends. It fails the test when redis-server is not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redistest: this test needs redis-server (apt-get install -y redis-server; .ci/run installs it): %v", err)
	}
	dir, err := os.MkdirTemp(t.TempDir(), "r") // short: unix socket paths are limited to about 100 bytes
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700",
		"--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		t.Fatalf("redistest: starting redis-server: %v", err)
	}
	s := &Server{URL: "unix://" + sock, Socket: sock, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	t.Cleanup(s.Stop)

	rdb := goredis.NewClient(&goredis.Options{Network: "unix", Addr: sock, MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("redistest: redis-server did not answer on %s: %v", sock, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server and waits for it to exit. Calls after the first do
// nothing.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // in case it is frozen
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Freeze stops the server's process (SIGSTOP) without closing its socket:
// a Redis that accepts connections and never answers.
func (s *Server) Freeze() { _ = s.cmd.Process.Signal(syscall.SIGSTOP) }

// Thaw lets a frozen server go on.
func (s *Server) Thaw() { _ = s.cmd.Process.Signal(syscall.SIGCONT) }
