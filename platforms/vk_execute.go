package platforms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// VK's execute (https://dev.vk.com/ru/method/execute) as snskit's Merger:
// up to 25 calls of one token become one request,
//
//	return [API.users.get({"user_ids":"1,2"}),API.wall.get({"count":"2"})];
//
// whose params are JSON strings holding exactly what a direct call sends,
// so that no value can change the script. A failed call yields false in
// its slot and an entry in execute_errors, in call order; a trailing entry
// of method "execute" is about the script as a whole.

// VKExecuteLimit is the most API calls one execute may make.
const VKExecuteLimit = 25

// vkUnmergeable reports whether method (lower-cased) is never sent inside
// execute: the upload-save methods (PLATFORMS-MORE.md §4.3, the list of
// vk-io's apiExecuteUnsupportedMethods).
func vkUnmergeable(method string) bool {
	switch method {
	case "photos.save", "photos.savewallphoto", "photos.saveownerphoto", "photos.savemessagesphoto",
		"messages.setchatphoto", "photos.savemarketphoto", "photos.savemarketalbumphoto", "audio.save",
		"docs.save", "photos.saveownercoverphoto", "stories.save", "polls.savephoto":
		return true
	}
	return false
}

func (vk) MergeLimit() int { return VKExecuteLimit }

func (vk) Mergeable(c driver.MergedCall) error {
	ns, m, ok := strings.Cut(c.Method, ".")
	if !ok || !vkIdent(ns) || !vkIdent(m) {
		return fmt.Errorf("%q is not a method execute can call (want namespace.method of letters, digits and '_')", c.Method)
	}
	lower := strings.ToLower(c.Method)
	if strings.HasPrefix(lower, "execute") {
		return fmt.Errorf("%s cannot run inside execute", c.Method)
	}
	if vkUnmergeable(lower) {
		return fmt.Errorf("%s saves an upload and is always sent alone", c.Method)
	}
	// Its own token, or the answer to a captcha asked of one call.
	for _, p := range [...]string{"access_token", "captcha_sid", "captcha_key", "success_token"} {
		if c.Values.Has(p) {
			return fmt.Errorf("a call with its own %s is always sent alone", p)
		}
	}
	for k, vs := range c.Values {
		if len(vs) != 1 {
			return fmt.Errorf("parameter %q has %d values; execute takes one", k, len(vs))
		}
	}
	return nil
}

// vkIdent reports whether s is a VKScript identifier.
func vkIdent(s string) bool {
	if s == "" || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func (v vk) Merge(calls []driver.MergedCall) (string, url.Values, error) {
	code, err := VKExecuteScript(calls)
	if err != nil {
		return "", nil, err
	}
	return "execute", url.Values{"code": {code}}, nil
}

// VKExecuteScript returns the VKScript of one execute making calls in
// order: return [API.ns.method({"param":"value",...}),...]; with keys in
// sorted order and every value a JSON string.
func VKExecuteScript(calls []driver.MergedCall) (string, error) {
	if len(calls) == 0 || len(calls) > VKExecuteLimit {
		return "", fmt.Errorf("execute takes 1 to %d calls, not %d", VKExecuteLimit, len(calls))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	str := func(s string) {
		_ = enc.Encode(s)       // a string always encodes
		b.Truncate(b.Len() - 1) // Encode ends with a newline
	}
	b.WriteString("return [")
	for i, c := range calls {
		if err := (vk{}).Mergeable(c); err != nil {
			return "", err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("API.")
		b.WriteString(c.Method)
		b.WriteString("({")
		keys := make([]string, 0, len(c.Values))
		for k := range c.Values {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for j, k := range keys {
			if j > 0 {
				b.WriteByte(',')
			}
			str(k)
			b.WriteByte(':')
			str(c.Values[k][0])
		}
		b.WriteString("})")
	}
	b.WriteString("];")
	return b.String(), nil
}

func (vk) Split(calls []driver.MergedCall, r *snskit.Response) ([]string, error) {
	var env [3]gjson.Result
	if _, err := driver.ParseJSONFields(r, []string{"response", "error", "execute_errors"}, env[:]); err != nil {
		return nil, err
	}
	if e := env[1]; e.Exists() {
		if !e.IsObject() {
			return nil, r.BadReply("VK error that is not an object")
		}
		if vkTooBig(e) {
			return nil, driver.ErrMergeTooBig
		}
		// The whole execute failed (a bad token, a rate limit): every call
		// gets the error, without execute's request_params, which hold the
		// other calls' parameters.
		body := `{"error":` + vkDropKey(e, "request_params") + `}`
		out := make([]string, len(calls))
		for i := range out {
			out[i] = body
		}
		return out, nil
	}
	res := env[0]
	if !res.Exists() {
		return nil, r.BadReply(`VK reply has neither "response" nor "error"`)
	}
	var errs []gjson.Result
	for _, x := range env[2].Array() {
		if strings.EqualFold(x.Get("method").String(), "execute") {
			if vkTooBig(x) {
				return nil, driver.ErrMergeTooBig
			}
			continue
		}
		errs = append(errs, x)
	}
	slots := res.Array()
	if !res.IsArray() || len(slots) != len(calls) {
		return nil, r.BadReply(fmt.Sprintf("execute answered %s where the results of %d calls were expected", vkShape(res), len(calls)))
	}
	out := make([]string, len(calls))
	for i, s := range slots {
		if s.Type == gjson.False && len(errs) > 0 && strings.EqualFold(errs[0].Get("method").String(), calls[i].Method) {
			out[i] = `{"error":` + errs[0].Raw + `}`
			errs = errs[1:]
			continue
		}
		out[i] = `{"response":` + s.Raw + `}`
	}
	return out, nil
}

// vkTooBig reports whether e is execute's error 13 about a reply over VK's
// size limit ("response size is too big").
func vkTooBig(e gjson.Result) bool {
	return e.Get("error_code").Int() == 13 && strings.Contains(strings.ToLower(e.Get("error_msg").String()), "too big")
}

// vkDropKey returns the JSON text of object o without key.
func vkDropKey(o gjson.Result, key string) string {
	var b strings.Builder
	b.WriteByte('{')
	o.ForEach(func(k, v gjson.Result) bool {
		if k.String() == key {
			return true
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(k.Raw)
		b.WriteByte(':')
		b.WriteString(v.Raw)
		return true
	})
	b.WriteByte('}')
	return b.String()
}

// vkShape names what a reply holds, for an error message.
func vkShape(r gjson.Result) string {
	switch {
	case r.IsArray():
		return strconv.Itoa(len(r.Array())) + " results"
	case r.IsObject():
		return "an object"
	}
	return "a single " + strings.ToLower(r.Type.String())
}
