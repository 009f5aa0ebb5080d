package driver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/internal/jsonscan"
)

// IsSecretParam reports whether a parameter name carries a secret whatever
// its platform: tokens, secrets, keys, signatures, passwords, codes.
func IsSecretParam(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "access_token", "refresh_token", "client_secret", "secret", "appsecret", "app_secret",
		"session_key", "oauth_token", "oauth_token_secret", "oauth_signature", "oauth_verifier",
		"sig", "password", "code", "captcha_key", "token", "success_token", "id_token":
		return true
	}
	return strings.HasPrefix(n, "access_token_") // VK community tokens
}

// RedactURL returns u as a string with the values of secret parameters
// masked, and any of secrets found elsewhere masked too. It is what snskit
// logs and puts in errors.
func RedactURL(u *url.URL, secrets []string) string {
	if u == nil {
		return ""
	}
	cp := *u
	cp.User = nil
	if cp.RawQuery != "" {
		cp.RawQuery = RedactQuery(cp.RawQuery)
	}
	if cp.Fragment != "" {
		cp.Fragment = RedactQuery(cp.Fragment)
		cp.RawFragment = ""
	}
	return Redact(cp.String(), secrets)
}

// RedactQuery masks the values of secret parameters in a urlencoded string,
// keeping the rest as it is.
func RedactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if IsSecretParam(name) {
			val, err := url.QueryUnescape(v)
			if err != nil {
				val = v
			}
			parts[i] = k + "=" + auth.Mask(val) // '*' needs no escaping in a query
		}
	}
	return strings.Join(parts, "&")
}

// RedactHeader returns a header value fit to show: the credential of
// Authorization-like headers and cookies masked (an OAuth 1.0a header keeps
// its parameter names and the values that are not secret), and any of
// secrets masked elsewhere.
func RedactHeader(name, value string, secrets []string) string {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization":
		scheme, cred, ok := strings.Cut(value, " ")
		if !ok {
			return auth.Mask(value)
		}
		if strings.EqualFold(scheme, "OAuth") {
			return scheme + " " + redactOAuthParams(cred, secrets)
		}
		return scheme + " " + auth.Mask(strings.TrimSpace(cred))
	case "Cookie", "Set-Cookie":
		return auth.Mask(value)
	}
	if secretHeaderName(name) {
		return auth.Mask(value)
	}
	return Redact(value, secrets)
}

// secretHeaderName reports a header whose name says it carries a secret:
// a token, a secret, a signature, a challenge's solution (VK's
// X-Challenge-Solution), an API key.
func secretHeaderName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range [...]string{"token", "secret", "signature", "solution", "api-key", "apikey", "password"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// redactOAuthParams masks the secret values of an OAuth 1.0a header's
// parameter list: k1="v1", k2="v2".
func redactOAuthParams(list string, secrets []string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			parts[i] = auth.Mask(p)
			continue
		}
		if IsSecretParam(k) {
			v = `"` + auth.Mask(strings.Trim(v, `"`)) + `"`
		}
		parts[i] = k + "=" + v
	}
	return Redact(strings.Join(parts, ", "), secrets)
}

// Redact masks every occurrence of secrets (of 4 bytes or more) in s, in
// each form a secret travels in: raw, query-escaped, path-escaped and
// JSON-escaped.
func Redact(s string, secrets []string) string {
	return newMasker(secrets).mask(s)
}

// RedactJSON returns the JSON document raw with the values of secret fields
// masked: object members whose name IsSecretParam, and {"key": name,
// "value": v} pairs (VK's request_params) whose name is. Other values, and
// raw itself when it holds no secret field or is not JSON (or nests deeper
// than MaxJSONDepth), are returned as they are.
func RedactJSON(raw string) string { return masker{}.json(raw) }

// json is RedactJSON that also masks m's secrets inside every string value
// (an error message that repeats the token, a request URL echoed back).
// Decoding first lets the raw, query- and path-escaped forms find a secret
// however the JSON escaped it; keys are left alone.
func (m masker) json(raw string) string {
	if raw == "" || jsonscan.Valid(raw) != nil {
		return raw
	}
	var doc any
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber() // keep numbers exactly as sent
	if err := dec.Decode(&doc); err != nil {
		return raw
	}
	doc, masked := m.value(doc)
	if !masked {
		return raw
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return raw
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// value masks secret fields and secrets in a decoded JSON value, in place
// where it can, and reports whether it masked any.
func (m masker) value(v any) (any, bool) {
	masked := false
	switch x := v.(type) {
	case string:
		if s := m.mask(x); s != x {
			return s, true
		}
	case map[string]any:
		if k, ok := x["key"].(string); ok && IsSecretParam(k) {
			if s, ok := x["value"].(string); ok {
				x["value"] = auth.Mask(s)
				masked = true
			}
		}
		for k, val := range x {
			if s, ok := val.(string); ok && IsSecretParam(k) {
				x[k] = auth.Mask(s)
				masked = true
				continue
			}
			nv, ok := m.value(val)
			if ok {
				x[k], masked = nv, true
			}
		}
	case []any:
		for i, val := range x {
			if nv, ok := m.value(val); ok {
				x[i], masked = nv, true
			}
		}
	}
	return v, masked
}
