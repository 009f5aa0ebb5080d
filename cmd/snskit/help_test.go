package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of the help pages")

// golden compares got with testdata/NAME.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *updateGolden {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run 'go test ./cmd/snskit -run TestHelpPages -update' to create it")
	assert.Equal(t, string(want), got, "the help page %s changed; if on purpose, rerun with -update and review the diff", name)
}

func TestHelpPages(t *testing.T) {
	r := runCLI(t, nil, "help")
	require.Equal(t, exitOK, r.code)
	assert.Empty(t, r.stderr)
	golden(t, "help/overview", r.stdout)
	for _, alias := range [][]string{{"-h"}, {"--help"}} {
		assert.Equal(t, r.stdout, runCLI(t, nil, alias...).stdout, "%v is snskit help", alias)
	}
	for _, name := range commandNames() {
		t.Run(name, func(t *testing.T) {
			page := runCLI(t, nil, "help", name)
			require.Equal(t, exitOK, page.code, page.stderr)
			golden(t, "help/"+name, page.stdout)
			if name == "help" {
				return
			}
			for _, h := range []string{"-h", "-help", "--help"} {
				r := runCLI(t, nil, name, h)
				assert.Equal(t, exitOK, r.code, "%s %s: %s", name, h, r.stderr)
				assert.Equal(t, page.stdout, r.stdout, "'snskit %s %s' is 'snskit help %s'", name, h, name)
			}
			lines := strings.Count(page.stdout, "\n")
			assert.Less(t, lines, 80, "a command's page stays short")
			assert.Contains(t, page.stdout, "Examples:\n")
		})
	}
	for _, tp := range topics() {
		page := runCLI(t, nil, "help", tp.name)
		require.Equal(t, exitOK, page.code)
		golden(t, "help/topic-"+tp.name, page.stdout)
	}
}

func TestHelpPagesListEveryFlagWithItsVariable(t *testing.T) {
	for _, c := range commands() {
		if c.flags == nil {
			continue
		}
		page := runCLI(t, nil, "help", c.name).stdout
		c.flags().VisitAll(func(fl *flag.Flag) {
			assert.Contains(t, page, "    -"+fl.Name, "%s -%s", c.name, fl.Name)
			if !commandLineOnly(fl) {
				assert.Contains(t, page, "["+envName(fl.Name)+"]", "%s -%s", c.name, fl.Name)
			}
		})
	}
}

func TestDidYouMean(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"cal"}, `unknown command "cal"; did you mean 'snskit call'?`},
		{[]string{"lgoin"}, `did you mean 'snskit login'?`},
		{[]string{"vk"}, `to call vk, run 'snskit call vk METHOD'`},
		{[]string{"call", "-tokn", "x", "vk", "users.get"}, "did you mean -token?"},
		{[]string{"call", "-dryrun", "vk", "users.get"}, "did you mean -dry-run?"},
		{[]string{"login", "-app-secert", "x", "vk"}, "did you mean -app-secret?"},
		{[]string{"help", "exitcodes"}, `no help for "exitcodes"; did you mean 'snskit help exit-codes'?`},
		{[]string{"completion", "bsh"}, `did you mean bash`},
		{[]string{"call", "-token", "t", "vkk", "users.get"}, `unknown platform "vkk"`},
	}
	for _, tt := range tests {
		r := runCLI(t, nil, tt.args...)
		assert.Equal(t, exitUsage, r.code, "%v", tt.args)
		assert.Contains(t, r.stderr, tt.want, "%v", tt.args)
	}
	r := runCLI(t, nil, "xyzzy")
	assert.NotContains(t, r.stderr, "did you mean", "nothing close: no guess")
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		r := runCLI(t, nil, args...)
		assert.Equal(t, exitOK, r.code)
		assert.Regexp(t, `^snskit \d+\.\d+\.\d+ \(.*go1\.\d+.*\)\n$`, r.stdout)
	}
	assert.Equal(t, exitUsage, runCLI(t, nil, "version", "now").code)
}

func TestSuggest(t *testing.T) {
	words := []string{"users.get", "users.search", "friends.get", "wall.post"}
	assert.Equal(t, []string{"users.get"}, suggest("user.get", words))
	assert.Equal(t, []string{"users.get"}, suggest("USERS.GTE", words), "case and a transposition")
	assert.Nil(t, suggest("photos.upload", words))
	assert.Equal(t, 1, editDistance("ab", "ba"))
	assert.Equal(t, 3, editDistance("", "abc"))
}
