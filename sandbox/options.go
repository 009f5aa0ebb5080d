package sandbox

import (
	"fmt"
	"strings"
)

// tuning holds the limits and behaviours tests may change through Options,
// shared by config and env.
type tuning struct {
	vkExecLimit int             // bytes of an execute reply
	revoke      map[string]bool // platforms whose refresh revokes the old access token
	vkRateUser  int             // VK calls per second of a user or service token; 0: no limit
	vkRateComm  int             // VK calls per second of a community token; 0: no limit
}

func defaultTuning() tuning {
	return tuning{vkExecLimit: VKExecuteLimit, vkRateUser: vkRateUser, vkRateComm: vkRateComm}
}

// WithVKRateLimits sets VK's per-second limits: user for user and service
// tokens (VK's 3 by default), community for community tokens (20). A limit
// of 0 turns that limit off, for benchmarks that walk long lists at full
// speed; a negative one is an error. Over the limit a call is error 6 "Too
// many requests per second"; an execute counts once.
func WithVKRateLimits(user, community int) Option {
	return func(c *config) error {
		if user < 0 || community < 0 {
			return fmt.Errorf("sandbox: WithVKRateLimits(%d, %d): limits are calls per second, 0 or more", user, community)
		}
		c.vkRateUser, c.vkRateComm = user, community
		return nil
	}
}

// revokes reports whether a refresh on platform revokes the old access
// token.
func (t tuning) revokes(platform string) bool { return t.revoke[platform] }

// WithRevokeOnRefresh makes a refresh on the named platforms revoke the
// access token it replaces: calls still carrying the old token then get the
// platform's invalid-token error (Renren 2.0 401
// invalid_authorization.INVALID-TOKEN, Renren 1.0 error_code 102, QQ ret
// 100015, Kaixin 401 error_code 40102). Without it the old token keeps
// working until it expires, as nothing in those platforms' documentation
// says otherwise; a refresh token is good once either way. Renren, QQ and
// Kaixin are the platforms this applies to ("renren1" is Renren): WeChat
// documents its own rule (a refresh renews a live token and replaces an
// expired one, which then answers 40001) and classic VK has no refresh.
func WithRevokeOnRefresh(platforms ...string) Option {
	return func(c *config) error {
		if len(platforms) == 0 {
			return fmt.Errorf("sandbox: WithRevokeOnRefresh: name the platforms (%s, %s, %s)", Renren, QQ, Kaixin)
		}
		next := map[string]bool{}
		for k, v := range c.revoke {
			next[k] = v
		}
		for _, p := range platforms {
			switch name := strings.ToLower(p); name {
			case Renren, Renren1:
				next[Renren] = true
			case QQ, Kaixin:
				next[name] = true
			case Weixin, "wechat", VK:
				return fmt.Errorf("sandbox: WithRevokeOnRefresh(%q): that platform's refresh rule is fixed (see the option's doc); use %s, %s or %s", p, Renren, QQ, Kaixin)
			default:
				return fmt.Errorf("sandbox: WithRevokeOnRefresh(%q): unknown platform; use %s, %s or %s", p, Renren, QQ, Kaixin)
			}
		}
		c.revoke = next
		return nil
	}
}

// VKExecuteLimit is the default size limit, in bytes, of what one VK
// execute call may answer: VK's 5 MB. A reply over the limit is error 13
// "Runtime error occurred during code invocation: response size is too big".
const VKExecuteLimit = 5 << 20

// WithVKExecuteLimit sets the size limit of VK execute replies (the JSON of
// its response), so a test can reach error 13 with a small batch. n must be
// positive.
func WithVKExecuteLimit(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("sandbox: WithVKExecuteLimit(%d): the limit must be a positive number of bytes", n)
		}
		c.vkExecLimit = n
		return nil
	}
}
