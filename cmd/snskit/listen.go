package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/snskit/snskit/platforms"
)

// "snskit listen vk": VK's Bots Long Poll (-group) or User Long Poll as
// JSON lines on stdout until interrupted.

// listenFlags are the flags of "snskit listen": the credential flags of
// call, and the long poll's own.
type listenFlags struct {
	call    callFlags
	group   int64
	wait    time.Duration
	ts      string
	mode    int
	version int
}

// newListenFlagSet binds the flags of "snskit listen" to f.
func newListenFlagSet(f *listenFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("listen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	c := &f.call
	fs.Int64Var(&f.group, "group", 0, "the community `id` whose Bots Long Poll to read; without it, the User Long Poll of the token's user")
	fs.StringVar(&c.token, "token", "", "access `token`: the community's, or one of its admins' (default: the one 'snskit login' stored)")
	fs.StringVar(&c.baseURL, "base-url", "", "send every request to this base `URL` instead of VK's hosts")
	fs.BoolVar(&c.sandbox, "sandbox", false, "listen to an in-process sandbox with its test token")
	fs.StringVar(&c.sandboxState, "sandbox-state", "", sandboxStateUsage)
	fs.StringVar(&c.tokenFile, "token-file", "", "the `file` of stored tokens (default: tokens.json in the snskit directory of the user's config directory)")
	fs.StringVar(&c.appSecret, "app-secret", "", "application `secret`, to refresh a stored token of the older login")
	fs.DurationVar(&f.wait, "wait", platforms.VKLongPollDefaultWait, "how long each poll waits for events, whole seconds up to 90s")
	fs.StringVar(&f.ts, "ts", "", "start at this `position`, the ts of an earlier line, instead of now")
	fs.IntVar(&f.mode, "mode", platforms.VKModeAttachments, "User Long Poll: the `bits` of mode")
	fs.IntVar(&f.version, "lp-version", platforms.VKUserLongPollVersion, "User Long Poll: the `version` of its updates")
	fs.BoolVar(&c.verbose, "v", false, "log each request to stderr (secrets masked)")
	return fs
}

func listenCommand() *command {
	return &command{
		name:    "listen",
		summary: "print VK's events as JSON lines until interrupted",
		usage:   "snskit listen [flags] vk",
		about:   `Reads VK's Bots Long Poll of the community -group (or, without it, the User Long Poll of the token's user) and prints each event as one JSON line on stdout: type, object, group_id, event_id, v, and ts, the position to pass to -ts to go on after it. Lost connections and expired keys are handled and retried; Ctrl-C stops it with exit code 0. The credential is found as 'snskit call' finds it.`,
		flags:   func() *flag.FlagSet { return newListenFlagSet(&listenFlags{}) },
		examples: []string{
			"snskit listen vk -group 123456",
			`snskit listen -token "$VK_GROUP_TOKEN" vk -group 123456 | jq -r .object.message.text`,
			"snskit listen -sandbox vk -group 1",
		},
		seeAlso: []string{"credentials", "exit-codes"},
		run:     runListen,
	}
}

// listenLine is one line of "snskit listen".
type listenLine struct {
	Type    string          `json:"type"`
	Object  json.RawMessage `json:"object"`
	GroupID int64           `json:"group_id,omitempty"`
	EventID string          `json:"event_id,omitempty"`
	V       string          `json:"v,omitempty"`
	TS      string          `json:"ts"`
}

// runListen runs "snskit listen".
func runListen(ctx context.Context, args []string, con console, env func(string) string) int {
	out := &redactWriter{w: con.stdout}
	errw := &redactWriter{w: con.stderr, cli: true}
	f := &listenFlags{}
	fs := newListenFlagSet(f)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(con.stdout, "listen")
		return exitOK
	}
	if err == nil {
		f.call.given, err = applyEnv(fs, env)
	}
	if err != nil {
		return usageFailure(errw, fmt.Errorf("listen: %w", err))
	}
	if len(pos) != 1 || strings.ToLower(pos[0]) != "vk" {
		return usageFailure(errw, errors.New("listen needs the platform vk, the one with long polls, as in: snskit listen vk -group 123456"))
	}
	if err := f.check(); err != nil {
		return usageFailure(errw, err)
	}
	out.secrets, errw.secrets = f.call.secrets(), f.call.secrets()
	name, newPlatform, _ := lookupPlatform("vk")
	api, done, code := f.call.client(ctx, name, newPlatform, out, errw)
	defer done()
	if api == nil {
		return code
	}
	var pending *listenLine // the event printed once OnTS tells its position
	enc := json.NewEncoder(out)
	onTS := func(ts string) {
		if pending != nil {
			pending.TS = ts
			_ = enc.Encode(pending)
			pending = nil
		}
	}
	var events iter.Seq2[platforms.VKEvent, error]
	if f.group > 0 {
		events = platforms.VKBotsLongPoll{GroupID: f.group, Wait: f.wait, TS: f.ts, OnTS: onTS}.Events(ctx, api)
	} else {
		events = platforms.VKUserLongPoll{Mode: f.mode, Version: f.version, Wait: f.wait, TS: f.ts, OnTS: onTS}.Events(ctx, api)
	}
	if f.call.verbose {
		fmt.Fprintln(errw, "snskit: listening; Ctrl-C stops")
	}
	for ev, err := range events {
		if err != nil && errors.Is(err, ctx.Err()) {
			break // Ctrl-C, or the -timeout
		}
		if err != nil {
			return listenFailure(errw, err)
		}
		obj := json.RawMessage(ev.Object.Raw)
		if len(obj) == 0 {
			obj = json.RawMessage("null")
		}
		pending = &listenLine{Type: ev.Type, Object: obj, GroupID: ev.GroupID, EventID: ev.EventID, V: ev.V}
	}
	if ctx.Err() != nil {
		fmt.Fprintln(errw, "snskit: stopped listening")
	}
	return exitOK
}

// listenFailure reports the error that ended a long poll: a platform
// error (a refused token, Long Poll off) or a version VK does not take.
func listenFailure(errw io.Writer, err error) int {
	fmt.Fprintf(errw, "%s\n", prefixed(err))
	return exitPlatform
}

// check validates the long poll's flags.
func (f *listenFlags) check() error {
	switch {
	case f.group < 0:
		return fmt.Errorf("-group %d: want the community's id, a positive number", f.group)
	case f.wait < time.Second || f.wait > platforms.VKLongPollMaxWait || f.wait%time.Second != 0:
		return fmt.Errorf("-wait %v: want whole seconds from 1s to 90s", f.wait)
	case f.ts != "" && !validTS(f.ts):
		return fmt.Errorf("-ts %q: want the ts of an earlier line, such as 1234 or 1234/2", f.ts)
	case f.mode < 0 || f.mode > 1023:
		return fmt.Errorf("-mode %d: want a sum of the mode bits (2 attachments, 8 extended, 32 pts, 64 extra, 128 random_id)", f.mode)
	case f.version < 0:
		return fmt.Errorf("-lp-version %d: want 0 or more", f.version)
	}
	return nil
}

// validTS reports whether s is a long poll position: digits, or digits,
// '/' and digits.
func validTS(s string) bool {
	ts, n, cut := strings.Cut(s, "/")
	digits := func(x string) bool {
		return x != "" && strings.Trim(x, "0123456789") == ""
	}
	return digits(ts) && (!cut || digits(n))
}
