package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoginOpensTheBrowserWhichCompletesTheLogin(t *testing.T) {
	s := newSandbox(t)
	app := s.App("kaixin")
	file := tokenPath(t)
	var opened []string
	var stdout, stderr bytes.Buffer
	con := console{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		browse: func(u string) error {
			opened = append(opened, u)
			go func() { // the user approves in the browser
				if resp, err := http.Get(u); err == nil {
					resp.Body.Close()
				}
			}()
			return nil
		}}
	env := testEnv(t, map[string]string{"SNSKIT_TOKEN_FILE": file, "SNSKIT_APP_ID": app.ID, "SNSKIT_APP_SECRET": app.Secret})
	code := run(context.Background(), []string{"login", "-base-url", s.URL("kaixin"), "-timeout", "10s", "kaixin"}, con, env)
	require.Equal(t, exitOK, code, stderr.String())
	require.Len(t, opened, 1)
	assert.Contains(t, stderr.String(), opened[0], "the URL opened is the one printed")
	assert.NotEmpty(t, loadToken(t, file, "kaixin@"+s.URL("kaixin")).RefreshToken)
}

func TestLoginNoBrowserAndSandboxNeverOpenOne(t *testing.T) {
	s := newSandbox(t)
	app := s.App("vk")
	for _, args := range [][]string{
		{"-sandbox", "vk"},
		{"-no-browser", "-base-url", s.URL("vk"), "-app-id", app.ID, "-app-secret", app.Secret, "-timeout", "20ms", "vk"},
	} {
		var stderr bytes.Buffer
		opened := 0
		con := console{stdout: &bytes.Buffer{}, stderr: &stderr, browse: func(string) error { opened++; return nil }}
		run(context.Background(), append([]string{"login"}, args...), con, testEnv(t, nil))
		assert.Zero(t, opened, "%v", args)
		assert.Contains(t, stderr.String(), "open this URL in your browser", "%v", args)
	}
}

func TestLoginCallbackIgnoresOtherPaths(t *testing.T) {
	s := newSandbox(t)
	app := s.App("qq")
	p := startLogin(t, nil, "-base-url", s.URL("qq"), "-app-id", app.ID, "-app-secret", app.Secret, "-no-browser", "qq")
	u := *p.redirect
	u.Path = "/favicon.ico"
	status, _ := get(t, u.String())
	assert.Equal(t, http.StatusNotFound, status)

	status, _ = get(t, p.authURL.String()) // the login goes on
	assert.Equal(t, http.StatusOK, status)
	r := p.wait(t)
	assert.Equal(t, exitOK, r.code, r.all())
}

func TestSystemBrowserRunsBROWSER(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "fake-browser")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" > "+out+"\n"), 0o700))
	env := func(k string) string {
		if k == "BROWSER" {
			return "/nonexistent/browser:" + script
		}
		return ""
	}
	open := systemBrowser(env)
	require.NotNil(t, open, "the second command of $BROWSER exists")
	require.NoError(t, open("http://127.0.0.1:1/authorize?state=x"))
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(out)
		return err == nil && string(b) == "http://127.0.0.1:1/authorize?state=x\n"
	}, 5*time.Second, 10*time.Millisecond)

	assert.Error(t, open("file:///etc/passwd"), "only http(s) URLs are opened")
}

func TestSystemBrowserWithoutAnyIsNil(t *testing.T) {
	env := func(k string) string {
		if k == "BROWSER" {
			return "/nonexistent/browser"
		}
		return "" // no DISPLAY: no xdg-open
	}
	if runtime.GOOS != "linux" {
		t.Skip("other systems have a browser command of their own")
	}
	assert.Nil(t, systemBrowser(env))
}
