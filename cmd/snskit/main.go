// Command snskit calls the APIs of VK, Renren (API 2.0 and 1.0), WeChat web
// login, QQ Connect and Kaixin001 from the shell, and serves snskit's offline
// sandbox:
//
//	snskit call [flags] PLATFORM METHOD [name=value ...]
//	snskit login [flags] PLATFORM
//	snskit listen [flags] vk [-group ID]
//	snskit logout [flags] PLATFORM | -all
//	snskit token [flags] [PLATFORM]
//	snskit sandbox [-addr 127.0.0.1:PORT]
//	snskit completion bash | zsh | fish
//	snskit version
//	snskit help [COMMAND | TOPIC]
//
// Run "snskit help" for the commands and topics, "snskit help COMMAND" for a
// command's flags and examples.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit codes of snskit.
const (
	// exitOK: the call succeeded (or help was asked for).
	exitOK = 0
	// exitPlatform: the platform answered with an error, or with a partial
	// result beside errors.
	exitPlatform = 1
	// exitUsage: the command was refused before anything was sent.
	exitUsage = 2
	// exitTransport: no usable reply: a network failure, a timeout, an
	// interruption, a reply that cannot be read, or a sandbox that cannot
	// start.
	exitTransport = 3
)

func main() {
	quietRedis()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	con := console{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, browse: systemBrowser(os.Getenv), terminal: os.Stdin}
	code := run(ctx, os.Args[1:], con, os.Getenv)
	stop()
	os.Exit(code)
}

// console is what snskit talks to: its standard streams and, when there is
// one, the user's browser and terminal.
type console struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// browse opens a URL in the user's browser; nil when there is none
	// (and in tests).
	browse func(url string) error
	// terminal is stdin as a file: when it is a terminal, snskit turns its
	// echo off to read a password. nil in tests.
	terminal *os.File
}

// run is snskit without its process: it reads args (without the program
// name) and env, talks to con, and returns the exit code.
func run(ctx context.Context, args []string, con console, env func(string) string) int {
	if con.stdin == nil {
		con.stdin = strings.NewReader("")
	}
	if env == nil {
		env = func(string) string { return "" }
	}
	// The library's Go advice becomes flags and commands on stderr.
	con.stderr = &redactWriter{w: con.stderr, cli: true}
	if len(args) == 0 {
		printOverview(con.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		printOverview(con.stdout)
		return exitOK
	case "-version", "--version":
		printVersion(con.stdout)
		return exitOK
	case "__complete":
		return runComplete(args[1:], con.stdout)
	}
	c := lookupCommand(args[0])
	if c == nil {
		return unknownCommand(con.stderr, args[0])
	}
	return c.run(ctx, args[1:], con, env)
}

// usageHint ends the message of every usage error.
const usageHint = "run 'snskit help' for usage\n"
