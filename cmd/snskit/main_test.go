package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUsageErrorsOfTheCommand(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage:\n  snskit COMMAND"},
		{"unknown command", []string{"cal"}, `unknown command "cal"; did you mean 'snskit call'?`},
		{"call without platform", []string{"call"}, "call needs a PLATFORM and a METHOD"},
		{"call without method", []string{"call", "vk"}, "call needs a PLATFORM and a METHOD"},
		{"unknown platform", []string{"call", "-token", "t", "facebook", "me"}, `unknown platform "facebook"; want one of vk, renren, renren1, weixin (or wechat), qq, kaixin`},
		{"unknown flag", []string{"call", "-tokne", "t", "vk", "users.get"}, "flag provided but not defined: -tokne; did you mean -token?\nrun 'snskit call -h' for its flags"},
		{"bad timeout", []string{"call", "-timeout", "soon", "vk", "users.get"}, `invalid value "soon" for flag -timeout`},
		{"negative timeout", []string{"call", "-timeout", "-1s", "vk", "users.get"}, "-timeout -1s: want a positive duration"},
		{"q with raw", []string{"call", "-q", "0", "-raw", "vk", "users.get"}, "-q and -raw cannot be combined"},
		{"sandbox argument", []string{"sandbox", "now"}, `unexpected argument "now"`},
		{"sandbox flag", []string{"sandbox", "-port", "1"}, "flag provided but not defined: -port\nrun 'snskit sandbox -h' for its flags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
			if len(tt.args) > 0 {
				assert.Contains(t, r.stderr, "snskit: ")
				assert.Regexp(t, `run 'snskit (help|\w+ -h)'`, r.stderr, "a usage hint")
			}
		})
	}
}
