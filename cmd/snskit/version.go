package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/snskit/snskit"
)

func versionCommand() *command {
	return &command{
		name:     "version",
		summary:  "print snskit's version",
		usage:    "snskit version",
		about:    "Prints snskit's version, the Go version it was built with, and the source revision when the build recorded one.",
		examples: []string{"snskit version"},
		run: func(_ context.Context, args []string, con console, _ func(string) string) int {
			if len(args) > 0 && args[0] != "-h" && args[0] != "-help" && args[0] != "--help" {
				fmt.Fprintf(con.stderr, "snskit: version takes no arguments\n%s", usageHint)
				return exitUsage
			}
			if len(args) > 0 {
				printCommandHelp(con.stdout, "version")
				return exitOK
			}
			printVersion(con.stdout)
			return exitOK
		},
	}
}

// printVersion writes "snskit 0.1.0 (module v0.1.0, go1.26.8 linux/amd64,
// revision abc123def456, modified)" from the build information.
func printVersion(w io.Writer) {
	mod, rev, dirty := "", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		mod = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	fmt.Fprintf(w, "snskit %s (", snskit.Version)
	if mod != "" && mod != "(devel)" {
		fmt.Fprintf(w, "module %s, ", mod)
	}
	fmt.Fprintf(w, "%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		fmt.Fprintf(w, ", revision %s", rev)
		if dirty {
			fmt.Fprint(w, ", modified")
		}
	}
	fmt.Fprintln(w, ")")
}
