package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one of snskit's commands: its help page and how it runs.
type command struct {
	name    string
	summary string // one line, for the command list
	usage   string // the synopsis lines, without "usage: "
	about   string // a few lines of what it does
	// flags returns the command's flag set, for its help page and for
	// completion; nil for a command without flags.
	flags    func() *flag.FlagSet
	examples []string
	seeAlso  []string // help topics
	run      func(ctx context.Context, args []string, con console, env func(string) string) int
}

// commands returns snskit's commands in the order of the help.
func commands() []*command {
	return []*command{
		callCommand(),
		loginCommand(),
		listenCommand(),
		logoutCommand(),
		tokenCommand(),
		sandboxCommand(),
		methodsCommand(),
		completionCommand(),
		versionCommand(),
		{
			name:     "help",
			summary:  "show the help of a command or a topic",
			usage:    "snskit help [COMMAND | TOPIC]",
			about:    "Without an argument, lists the commands and topics. 'snskit COMMAND -h' shows the same page as 'snskit help COMMAND'.",
			examples: []string{"snskit help call", "snskit help exit-codes"},
			run:      runHelp,
		},
	}
}

// lookupCommand returns the command called name, or nil.
func lookupCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	if name == "tokens" {
		return lookupCommand("token")
	}
	return nil
}

// commandNames lists the names of the commands.
func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

// unknownCommand reports a command snskit does not have, with the closest
// ones.
func unknownCommand(w io.Writer, name string) int {
	hint := didYouMean(name, commandNames(), func(s string) string { return "'snskit " + s + "'" })
	if hint == "" {
		if _, _, ok := lookupPlatform(name); ok {
			hint = "; to call " + name + ", run 'snskit call " + name + " METHOD'"
		}
	}
	fmt.Fprintf(w, "snskit: unknown command %q%s\n%s", name, hint, usageHint)
	return exitUsage
}

// runHelp runs "snskit help [COMMAND | TOPIC]".
func runHelp(_ context.Context, args []string, con console, _ func(string) string) int {
	switch len(args) {
	case 0:
		printOverview(con.stdout)
		return exitOK
	case 1:
	default:
		// "snskit help vk users.get" describes a method (see methods.go).
		return runHelpMethod(args, con)
	}
	name := args[0]
	if c := lookupCommand(name); c != nil {
		printCommandHelp(con.stdout, c.name)
		return exitOK
	}
	if t := lookupTopic(name); t != nil {
		fmt.Fprint(con.stdout, t.text)
		return exitOK
	}
	var names []string
	names = append(names, commandNames()...)
	for _, t := range topics() {
		names = append(names, t.name)
	}
	hint := didYouMean(name, names, func(s string) string { return "'snskit help " + s + "'" })
	fmt.Fprintf(con.stderr, "snskit: no help for %q%s\n%s", name, hint, usageHint)
	return exitUsage
}

// printOverview writes the page of "snskit help".
func printOverview(w io.Writer) {
	var b strings.Builder
	b.WriteString("snskit calls the APIs of VK, Renren (API 2.0 and 1.0), WeChat web login,\nQQ Connect and Kaixin001 from the shell.\n\n")
	b.WriteString("Usage:\n  snskit COMMAND [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
	}
	b.WriteString("\nPlatforms:\n")
	for _, p := range platformHelp() {
		fmt.Fprintf(&b, "  %-8s %-24s e.g. %s\n", p.name, p.title, p.example)
	}
	b.WriteString("\nHelp topics:\n")
	for _, t := range topics() {
		fmt.Fprintf(&b, "  %-12s %s\n", t.name, t.summary)
	}
	b.WriteString(`
Examples:
  snskit call -sandbox vk users.get user_ids=1        # offline, no account needed
  snskit call -token "$VK_TOKEN" vk users.get user_ids=1,2 fields=photo_50
  snskit login vk && snskit call vk friends.get -q count

Run 'snskit help COMMAND' (or 'snskit COMMAND -h') for a command's flags and examples.
`)
	io.WriteString(w, b.String())
}

// printCommandHelp writes the help page of the command name.
func printCommandHelp(w io.Writer, name string) {
	c := lookupCommand(name)
	var b strings.Builder
	fmt.Fprintf(&b, "snskit %s: %s\n\nUsage:\n", c.name, c.summary)
	for _, line := range strings.Split(c.usage, "\n") {
		fmt.Fprintf(&b, "  %s\n", line)
	}
	if c.about != "" {
		b.WriteString("\n")
		b.WriteString(wrap(c.about, "  ", 78))
	}
	if c.flags != nil {
		fs := c.flags()
		if hasFlags(fs) {
			b.WriteString("\nFlags (each also read from SNSKIT_NAME, as 'snskit help environment' says):\n")
			printFlags(&b, fs)
		}
	}
	if len(c.examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, e := range c.examples {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	if len(c.seeAlso) > 0 {
		fmt.Fprintf(&b, "\nSee also: snskit help %s\n", strings.Join(c.seeAlso, ", "))
	}
	io.WriteString(w, b.String())
}

// hasFlags reports whether fs defines any flag.
func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// wrap fills text (paragraphs separated by blank lines; lines starting with
// a space are kept as they are) to width, each line starting with indent.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	for _, para := range strings.Split(text, "\n\n") {
		if strings.HasPrefix(para, " ") {
			for _, line := range strings.Split(para, "\n") {
				b.WriteString(indent + line + "\n")
			}
			b.WriteString("\n")
			continue
		}
		line := indent
		for _, word := range strings.Fields(para) {
			if len(line)+len(word)+1 > width && line != indent {
				b.WriteString(strings.TrimRight(line, " ") + "\n")
				line = indent
			}
			line += word + " "
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// platformHelp describes the platforms on help pages.
func platformHelp() []struct{ name, title, example string } {
	return []struct{ name, title, example string }{
		{"vk", "VK", "users.get"},
		{"renren", "Renren API 2.0", "user.friend.list"},
		{"renren1", "Renren API 1.0", "users.getInfo"},
		{"weixin", "WeChat web login", "sns.userinfo (alias: wechat)"},
		{"qq", "QQ Connect", "user.get_user_info"},
		{"kaixin", "Kaixin001", "friends.me"},
	}
}
