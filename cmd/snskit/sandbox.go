package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"text/tabwriter"

	"github.com/snskit/snskit/sandbox"
)

// sandboxPlatforms returns the platforms "snskit sandbox" lists, in the
// order of the help.
func sandboxPlatforms() []string {
	return []string{"vk", "renren", "renren1", "weixin", "qq", "kaixin"}
}

// newSandboxFlagSet binds the flags of "snskit sandbox" to addr.
func newSandboxFlagSet(addr, state *string) *flag.FlagSet {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(addr, "addr", "", "listen on this `host:port` (default: a free loopback port)")
	fs.StringVar(state, "sandbox-state", "", "keep the sandbox's tokens and data in this `file` (the one 'call -sandbox' uses, for 'reset': by default none when serving, and the user's cache directory's for reset)")
	return fs
}

// runSandbox runs "snskit sandbox": it serves the sandbox until ctx is done
// (SIGINT or SIGTERM in main).
func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) int {
	var addr, state string
	fs := newSandboxFlagSet(&addr, &state)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(stdout, "sandbox")
		return exitOK
	}
	var given map[string]bool
	if err == nil {
		given, err = applyEnv(fs, env)
	}
	if err == nil && len(pos) > 0 {
		if pos[0] == "reset" && len(pos) == 1 {
			return runSandboxReset(ctx, state, stdout, stderr)
		}
		hint := didYouMean(pos[0], []string{"reset"}, func(s string) string { return "'snskit sandbox " + s + "'" })
		err = fmt.Errorf("unexpected argument %q%s: the sandbox takes -addr, or 'reset' to clear the state of -sandbox commands", pos[0], hint)
	}
	if err != nil {
		return usageFailure(stderr, fmt.Errorf("sandbox: %w", err))
	}
	var opts []sandbox.Option
	if addr != "" {
		opts = append(opts, sandbox.WithAddr(addr))
	}
	if given["sandbox-state"] {
		opts = append(opts, sandbox.WithStateFile(state))
	}
	if addr != "" && beyondLoopback(addr) {
		fmt.Fprintf(stderr, "snskit: warning: the sandbox listens on %s, beyond this machine: anyone who reaches it can use its test tokens and read what you send it; use 127.0.0.1 unless you mean it\n", addr)
	}
	s, err := sandbox.New(opts...)
	if err != nil {
		fmt.Fprintf(stderr, "snskit: starting the sandbox: %v\n", err)
		return exitTransport
	}
	defer s.Close()
	printSandbox(stdout, s)
	<-ctx.Done()
	fmt.Fprintln(stderr, "snskit: sandbox stopped")
	return exitOK
}

// printSandbox writes each platform's base URL with a ready test app and
// credentials, and a command that works against it. These are the
// sandbox's fake credentials, valid only against this server: printing
// them is the point.
func printSandbox(w io.Writer, s *sandbox.Server) {
	root := strings.TrimSuffix(s.URL("vk"), "/vk")
	fmt.Fprintf(w, "snskit sandbox serving on %s (Ctrl-C to stop)\n\n", root)
	fmt.Fprintln(w, "SANDBOX CREDENTIALS: fake, made up by this sandbox, valid only against it until it stops.")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var vkTry string
	for _, name := range sandboxPlatforms() {
		fmt.Fprintf(tw, "\n%s\n", name)
		fmt.Fprintf(tw, "  base URL\t%s\n", s.URL(name))
		a := s.App(name)
		c, err := s.IssueToken(name, sandbox.TokenOptions{})
		row := func(label, value string) {
			if value != "" {
				fmt.Fprintf(tw, "  %s\t%s\n", label, value)
			}
		}
		row("app id", a.ID)
		row("app secret", a.Secret)
		if name == "vk" {
			row("VK ID app id", sandbox.VKIDAppID+" (VK ID login: PKCE, no secret)")
		}
		if err != nil {
			row("token", "(none: "+err.Error()+")")
			continue
		}
		row("access token", c.AccessToken)
		row("openid", c.OpenID)
		row("session key", c.SessionKey)
		row("token secret", c.TokenSecret)
		if name == "kaixin" {
			if o, err := s.IssueToken(name, sandbox.TokenOptions{OAuth1: true}); err == nil && o.TokenSecret != "" {
				row("OAuth 1.0a token", o.AccessToken)
				row("OAuth 1.0a token secret", o.TokenSecret)
			}
		}
		try := sandboxTry(name, s.URL(name), a, c)
		row("try", try)
		if name == "vk" {
			vkTry = try
		}
	}
	tw.Flush()
	if vkTry != "" {
		fmt.Fprintf(w, "\nTry:\n  %s\n", vkTry)
		fmt.Fprintf(w, "or, without a running sandbox:\n  snskit call -sandbox vk users.get user_ids=1\n")
	}
}

// sandboxTry returns a command that calls platform name on the sandbox at
// base with what that platform needs: the openid on QQ and WeChat, the app
// id on QQ (its oauth_consumer_key), the app key and secret on Renren 1.0.
func sandboxTry(name, base string, a sandbox.App, c sandbox.Credentials) string {
	q := func(v string) string {
		if strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:/=") == "" {
			return v
		}
		return shellWord(v, nil)
	}
	cmd := "snskit call -base-url " + q(base)
	switch name {
	case "vk":
		return cmd + " -token " + q(c.AccessToken) + " vk users.get user_ids=1"
	case "renren":
		return cmd + " -token " + q(c.AccessToken) + " renren user.get userId=" + q(c.UserID)
	case "renren1":
		if c.SessionKey != "" {
			return cmd + " -app-id " + q(a.ID) + " -app-secret " + q(a.Secret) + " -session-key " + q(c.SessionKey) + " renren1 users.getInfo"
		}
		return cmd + " -app-secret " + q(a.Secret) + " -token " + q(c.AccessToken) + " renren1 users.getInfo"
	case "weixin":
		return cmd + " -token " + q(c.AccessToken) + " -openid " + q(c.OpenID) + " weixin sns.userinfo"
	case "qq":
		return cmd + " -app-id " + q(a.ID) + " -token " + q(c.AccessToken) + " -openid " + q(c.OpenID) + " qq user.get_user_info"
	case "kaixin":
		return cmd + " -token " + q(c.AccessToken) + " kaixin users.me"
	}
	return ""
}

// beyondLoopback reports whether the sandbox's listen address addr
// (host:port) can be reached from other machines.
func beyondLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return true
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}
