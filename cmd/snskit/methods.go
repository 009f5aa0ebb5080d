package main

import "fmt"

// runHelpMethod runs "snskit help PLATFORM METHOD".
func runHelpMethod(args []string, con console) int {
	fmt.Fprintf(con.stderr, "snskit: help takes one COMMAND or TOPIC, not %q\n%s", args, usageHint)
	return exitUsage
}

// catalogMethods returns the methods of platform that start with prefix,
// from the method catalog.
func catalogMethods(platform, prefix string) []string { return nil }

// catalogParams returns "name=" for each parameter of platform's method
// that starts with prefix, from the method catalog.
func catalogParams(platform, method, prefix string) []string { return nil }
