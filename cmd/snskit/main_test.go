package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"call", "-h"}, {"sandbox", "-h"}, {"login", "-h"}, {"logout", "-h"}, {"token", "-h"}} {
		r := runCLI(t, nil, args...)
		assert.Equal(t, exitOK, r.code, "%v", args)
		assert.Empty(t, r.stderr, "%v", args)
		for _, want := range []string{
			"snskit call [flags] PLATFORM METHOD [name=value ...]",
			"snskit sandbox",
			"name=@path", "name=@@text",
			"-token-secret", "[SNSKIT_TOKEN_SECRET]", "[SNSKIT_APP_SECRET]", "[SNSKIT_DRY_RUN]", "[SNSKIT_X]", "[SNSKIT_ADDR]",
			"(default 30s)",
			"renren1", "wechat", "user.get_user_info", "friends.me",
			"Exit codes:", "3  no usable reply",
			"snskit login [flags] PLATFORM", "snskit logout [flags] PLATFORM | KEY | -all", "snskit token [flags] [PLATFORM]",
			"-redirect-uri URL", "(default 5m0s)", "[SNSKIT_TOKEN_FILE]", "[SNSKIT_PASSWORD]", "PLATFORM@sandbox",
			"vk -username U", "kaixin -oauth1", "never the app secret or a password",
			"delete every stored token (command line only)\n",
		} {
			assert.Contains(t, r.stdout, want, "%v", args)
		}
		assert.NotContains(t, r.stdout, "SNSKIT_ALL", "-all is never read from the environment")
	}
}

func TestUsageErrorsOfTheCommand(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "usage: snskit call"},
		{"unknown command", []string{"cal"}, `unknown command "cal"`},
		{"call without platform", []string{"call"}, "call needs a PLATFORM and a METHOD"},
		{"call without method", []string{"call", "vk"}, "call needs a PLATFORM and a METHOD"},
		{"unknown platform", []string{"call", "-token", "t", "facebook", "me"}, `unknown platform "facebook"; want one of vk, renren, renren1, weixin (or wechat), qq, kaixin`},
		{"unknown flag", []string{"call", "-tokne", "t", "vk", "users.get"}, "flag provided but not defined: -tokne"},
		{"bad timeout", []string{"call", "-timeout", "soon", "vk", "users.get"}, `invalid value "soon" for flag -timeout`},
		{"negative timeout", []string{"call", "-timeout", "-1s", "vk", "users.get"}, "-timeout -1s: want a positive duration"},
		{"q with raw", []string{"call", "-q", "0", "-raw", "vk", "users.get"}, "-q and -raw cannot be combined"},
		{"sandbox argument", []string{"sandbox", "now"}, `unexpected argument "now"`},
		{"sandbox flag", []string{"sandbox", "-port", "1"}, "flag provided but not defined: -port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
			if len(tt.args) > 0 {
				assert.Contains(t, r.stderr, "snskit: ")
				assert.Contains(t, r.stderr, "snskit help", "a usage hint")
			}
		})
	}
}
