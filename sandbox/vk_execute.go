package sandbox

import (
	"encoding/json"
	"strings"
)

// execute (https://dev.vk.com/ru/method/execute) runs VKScript. The sandbox
// understands a narrow subset, enough for batching:
//
//	return API.users.get({"user_ids": "1,2"});
//	return [API.users.get({"user_ids":"1"}),API.wall.get({"count":"2"})];
//
// The second form, with every key and value a JSON string, is what a
// batching client sends. Arguments are object literals with quoted or bare
// keys and string, number, boolean, null, array or object values; strings
// take every JSON escape (\" \\ \/ \b \f \n \r \t \uXXXX, surrogate pairs
// included) and are literals, never code. Anything else is error 12
// "Unable to compile code"; more than VKExecMaxCalls calls error 13.
//
// One execute is one request against the token's per-second limit,
// whatever it calls. A call that fails yields false in its slot and an
// entry {"method","error_code","error_msg"} in execute_errors, in call
// order; a captcha (error 14) raised inside also carries its captcha_sid,
// captcha_img (or the not-robot fields), and is answered by re-sending the
// execute with captcha_sid and captcha_key (or success_token and
// remixstlid) among that call's own parameters or among the execute's. A reply whose JSON would exceed the execute limit
// (VKExecuteLimit, or WithVKExecuteLimit) is error 13 "Runtime error
// occurred during code invocation: response size is too big".

// VKExecMaxCalls is VK's limit of API calls in one execute.
const VKExecMaxCalls = 25

const vkExecMaxDepth = 16

type vkScriptCall struct {
	method string
	params map[string]string
}

// vkExecError is one entry of execute_errors.
type vkExecError struct {
	Method     string `json:"method"`
	ErrorCode  int    `json:"error_code"`
	ErrorMsg   string `json:"error_msg"`
	CaptchaSID string `json:"captcha_sid,omitempty"`
	CaptchaImg string `json:"captcha_img,omitempty"`
	*vkChallenge
}

func (p *vkPlatform) execute(c *vkCall) (any, *vkError) {
	src, ok := c.params["code"]
	if !ok || strings.TrimSpace(src) == "" {
		return nil, vkParamErr("code is undefined")
	}
	calls, list, err := vkParseScript(src)
	if err != nil {
		return nil, vkErr(12, "Unable to compile code")
	}
	if len(calls) > VKExecMaxCalls {
		return nil, vkErr(13, "Runtime error occurred during code invocation: Too many API calls")
	}
	res := vkExecResult{}
	out := make([]any, 0, len(calls))
	for _, sc := range calls {
		r, verr := p.executeOne(c, sc)
		if verr != nil {
			res.Errors = append(res.Errors, vkExecError{Method: sc.method, ErrorCode: verr.Code, ErrorMsg: verr.Msg,
				CaptchaSID: verr.CaptchaSID, CaptchaImg: verr.CaptchaImg, vkChallenge: verr.Challenge})
			r = false
		}
		out = append(out, r)
	}
	if list {
		res.Response = out
	} else if len(out) > 0 {
		res.Response = out[0]
	}
	if b, err := json.Marshal(res.Response); err != nil || len(b) > p.env.vkExecLimit {
		return nil, vkErr(13, "Runtime error occurred during code invocation: response size is too big")
	}
	return res, nil
}

// executeOne runs one call of an execute with the execute's token and v.
func (p *vkPlatform) executeOne(c *vkCall, sc vkScriptCall) (any, *vkError) {
	sub := &vkCall{method: sc.method, params: sc.params, grant: c.grant, base: c.base, remixstlid: c.remixstlid}
	if _, ok := sub.params["v"]; !ok {
		sub.params["v"] = c.params["v"]
	}
	m, ok := vkLookup(sc.method)
	if !ok || strings.EqualFold(sc.method, "execute") {
		return nil, vkErr(3, "Unknown method passed")
	}
	if verr := p.innerChallenge(sub, c); verr != nil {
		return nil, verr
	}
	return p.invoke(m, sub)
}
