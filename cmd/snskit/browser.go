package main

import (
	"errors"
	"os/exec"
	"runtime"
	"strings"
)

// systemBrowser returns a function that opens a URL in the user's browser:
// the commands of $BROWSER (a ':'-separated list, "%s" standing for the
// URL), else xdg-open (with a display), open (macOS) or rundll32
// (Windows), whichever exists. It returns nil when there is none, and
// snskit then only prints the URL.
func systemBrowser(env func(string) string) func(string) error {
	var cmds [][]string
	for _, c := range strings.Split(env("BROWSER"), ":") {
		if f := strings.Fields(c); len(f) > 0 {
			cmds = append(cmds, f)
		}
	}
	switch runtime.GOOS {
	case "darwin":
		cmds = append(cmds, []string{"open"})
	case "windows":
		cmds = append(cmds, []string{"rundll32", "url.dll,FileProtocolHandler"})
	default:
		if env("DISPLAY") != "" || env("WAYLAND_DISPLAY") != "" {
			cmds = append(cmds, []string{"xdg-open"})
		}
	}
	for _, c := range cmds {
		path, err := exec.LookPath(c[0])
		if err != nil {
			continue
		}
		args := c[1:]
		return func(u string) error { return startBrowser(path, args, u) }
	}
	return nil
}

// startBrowser starts the browser command and does not wait for it.
func startBrowser(path string, args []string, u string) error {
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return errors.New("not an http(s) URL")
	}
	substituted := false
	argv := make([]string, 0, len(args)+1)
	for _, a := range args {
		if strings.Contains(a, "%s") {
			a, substituted = strings.ReplaceAll(a, "%s", u), true
		}
		argv = append(argv, a)
	}
	if !substituted {
		argv = append(argv, u)
	}
	cmd := exec.Command(path, argv...)
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }() // reap it; its exit status says nothing useful
	return nil
}
