package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompletions(t *testing.T) {
	tests := []struct {
		words []string
		want  []string
	}{
		{[]string{""}, []string{"-h", "call", "completion", "help", "listen", "login", "logout", "methods", "sandbox", "token", "version"}},
		{[]string{"methods", "q"}, []string{"qq"}},
		{[]string{"methods", "vk", "users.ge"}, []string{"users.get", "users.getFollowers", "users.getSubscriptions"}},
		{[]string{"lo"}, []string{"login", "logout"}},
		{[]string{"call", ""}, []string{"kaixin", "qq", "renren", "renren1", "vk", "wechat", "weixin"}},
		{[]string{"call", "re"}, []string{"renren", "renren1"}},
		{[]string{"call", "-to"}, []string{"-token", "-token-file", "-token-secret"}},
		{[]string{"call", "-token", "T", "v"}, []string{"vk"}},
		{[]string{"call", "-sandbox", "v"}, []string{"vk"}},
		{[]string{"login", "-app-id", ""}, nil},
		{[]string{"token", "-pr"}, []string{"-print-token"}},
		{[]string{"help", "exit"}, []string{"exit-codes"}},
		{[]string{"completion", ""}, []string{"bash", "fish", "zsh"}},
		{[]string{"nosuch", ""}, nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, completions(tt.words), "%q", tt.words)
	}
	r := runCLI(t, nil, "__complete", "call", "-dry")
	assert.Equal(t, exitOK, r.code)
	assert.Equal(t, "-dry-run\n", r.stdout)
}

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := runCLI(t, nil, "completion", shell)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "snskit __complete")
		path, err := exec.LookPath(shell)
		if err != nil {
			continue // the syntax check needs the shell; bash is on every machine this runs on
		}
		cmd := exec.Command(path, "-n")
		cmd.Stdin = strings.NewReader(r.stdout)
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "%s -n: %s", shell, out)
	}
	r := runCLI(t, nil, "completion", "tcsh")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown shell "tcsh"`)
}

// TestBashCompletionEndToEnd builds snskit, sources its bash script and
// completes words the way bash does on Tab.
func TestBashCompletionEndToEnd(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", dir+"/snskit", ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	complete := func(line string) string {
		t.Helper()
		words := strings.Fields(line)
		if strings.HasSuffix(line, " ") {
			words = append(words, "")
		}
		script := `source <(snskit completion bash)
COMP_WORDS=(` + strings.Join(quoteAll(words), " ") + `)
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_snskit
printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command(bash, "-c", script)
		cmd.Env = []string{"PATH=" + dir + ":/usr/bin:/bin"}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return strings.TrimSpace(string(out))
	}
	assert.Equal(t, "call", complete("snskit ca"))
	assert.Equal(t, "renren\nrenren1", complete("snskit call ren"))
	assert.Equal(t, "-dry-run", complete("snskit call -dr"))
}

func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return out
}
