package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/snskit/snskit"
)

// report prints the outcome of a call and returns the exit code. r may be
// nil.
func report(out, errw io.Writer, r *snskit.Response, err error, f *callFlags) int {
	var (
		partial *snskit.PartialError
		perr    *snskit.Error
		terr    *snskit.TransportError
		rerr    *snskit.ReplyError
	)
	switch {
	case err == nil:
		printResult(out, errw, r, f)
		return exitOK
	case errors.As(err, &partial): // before *Error: it wraps its sub-errors
		if r != nil {
			printResult(out, errw, r, f)
		}
		fmt.Fprintf(errw, "snskit: %s %s: %d sub-request(s) failed:\n", partial.Platform, partial.Method, len(partial.Errors))
		for _, e := range partial.Errors {
			fmt.Fprintf(errw, "  %v\n", e)
			printDetail(errw, e, f)
		}
		return exitPlatform
	case errors.As(err, &terr), errors.As(err, &rerr),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		if f.raw && r != nil {
			printRaw(out, r.Body)
		}
		fmt.Fprintf(errw, "%s\n", prefixed(err))
		return exitTransport
	case errors.As(err, &perr):
		if f.raw && r != nil {
			printRaw(out, r.Body)
		}
		fmt.Fprintf(errw, "%s\n", prefixed(err))
		printCaptcha(errw, perr)
		printDetail(errw, perr, f)
		return exitPlatform
	}
	var cerr *snskit.CallError
	var nerr net.Error
	if errors.As(err, &cerr) && errors.As(err, &nerr) {
		// Refused before sending because a side request (a token refresh)
		// could not get through: a transport failure, not a usage error.
		fmt.Fprintf(errw, "%s\n", prefixed(err))
		return exitTransport
	}
	if errors.As(err, &cerr) && strings.Contains(cerr.Reason, "snskit.WithApp") {
		// The library names its option; say which flags set it.
		err = fmt.Errorf("%s\non the command line the application's key and secret are -app-id and -app-secret", prefixed(err))
	}
	if errors.As(err, &cerr) && cerr.NeedsAuth {
		platform := cerr.Platform
		if platform == "" {
			platform = "PLATFORM"
		}
		err = fmt.Errorf("%s\nno credential was given: pass -token (with -openid for QQ and WeChat), -token and -token-secret, or -session-key, or set SNSKIT_TOKEN; or log in once with 'snskit login %s'; -sandbox tries the offline sandbox", prefixed(err), platform)
	}
	return usageFailure(errw, err)
}

// printDetail writes a platform error's own error object under -v.
func printDetail(w io.Writer, e *snskit.Error, f *callFlags) {
	if f.verbose && e.Detail.Exists() {
		fmt.Fprintf(w, "  detail: %s\n", indentJSON(e.Detail, "  "))
	}
}

// usageFailure reports a command refused before sending and returns
// exitUsage.
func usageFailure(w io.Writer, err error) int {
	var ue *usageError
	if errors.As(err, &ue) && ue.help != "" {
		fmt.Fprintf(w, "%s\nrun '%s' for its flags\n", prefixed(err), ue.help)
		return exitUsage
	}
	fmt.Fprintf(w, "%s\n%s", prefixed(err), usageHint)
	return exitUsage
}

// prefixed returns err's message starting with "snskit: ", as snskit's own
// errors do.
func prefixed(err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, "snskit: ") {
		return msg
	}
	return "snskit: " + msg
}
