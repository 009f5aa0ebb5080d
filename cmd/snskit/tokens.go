package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/snskit/snskit/auth"
)

// storeFlags are the flags of "snskit logout" and "snskit token".
type storeFlags struct {
	tokenFile, baseURL string
	all, sandbox       bool
	asJSON, printToken bool
}

// newStoreFlagSet binds the flags of "snskit logout" (withAll) or "snskit
// token" to f.
func newStoreFlagSet(name string, f *storeFlags, withAll bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&f.tokenFile, "token-file", "", "the `file` of stored tokens (default: tokens.json in the snskit directory of the user's config directory)")
	if !withAll {
		fs.BoolVar(&f.asJSON, "json", false, "list the tokens as JSON, still masked")
		fs.BoolVar(&f.printToken, "print-token", false, "print the one access token (or session key) of PLATFORM or KEY, unmasked, for scripts "+commandLineOnlyNote)
	}
	if withAll {
		fs.StringVar(&f.baseURL, "base-url", "", "delete the token stored for this base `URL` (the key PLATFORM@URL)")
		fs.BoolVar(&f.sandbox, "sandbox", false, "delete the token 'snskit login -sandbox' stored (the key PLATFORM@sandbox)")
		fs.BoolVar(&f.all, "all", false, "delete every stored token "+commandLineOnlyNote)
	}
	return fs
}

// parseStoreFlags parses the arguments of "snskit logout" or "snskit
// token".
func parseStoreFlags(name string, args []string, env func(string) string, withAll bool) (*storeFlags, []string, error) {
	f := &storeFlags{}
	fs := newStoreFlagSet(name, f, withAll)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if _, err := applyEnv(fs, env); err != nil {
		return nil, nil, err
	}
	return f, pos, nil
}

// keyFor returns the key an argument of logout names: a key as "snskit
// token" lists it (vk@sandbox), or a platform, with -base-url.
func keyFor(arg, baseURL string) (string, error) {
	if strings.Contains(arg, "@") {
		if baseURL != "" {
			return "", fmt.Errorf("%q is a whole key already; leave -base-url out", arg)
		}
		return arg, nil
	}
	name, _, ok := lookupPlatform(arg)
	if !ok {
		return "", fmt.Errorf("unknown platform %q; want one of %s, or a key listed by 'snskit token'", arg, platformList)
	}
	return tokenKey(name, baseURL, false), nil
}

// runLogout runs "snskit logout": it deletes stored tokens. The platform
// is not told: its tokens stay valid until they expire.
func runLogout(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) int {
	f, pos, err := parseStoreFlags("logout", args, env, true)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(stdout, "logout")
		return exitOK
	}
	switch {
	case err != nil:
	case f.all && len(pos) > 0:
		err = errors.New("give a PLATFORM or -all, not both")
	case !f.all && len(pos) != 1:
		err = errors.New("logout needs one PLATFORM (or a key listed by 'snskit token'), or -all")
	}
	if err != nil {
		return usageFailure(stderr, fmt.Errorf("logout: %w", err))
	}
	st, err := openStore(f.tokenFile)
	if err != nil {
		return usageFailure(stderr, err)
	}
	var keys []string
	if f.all {
		if keys, err = st.Keys(ctx); err != nil {
			fmt.Fprintf(stderr, "%s\n", prefixed(err))
			return exitTransport
		}
	} else {
		if f.sandbox && f.baseURL != "" {
			return usageFailure(stderr, errors.New("logout: give -sandbox or -base-url, not both"))
		}
		key, err := keyFor(pos[0], f.baseURL)
		if err != nil {
			return usageFailure(stderr, err)
		}
		if f.sandbox {
			if strings.Contains(pos[0], "@") {
				return usageFailure(stderr, fmt.Errorf("logout: %q is a whole key already; leave -sandbox out", pos[0]))
			}
			key = tokenKey(key, "", true)
		}
		keys = []string{key}
	}
	for _, key := range keys {
		err := st.Delete(ctx, key)
		if errors.Is(err, auth.ErrNotFound) {
			fmt.Fprintf(stderr, "snskit: no token is stored as %q in %s%s; 'snskit token' lists the stored ones\n",
				key, st.Path(), otherKeysHint(ctx, st, key))
			return exitPlatform
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s\n", prefixed(err))
			return exitTransport
		}
		fmt.Fprintf(stdout, "deleted the token stored as %q\n", key)
	}
	if f.all && len(keys) == 0 {
		fmt.Fprintf(stdout, "no token stored in %s\n", st.Path())
	}
	return exitOK
}

// runToken runs "snskit token": it lists the stored tokens of every
// platform or of one, their secrets masked; or, with -print-token, prints
// one token as it is.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) int {
	f, pos, err := parseStoreFlags("token", args, env, false)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(stdout, "token")
		return exitOK
	}
	switch {
	case err != nil:
	case len(pos) > 1:
		err = errors.New("token takes at most one PLATFORM or KEY")
	case f.printToken && len(pos) == 0:
		err = errors.New("-print-token needs the PLATFORM or KEY whose token to print, as in: snskit token -print-token vk")
	case f.printToken && f.asJSON:
		err = errors.New("-print-token prints one token bare; leave -json out")
	}
	if err != nil {
		return usageFailure(stderr, fmt.Errorf("token: %w", err))
	}
	platform, key := "", ""
	if len(pos) == 1 {
		if strings.Contains(pos[0], "@") {
			key = pos[0]
		} else {
			name, _, ok := lookupPlatform(pos[0])
			if !ok {
				hint := didYouMean(pos[0], []string{"vk", "renren", "renren1", "weixin", "wechat", "qq", "kaixin"}, func(s string) string { return s })
				return usageFailure(stderr, fmt.Errorf("unknown platform %q%s; want one of %s, or a key listed by 'snskit token'", pos[0], hint, platformList))
			}
			platform = name
		}
	}
	st, err := openStore(f.tokenFile)
	if err != nil {
		return usageFailure(stderr, err)
	}
	keys, err := st.Keys(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "%s\n", prefixed(err))
		return exitTransport
	}
	var list []savedEntry
	for _, k := range keys {
		s, err := st.Load(ctx, k)
		if err != nil {
			fmt.Fprintf(stderr, "%s\n", prefixed(err))
			return exitTransport
		}
		if (key != "" && k != key) || (platform != "" && s.Platform != platform) {
			continue
		}
		list = append(list, savedEntry{k, s})
	}
	if len(list) == 0 {
		what := "no token"
		switch {
		case key != "":
			what = "no token under the key " + strconv.Quote(key)
		case platform != "":
			what = "no " + platform + " token"
		}
		fmt.Fprintf(stderr, "snskit: %s stored in %s; 'snskit login PLATFORM' stores one\n", what, st.Path())
		return exitPlatform
	}
	switch {
	case f.printToken:
		return printOneToken(stdout, stderr, list, platform)
	case f.asJSON:
		printSavedJSON(stdout, list)
	default:
		for i, e := range list {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			printSaved(stdout, e.key, e.saved)
		}
	}
	return exitOK
}

// otherKeysHint names the stored keys of the same platform under other base
// URLs ("vk@sandbox"), which a logout that found nothing probably meant.
func otherKeysHint(ctx context.Context, st auth.Store, key string) string {
	platform, _, _ := strings.Cut(key, "@")
	all, err := st.Keys(ctx)
	if err != nil {
		return ""
	}
	var same []string
	for _, k := range all {
		if k != key && strings.HasPrefix(k, platform+"@") || k == platform && k != key {
			same = append(same, strconv.Quote(k))
		}
	}
	if len(same) == 0 {
		return ""
	}
	return " (stored for " + platform + ": " + strings.Join(same, ", ") + ")"
}
