package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
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
func newSandboxFlagSet(addr *string) *flag.FlagSet {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(addr, "addr", "", "listen on this `host:port` (default: a free loopback port)")
	return fs
}

// runSandbox runs "snskit sandbox": it serves the sandbox until ctx is done
// (SIGINT or SIGTERM in main).
func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) int {
	var addr string
	fs := newSandboxFlagSet(&addr)
	err := fs.Parse(args)
	if err != nil {
		err = unknownFlag(fs, err)
	}
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(stdout, "sandbox")
		return exitOK
	}
	if err == nil {
		_, err = applyEnv(fs, env)
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q: the sandbox takes only -addr", fs.Arg(0))
	}
	if err != nil {
		return usageFailure(stderr, fmt.Errorf("sandbox: %w", err))
	}
	var opts []sandbox.Option
	if addr != "" {
		opts = append(opts, sandbox.WithAddr(addr))
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
// credentials, then a call to try. These are the sandbox's fake
// credentials, valid only against this server: printing them is the point.
func printSandbox(w io.Writer, s *sandbox.Server) {
	root := strings.TrimSuffix(s.URL("vk"), "/vk")
	fmt.Fprintf(w, "snskit sandbox serving on %s (Ctrl-C to stop)\n\n", root)
	fmt.Fprintln(w, "SANDBOX CREDENTIALS: fake, made up by this sandbox, valid only against it until it stops.")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var vkToken string
	for _, name := range sandboxPlatforms() {
		fmt.Fprintf(tw, "\n%s\n", name)
		fmt.Fprintf(tw, "  base URL\t%s\n", s.URL(name))
		a := s.App(name)
		c, err := s.IssueToken(name, sandbox.TokenOptions{})
		if a.ID == "" && c.AccessToken == "" && c.SessionKey == "" {
			fmt.Fprintf(tw, "  (not emulated yet)\n")
			continue
		}
		row := func(label, value string) {
			if value != "" {
				fmt.Fprintf(tw, "  %s\t%s\n", label, value)
			}
		}
		row("app id", a.ID)
		row("app secret", a.Secret)
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
		if name == "vk" {
			vkToken = c.AccessToken
		}
	}
	tw.Flush()
	if vkToken != "" {
		fmt.Fprintf(w, "\nTry:\n  snskit call -base-url %s -token %s vk users.get user_ids=1\n", s.URL("vk"), vkToken)
		fmt.Fprintf(w, "or:\n  SNSKIT_BASE_URL=%s SNSKIT_TOKEN=%s snskit call vk users.get\n", s.URL("vk"), vkToken)
	}
}
