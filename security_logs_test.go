package snskit_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }

// Logs of every login and of calls carry no secret.
func TestLoginLogsNoSecret(t *testing.T) {
	s, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, p := range map[string]snskit.Platform{"vk": platforms.VK(), "renren": platforms.Renren(), "weixin": platforms.Weixin(), "qq": platforms.QQ(), "kaixin": platforms.Kaixin()} {
		t.Run(name, func(t *testing.T) {
			buf := &syncBuf{}
			app := s.App(name)
			api, _ := snskit.New(p, snskit.WithApp(app.ID, app.Secret), snskit.WithBaseURL(s.URL(name)),
				snskit.WithLogger(slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			login, err := api.Login("http://127.0.0.1:1/cb")
			if err != nil {
				t.Fatal(err)
			}
			state := auth.NewState()
			u, _ := login.AuthCodeURL(state)
			back, err := s.Approve(context.Background(), u)
			if err != nil {
				t.Fatal(err)
			}
			code := back.Query().Get("code")
			tok, err := login.Exchange(context.Background(), code)
			if err != nil {
				t.Fatal(err)
			}
			secrets := []string{app.Secret, code, tok.AccessToken}
			if tok.RefreshToken != "" {
				tok2, err := login.Refresh(context.Background(), tok)
				if err != nil {
					t.Fatal(err)
				}
				secrets = append(secrets, tok.RefreshToken, tok2.AccessToken, tok2.RefreshToken)
			}
			log := buf.b.String()
			for _, sec := range secrets {
				if sec != "" && strings.Contains(log, sec) {
					t.Errorf("log contains a secret %q:\n%s", sec, log)
				}
			}
			t.Logf("%d log lines, none with a secret", strings.Count(log, "\n"))
		})
	}
}
