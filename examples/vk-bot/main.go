// Command vk-bot is an echo bot for a VK community: it reads the
// community's events with the Bots Long Poll and answers every message with
// its own text.
//
//	go run ./examples/vk-bot
//
// With no environment it runs against the sandbox (snskit's offline
// emulator of VK): it starts it, has a fictional user write to community 1
// a few times, echoes each message, and stops. Against real VK, give the
// community's token (Manage community, API access) and id; it then runs
// until Ctrl-C, keeping its long poll position in a file so that a restart
// goes on where it stopped:
//
//	VK_GROUP_TOKEN=... VK_GROUP_ID=123456 go run ./examples/vk-bot
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "vk-bot:", err)
		os.Exit(1)
	}
}

// run starts the bot against real VK when VK_GROUP_TOKEN is set, else
// against the sandbox.
func run(ctx context.Context, w io.Writer, env func(string) string) error {
	if tok := env("VK_GROUP_TOKEN"); tok != "" {
		group, err := strconv.ParseInt(env("VK_GROUP_ID"), 10, 64)
		if err != nil || group <= 0 {
			return errors.New("set VK_GROUP_ID to the community's id (a positive number) beside VK_GROUP_TOKEN")
		}
		api, err := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token(tok)), snskit.WithRateLimit(20, 1))
		if err != nil {
			return err
		}
		state := env("VK_BOT_STATE")
		if state == "" {
			state = "vk-bot.ts"
		}
		fmt.Fprintf(w, "echoing the messages of community %d; Ctrl-C stops\n", group)
		return echo(ctx, w, api, group, state, 0)
	}
	return demo(ctx, w)
}

// demo runs the bot against the sandbox while a user writes to it.
func demo(ctx context.Context, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s, err := sandbox.New()
	if err != nil {
		return err
	}
	defer s.Close()
	group, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	if err != nil {
		return err
	}
	bot, err := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL(sandbox.VK)), snskit.WithAuth(auth.Token(group.AccessToken)))
	if err != nil {
		return err
	}
	writer, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{UserID: "2"})
	if err != nil {
		return err
	}
	user, err := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL(sandbox.VK)),
		snskit.WithAuth(auth.Token(writer.AccessToken)), snskit.WithRateLimit(3, 1))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "sandbox at %s: user 2 writes to community 1, the bot echoes\n", s.URL(sandbox.VK))
	messages := []string{"hello", "how are you?", "bye"}
	go func() {
		for _, m := range messages {
			_, err := user.Method("messages.send").DoContext(ctx, snskit.Params{"peer_id": -1, "message": m, "random_id": rand.Int32()})
			if err != nil {
				fmt.Fprintf(w, "user: %v\n", err)
			}
		}
	}()
	return echo(ctx, w, bot, 1, "", len(messages))
}

// echo answers each message_new of the community with its text, until ctx
// is done or, when stopAfter > 0, that many messages were answered. The
// long poll position is kept in the file state when one is named.
func echo(ctx context.Context, w io.Writer, api *snskit.API, group int64, state string, stopAfter int) error {
	lp := platforms.VKBotsLongPoll{GroupID: group}
	if state != "" {
		if b, err := os.ReadFile(state); err == nil {
			lp.TS = string(b)
		}
		lp.OnTS = func(ts string) { _ = os.WriteFile(state, []byte(ts), 0o600) }
	} else {
		lp.TS = "0" // the sandbox's stream from its first event
	}
	answered := 0
	for ev, err := range lp.Events(ctx, api) {
		if err != nil && errors.Is(err, ctx.Err()) {
			return nil // stopped on purpose
		}
		if err != nil {
			return err
		}
		if ev.Type != "message_new" {
			continue
		}
		m := ev.Object.Get("message")
		from, text := m.Get("from_id").Int(), m.Get("text").String()
		fmt.Fprintf(w, "user %d: %s\n", from, text)
		// random_id makes a resent answer harmless: VK sends it once.
		_, err = api.Method("messages.send").DoContext(ctx, snskit.Params{
			"peer_id": m.Get("peer_id").Int(), "message": text, "random_id": rand.Int32()})
		if err != nil {
			fmt.Fprintf(w, "  could not answer: %v\n", err)
			continue
		}
		fmt.Fprintf(w, "bot: %s\n", text)
		if answered++; stopAfter > 0 && answered == stopAfter {
			return nil
		}
	}
	if ctx.Err() != nil && stopAfter > 0 {
		return fmt.Errorf("stopped after %d of %d messages: %w", answered, stopAfter, ctx.Err())
	}
	return nil
}
