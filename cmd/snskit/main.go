// Command snskit calls the APIs of VK, Renren (API 2.0 and 1.0), WeChat web
// login, QQ Connect and Kaixin001 from the shell, and serves snskit's offline
// sandbox:
//
//	snskit call [flags] PLATFORM METHOD [name=value ...]
//	snskit login [flags] PLATFORM
//	snskit logout [flags] PLATFORM | -all
//	snskit token [flags] [PLATFORM]
//	snskit sandbox [-addr 127.0.0.1:PORT]
//	snskit help
//
// Run "snskit help" for the flags, the environment variables and the exit
// codes.
package main

import (
	"context"
	"fmt"
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
	stdout, stderr := con.stdout, con.stderr
	if con.stdin == nil {
		con.stdin = strings.NewReader("")
	}
	if env == nil {
		env = func(string) string { return "" }
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, shortUsage+usageHint)
		return exitUsage
	}
	switch args[0] {
	case "call":
		return runCall(ctx, args[1:], stdout, stderr, env)
	case "login":
		return runLogin(ctx, args[1:], con, env)
	case "logout":
		return runLogout(ctx, args[1:], stdout, stderr, env)
	case "token", "tokens":
		return runToken(ctx, args[1:], stdout, stderr, env)
	case "sandbox":
		return runSandbox(ctx, args[1:], stdout, stderr, env)
	case "help", "-h", "-help", "--help":
		printHelp(stdout)
		return exitOK
	}
	fmt.Fprintf(stderr, "snskit: unknown command %q\n%s%s", args[0], shortUsage, usageHint)
	return exitUsage
}

const shortUsage = `usage: snskit call [flags] PLATFORM METHOD [name=value ...]
       snskit login [flags] PLATFORM
       snskit logout [flags] PLATFORM | -all
       snskit token [flags] [PLATFORM]
       snskit sandbox [-addr 127.0.0.1:PORT]
       snskit help
`

// usageHint ends the message of every usage error.
const usageHint = "run 'snskit help' for usage\n"

// printHelp writes the full help: commands, parameters, flags with their
// environment variables, output and exit codes.
func printHelp(w io.Writer) {
	fmt.Fprint(w, helpIntro)
	printCallFlags(w)
	fmt.Fprint(w, helpOutput)
	printSandboxFlags(w)
	fmt.Fprint(w, helpLogin)
	printLoginFlags(w)
	fmt.Fprint(w, helpLogout)
	printFlags(w, newStoreFlagSet("logout", &storeFlags{}, true))
	fmt.Fprint(w, helpToken)
	printFlags(w, newStoreFlagSet("token", &storeFlags{}, false))
	fmt.Fprint(w, helpExamples)
}

const helpIntro = `snskit calls social platform APIs without a type per endpoint.

` + shortUsage + `
snskit call [flags] PLATFORM METHOD [name=value ...]
  PLATFORM is one of:
    vk        VK                      e.g. users.get
    renren    Renren API 2.0          e.g. user.friend.list
    renren1   Renren API 1.0          e.g. users.getInfo
    weixin    WeChat web login        e.g. sns.userinfo   (alias: wechat)
    qq        QQ Connect              e.g. user.get_user_info
    kaixin    Kaixin001               e.g. friends.me
  METHOD is the dotted method name of the platform's documentation.

  Parameters:
    name=value    a parameter; repeat a name to send a list (a=1 a=2 sends a=1,2)
    name=@path    upload the file at path under the field name (multipart POST)
    name=@@text   a value that starts with a literal @ (sends name=@text)
  Flags may come before or after PLATFORM and METHOD; '--' ends the flags
  (needed only for a parameter whose name starts with '-').

  Credentials: -token alone is an OAuth 2.0 access token (with -openid for
  QQ and WeChat); -token with -token-secret is an OAuth 1.0a token, signed
  with -app-id and -app-secret as the consumer key and secret (Kaixin001);
  -session-key is a legacy session key (Renren 1.0, Kaixin001). Give at most
  one kind. With none, call uses the token 'snskit login' stored for
  PLATFORM (with -base-url U, the one stored for PLATFORM@U) and its app id;
  an expired token is refreshed, and the new one stored, when -app-secret
  (or SNSKIT_APP_SECRET) is given, since the secret is never stored; -v
  says which token is used.

  -sandbox starts an offline sandbox for the one call and uses its base URL
  (so -base-url is refused), its test app unless -app-id or -app-secret is
  given, and unless a credential flag is given, a fresh OAuth 2.0 access
  token of its default user, with the user's openid for QQ and WeChat (also
  on Kaixin001 and Renren 1.0, which take other credentials too).

  Flags (each flag NAME not on the command line is read from the environment
  variable SNSKIT_NAME, upper case with '-' as '_'; an empty variable counts as
  unset; booleans take 1, 0, true, false):
`

const helpOutput = `
  Output: the result, with the platform's envelope removed, as indented JSON
  on stdout.
    -q PATH    prints only the gjson path PATH of the result
               (https://github.com/tidwall/gjson/blob/master/SYNTAX.md): a
               string bare, anything else as indented JSON. When PATH matches
               nothing, stdout stays empty, a note goes to stderr, and the exit
               code is still 0. -q cannot be combined with -raw.
    -raw       prints the reply body exactly as received (envelope included;
               a final newline added when it has none), also when the platform
               answered with an error or the reply could not be read.
    -dry-run   prints the request instead of sending it: verb, URL, headers and
               body, with tokens, secrets and signatures masked; a multipart
               body shows each part's headers, and file parts only their size.
               -q and -raw are ignored. Nothing at all is sent: a qq call
               whose openid is unknown needs -openid.
  Platform errors go to stderr, as "snskit: vk users.get: error 5: message";
  with -v the platform's whole error object follows. Secrets given to snskit
  (tokens, token secret, session key, app secret) are masked in all output.

  Exit codes:
    0  success
    1  the platform answered with an error (or a partial result: the result
       is printed, the failed sub-requests go to stderr)
    2  usage error: nothing was sent (unknown platform or command, bad flag or
       environment variable, malformed parameter, unreadable file, invalid
       method name, missing or unusable credential, unencodable parameter)
    3  no usable reply: network failure, timeout, interruption, a reply that
       is not what the platform sends (an HTML error page, truncated JSON), or
       a sandbox that cannot start

snskit sandbox [flags]
  Serves the offline sandbox (snskit/sandbox) until interrupted (Ctrl-C,
  SIGTERM), and prints each platform's base URL with a test app and token.
`

const helpExamples = `
Examples:
  snskit call -token "$VK_TOKEN" vk users.get user_ids=1,2 fields=photo_50
  snskit call vk users.get user_ids=1 user_ids=2 -q 0.first_name
  snskit call -dry-run -token "$RENREN_TOKEN" renren1 photos.upload upload=@cat.jpg
  snskit call -sandbox vk users.get user_ids=1
  snskit login -app-id "$VK_APP_ID" -app-secret "$VK_APP_SECRET" -scope friends,photos vk
  snskit call vk users.get user_ids=1            # with the stored token
  snskit login -sandbox weixin                   # the whole login, offline
  snskit login -username +79990001122 vk          # VK direct auth, 2FA asked
  snskit token
  snskit logout vk
  SNSKIT_TOKEN=... SNSKIT_OPENID=... snskit call weixin sns.userinfo
`
