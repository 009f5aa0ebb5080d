package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	snsredis "github.com/snskit/snskit/redis"
)

// callFlags are the flags of "snskit call".
type callFlags struct {
	token, tokenSecret, sessionKey string
	appID, appSecret, openID       string
	apiVersion, baseURL, verb      string
	query, tokenFile, sandboxState string
	redis                          string
	upload                         string
	raw, dryRun, sandbox, verbose  bool
	curl, strict                   bool
	all                            allFlag
	format, color, captcha         string
	valueFiles                     listFlag
	maxBody                        int64
	timeout                        time.Duration
	// fromEnv holds the names of the flags set from the environment (not
	// the command line), for -v's account of where credentials came from.
	fromEnv map[string]bool
	// out is how results are printed (-format, -color and the terminal).
	out outputMode
	// given holds the names of the flags set on the command line or from
	// the environment.
	given map[string]bool
	// stored is the stored token the call uses, when no credential is
	// given.
	stored *storedCall
	// rc is the Redis of -redis, when given.
	rc *snsredis.Client
}

// newCallFlagSet binds the flags of "snskit call" to f. The set prints
// nothing itself: run reports its errors.
func newCallFlagSet(f *callFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&f.token, "token", "", "access `token` (OAuth 2.0), or the OAuth 1.0a token with -token-secret")
	fs.StringVar(&f.tokenSecret, "token-secret", "", "OAuth 1.0a token `secret`; needs -token, -app-id and -app-secret")
	fs.StringVar(&f.sessionKey, "session-key", "", "legacy session `key` (Renren 1.0, Kaixin001)")
	fs.StringVar(&f.appID, "app-id", "", "application `id` or key (client id, appid, app key)")
	fs.StringVar(&f.appSecret, "app-secret", "", "application `secret`, for platforms that sign calls or logins with it")
	fs.StringVar(&f.openID, "openid", "", "the user's `openid` (QQ, WeChat); needs an access token")
	fs.StringVar(&f.apiVersion, "api-version", "", "API `version` where the platform has one (VK's v)")
	fs.StringVar(&f.baseURL, "base-url", "", "send every request to this base `URL` instead of the platform's hosts")
	fs.StringVar(&f.verb, "X", "", "force the HTTP `verb`: GET or POST")
	fs.StringVar(&f.query, "q", "", "print only this gjson `path` of the result")
	fs.StringVar(&f.captcha, "captcha", "auto", "on a captcha: `mode` auto (ask on a terminal), ask (on standard input) or fail")
	fs.BoolVar(&f.raw, "raw", false, "print the whole reply body, envelope included")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the request, secrets masked, instead of sending it")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on the call after this `duration`; 0 waits forever")
	fs.BoolVar(&f.sandbox, "sandbox", false, "call an in-process sandbox with its test app and token")
	fs.StringVar(&f.sandboxState, "sandbox-state", "", sandboxStateUsage)
	fs.BoolVar(&f.verbose, "v", false, "log each request to stderr (secrets masked)")
	fs.StringVar(&f.tokenFile, "token-file", "", "the `file` of stored tokens (default: tokens.json in the snskit directory of the user's config directory)")
	fs.StringVar(&f.redis, "redis", "", redisUsage)
	fs.Var(&f.valueFiles, "F", "read parameter name's value from the text of a file (`name=path`, - for stdin); repeat for several "+commandLineOnlyNote)
	fs.Int64Var(&f.maxBody, "max-body", 0, "refuse replies larger than this many `bytes` (default: the library's 16 MiB)")
	fs.BoolVar(&f.strict, "strict", false, "refuse a call the method catalog finds wrong (unknown method or parameter, missing, wrong type, out of range) instead of warning")
	fs.Var(&f.all, "all", "walk every item of a paged list and print each as a line of JSON (-all=N: the first N); progress on a terminal's stderr "+commandLineOnlyNote)
	fs.StringVar(&f.upload, "upload", "", "upload the name=@path files to VK in one go (upload server, POST, save) as `kind`: "+uploadKindList+"; PLATFORM takes no METHOD then "+commandLineOnlyNote)
	fs.BoolVar(&f.curl, "curl", false, "with -dry-run: print the request as a curl command that reads secrets from environment variables")
	fs.StringVar(&f.format, "format", "auto", "`format` of the result: pretty (indented), compact (one line), or auto: pretty on a terminal, compact when piped")
	fs.StringVar(&f.color, "color", "auto", "`when` to colour the JSON: always, never, or auto (on a terminal unless NO_COLOR is set)")
	return fs
}

// allFlag is -all, a switch that may carry a number of items: -all walks
// the whole list, -all=N its first N items.
type allFlag struct {
	on    bool
	limit int
}

func (a *allFlag) String() string {
	if a == nil || !a.on {
		return "false"
	}
	if a.limit > 0 {
		return strconv.Itoa(a.limit)
	}
	return "true"
}

func (a *allFlag) Set(v string) error {
	if b, err := strconv.ParseBool(v); err == nil {
		a.on, a.limit = b, 0
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return fmt.Errorf("want -all, or -all=N with N a number of items of at least 1, not %q", v)
	}
	a.on, a.limit = true, n
	return nil
}

// IsBoolFlag lets -all stand alone.
func (a *allFlag) IsBoolFlag() bool { return true }

// listFlag is a flag that may be repeated; it keeps every value in order.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseCallFlags parses the arguments of "snskit call" and the environment.
// It returns the flags and the positional arguments: PLATFORM, METHOD and
// the parameters. The error is flag.ErrHelp for -h.
func parseCallFlags(args []string, env func(string) string) (*callFlags, []string, error) {
	f := &callFlags{}
	fs := newCallFlagSet(f)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { onCommandLine[fl.Name] = true })
	if f.given, err = applyEnv(fs, env); err != nil {
		return nil, nil, err
	}
	f.fromEnv = map[string]bool{}
	for name := range f.given {
		if !onCommandLine[name] {
			f.fromEnv[name] = true
		}
	}
	switch {
	case f.format != "auto" && f.format != "pretty" && f.format != "compact":
		return nil, nil, fmt.Errorf("-format %q: want pretty, compact or auto", f.format)
	case f.color != "auto" && f.color != "always" && f.color != "never":
		return nil, nil, fmt.Errorf("-color %q: want always, never or auto", f.color)
	case f.maxBody < 0:
		return nil, nil, fmt.Errorf("-max-body %d: want a positive number of bytes", f.maxBody)
	case f.curl && !f.dryRun:
		return nil, nil, errors.New("-curl prints a dry run: add -dry-run (nothing is sent)")
	case f.upload != "" && (f.all.on || f.raw || f.dryRun || f.verb != ""):
		return nil, nil, errors.New("-upload runs several requests: it cannot be combined with -all, -raw, -dry-run or -X")
	case f.all.on && (f.raw || f.dryRun):
		return nil, nil, errors.New("-all prints the items of many replies: it cannot be combined with -raw or -dry-run")
	}
	if f.timeout < 0 {
		return nil, nil, fmt.Errorf("-timeout %v: want a positive duration such as 30s, or 0 for none", f.timeout)
	}
	if err := checkCaptchaMode(f.captcha); err != nil {
		return nil, nil, err
	}
	if f.raw && f.query != "" {
		return nil, nil, errors.New("-q and -raw cannot be combined: -raw prints the whole body, -q one value of the result")
	}
	return f, pos, nil
}

// parseInterspersed parses flags placed anywhere among the positional
// arguments, which it returns in order. "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, unknownFlag(fs, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// applyEnv sets every flag not given on the command line from its
// environment variable (see envName), when that is not empty. It returns the
// names of the flags set either way.
func applyEnv(fs *flag.FlagSet, env func(string) string) (map[string]bool, error) {
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	var err error
	fs.VisitAll(func(fl *flag.Flag) {
		if given[fl.Name] || err != nil || commandLineOnly(fl) {
			return
		}
		name := envName(fl.Name)
		v := env(name)
		if v == "" {
			return
		}
		if e := fs.Set(fl.Name, v); e != nil {
			// Only bool and duration flags can fail; their values are no secret.
			err = fmt.Errorf("environment variable %s=%q: want %s", name, v, valueKind(fl))
			return
		}
		given[fl.Name] = true
	})
	return given, err
}

// commandLineOnlyNote ends the usage of flags that are never read from the
// environment, such as logout's -all.
const commandLineOnlyNote = "(command line only)"

// commandLineOnly reports whether fl is never read from the environment.
func commandLineOnly(fl *flag.Flag) bool { return strings.HasSuffix(fl.Usage, commandLineOnlyNote) }

// envName is the environment variable of a flag: -token-secret is read from
// SNSKIT_TOKEN_SECRET.
func envName(flagName string) string {
	return "SNSKIT_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// valueKind describes what a flag accepts, for error messages.
func valueKind(fl *flag.Flag) string {
	if b, ok := fl.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return "a boolean: 1, 0, true or false"
	}
	if g, ok := fl.Value.(flag.Getter); ok {
		if _, ok := g.Get().(time.Duration); ok {
			return "a duration such as 30s"
		}
	}
	return "a valid value"
}

// printFlags writes the flags of fs with their environment variables.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	type row struct{ head, text string }
	var rows []row
	width := 0
	fs.VisitAll(func(fl *flag.Flag) {
		kind, usage := flag.UnquoteUsage(fl)
		head := "-" + fl.Name
		if kind != "" {
			head += " " + kind
		}
		text := usage
		if fl.DefValue != "" && fl.DefValue != "false" && fl.DefValue != "0" {
			text += " (default " + fl.DefValue + ")"
		}
		if !commandLineOnly(fl) {
			text += " [" + envName(fl.Name) + "]"
		}
		rows = append(rows, row{head, text})
		width = max(width, len(head))
	})
	width = min(width, 24)
	for _, r := range rows {
		if len(r.head) > width {
			fmt.Fprintf(w, "    %s\n    %*s  %s\n", r.head, width, "", r.text)
			continue
		}
		fmt.Fprintf(w, "    %-*s  %s\n", width, r.head, r.text)
	}
}
