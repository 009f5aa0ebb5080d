package auth

import (
	"fmt"
	"sort"
	"strings"
)

// PerParam is a set of OAuth 2.0 credentials of which each call uses the one
// named by one of its parameters: VK community tokens, where a call's
// group_id picks the token of that community. Build it with ByParam. It is
// immutable and safe for concurrent use; it masks its tokens when printed.
type PerParam struct {
	param  string
	tokens map[string]*OAuth2
	def    string
}

// ByParam returns a credential that gives each call the token of
// tokens[value of param in the call], or tokens[defaultKey] when the call
// does not set param. defaultKey may be empty: calls must then name their
// key. The map is copied; nil entries are dropped.
//
//	cred := auth.ByParam("group_id", map[string]*auth.OAuth2{
//		"1": auth.Token(tok1), "2": auth.Token(tok2)}, "1")
func ByParam(param string, tokens map[string]*OAuth2, defaultKey string) *PerParam {
	cp := make(map[string]*OAuth2, len(tokens))
	for k, c := range tokens {
		if c != nil {
			cp[k] = c
		}
	}
	return &PerParam{param: param, tokens: cp, def: defaultKey}
}

// Kind implements Credential.
func (p *PerParam) Kind() string { return "per-parameter tokens" }

// Param returns the name of the parameter that picks the token.
func (p *PerParam) Param() string { return p.param }

// Default returns the key used when a call does not set the parameter.
func (p *PerParam) Default() string { return p.def }

// Keys returns the keys that have a token, sorted.
func (p *PerParam) Keys() []string {
	keys := make([]string, 0, len(p.tokens))
	for k := range p.tokens {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Pick returns the credential for a call whose parameter is value (empty
// when the call does not set it) and the key it was found under. Its error
// says which keys have a token.
func (p *PerParam) Pick(value string) (*OAuth2, string, error) {
	key := value
	if key == "" {
		key = p.def
		if key == "" {
			return nil, "", fmt.Errorf("auth: the call sets no %s and there is no default; set %s to one of %s",
				p.param, p.param, p.keyList())
		}
	}
	c, ok := p.tokens[key]
	if !ok {
		if value == "" {
			return nil, "", fmt.Errorf("auth: the default %s %q has no token; tokens are held for %s %s",
				p.param, key, p.param, p.keyList())
		}
		return nil, "", fmt.Errorf("auth: no token for %s %q; tokens are held for %s %s",
			p.param, key, p.param, p.keyList())
	}
	return c, key, nil
}

func (p *PerParam) keyList() string {
	keys := p.Keys()
	if len(keys) == 0 {
		return "(none)"
	}
	return strings.Join(keys, ", ")
}

// String names the keys and masks the tokens.
func (p *PerParam) String() string {
	if p == nil {
		return "auth.PerParam(nil)"
	}
	var b strings.Builder
	b.WriteString("auth.PerParam{" + p.param + ": ")
	for i, k := range p.Keys() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + ": " + p.tokens[k].String())
	}
	if p.def != "" {
		b.WriteString("; default " + p.def)
	}
	b.WriteByte('}')
	return b.String()
}

// GoString is String.
func (p *PerParam) GoString() string { return p.String() }
