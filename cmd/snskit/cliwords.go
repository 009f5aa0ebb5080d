package main

import (
	"regexp"
	"strings"
)

// The library's errors give their advice in Go ("pass it with
// snskit.WithApp(appID, appKey)"); on the command line the same advice
// names flags and commands. cliWords rewrites the one into the other for
// everything snskit prints on stderr.

// goAdvice pairs a pattern of the library's Go advice with the words of the
// command line.
type goAdvice struct {
	re   *regexp.Regexp
	repl string
}

// goAdvices returns the rewrites, most specific first. Errors are rare, so
// they are compiled when needed rather than kept in a package variable.
func goAdvices() []goAdvice {
	rules := []struct{ pattern, repl string }{
		{`(pass (it|them) with |with |use )?snskit\.WithApp(\([^)]*\))?`, "pass -app-id and -app-secret (or SNSKIT_APP_ID and SNSKIT_APP_SECRET)"},
		{`(pass one with |with |use )?snskit\.WithAuth(\((auth\.\w+\([^)]*\)|[^)]*)\))?`, "pass -token (or SNSKIT_TOKEN), or log in once with 'snskit login PLATFORM'"},
		{`snskit\.Upload\([^)]*\)`, "name=@path"},
		{`snskit\.Upload`, "name=@path"},
		{`(raise it with |with )?snskit\.WithMaxBodySize(\([^)]*\))?`, "raise it with -max-body"},
		{`snskit\.WithBaseURL(\([^)]*\))?`, "-base-url"},
		{`snskit\.WithAPIVersion(\([^)]*\))?`, "-api-version"},
		{`snskit\.WithHTTPClient(\([^)]*\))?`, "-timeout"},
		{`snskit\.WithRetry(\([^)]*\))?`, "a later retry"},
		{`snskit\.WithPKCE(\([^)]*\))?`, "PKCE (snskit login adds it)"},
		{`snskit\.AuthParam(\([^)]*\))?`, "a login flag"},
		{`snskit\.Params`, "name=value parameters"},
		{`snskit\.New(\([^)]*\))?`, "snskit call"},
		{`auth\.Token or auth\.TokenSource`, "-token"},
		{`auth\.OAuth1Token\b(\([^)]*\))?`, "-token with -token-secret"},
		{`auth\.Session(Key)?\b(\([^)]*\))?`, "-session-key"},
		{`auth\.(TokenSource|Token|Live|OAuth2)\b(\([^)]*\))?`, "-token"},
		{`auth\.PerParam|auth\.ByParam(\([^)]*\))?`, "-token"},
		{`auth\.NewState(\(\))?|auth\.CheckState`, "snskit login's state check"},
		{`platforms\.VK\(\)`, "vk"},
		{`platforms\.Renren1\(\)`, "renren1"},
		{`platforms\.Renren\(\)`, "renren"},
		{`platforms\.(Weixin|WeChat)\w*\(\)`, "weixin"},
		{`platforms\.QQ\(\)`, "qq"},
		{`platforms\.Kaixin\(\)`, "kaixin"},
		{`platforms\.QQOpenID`, "-openid"},
		{`platforms\.VKDirectAuth(Config)?`, "snskit login -username"},
	}
	out := make([]goAdvice, len(rules))
	for i, r := range rules {
		out[i] = goAdvice{regexp.MustCompile(r.pattern), r.repl}
	}
	return out
}

// goIdentifier matches what is left of Go in a message after the rewrites.
const goIdentifier = `\b(snskit|platforms|auth|driver)\.[A-Z]\w*`

// cliWords rewrites the Go advice in s into the command line's words.
func cliWords(s string) string {
	if !strings.Contains(s, "snskit.") && !strings.Contains(s, "auth.") && !strings.Contains(s, "platforms.") {
		return s
	}
	for _, a := range goAdvices() {
		s = a.re.ReplaceAllString(s, a.repl)
	}
	return s
}
