package sandbox

import "strings"

// execute (https://dev.vk.com/ru/method/execute) runs VKScript. The sandbox
// understands a narrow subset, enough for batching:
//
//	return API.users.get({"user_ids": "1,2"});
//	return [API.users.get({user_ids: 1}), API.wall.get({"count": 2})];
//
// Arguments are object literals with quoted or bare keys and string, number,
// boolean, null, array or object values. Anything else is error 12. A call
// that fails yields false in its place and an entry in execute_errors.

const (
	vkExecMaxCalls = 25 // VK's limit of API calls per execute
	vkExecMaxDepth = 16
)

type vkScriptCall struct {
	method string
	params map[string]string
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
	if len(calls) > vkExecMaxCalls {
		return nil, vkErr(13, "Runtime error occurred during code invocation: Too many API calls")
	}
	res := vkExecResult{}
	out := make([]any, 0, len(calls))
	for _, sc := range calls {
		sub := &vkCall{method: sc.method, params: sc.params, grant: c.grant, base: c.base}
		if _, ok := sub.params["v"]; !ok {
			sub.params["v"] = c.params["v"]
		}
		m, ok := vkLookup(sc.method)
		var r any
		var verr *vkError
		if !ok || strings.EqualFold(sc.method, "execute") {
			verr = vkErr(3, "Unknown method passed")
		} else {
			r, verr = p.invoke(m, sub)
		}
		if verr != nil {
			res.Errors = append(res.Errors, vkExecError{Method: sc.method, ErrorCode: verr.Code, ErrorMsg: verr.Msg})
			r = false
		}
		out = append(out, r)
	}
	if list {
		res.Response = out
	} else {
		res.Response = out[0]
	}
	return res, nil
}
