package platforms

import (
	"strings"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
)

// VK's request budgets (PLATFORMS-MORE.md §7; old vk.com/dev/api_requests):
// a user token may send 3 requests a second, a community token 20, and a
// service token a number set by the application's audience. An execute is
// one request.
//
// VK counts the requests that reach it in any second, and a request reaches
// it a little after its slot (scheduling, the network): each budget spaces
// its requests by vkSpacing of the period over the rate, so that jitter of
// up to a tenth of a second never puts one more request in VK's second.
const (
	vkUserRate      = 3
	vkCommunityRate = 20
	vkSpacing       = 1100 * time.Millisecond // the period of each budget: a second and a 10% margin
)

// vkServiceRate returns the service-token limit of an application's
// audience tier: up to 10 000 users, 100 000, 500 000, a million, more; 0
// for a tier out of range. (unverified: one secondary copy of VK's old
// table, PLATFORMS-MORE.md §7.)
func vkServiceRate(tier int) int {
	switch tier {
	case 1:
		return 5
	case 2:
		return 20
	case 3:
		return 40
	case 4:
		return 50
	case 5:
		return 60
	}
	return 0
}

// The kinds of token a VK client holds, for its budget.
const (
	vkUserToken = iota
	vkCommunityToken
	vkServiceToken
)

// VKOption tells VK what kind of token the client holds, for its budget.
type VKOption func(*vk)

// VKCommunityTokens says the client's tokens are community tokens (20
// requests a second each) although passed as auth.Token or
// auth.TokenSource. Credentials made by VKCommunity or CommunityAuth are
// known to hold community tokens without it.
func VKCommunityTokens() VKOption { return func(v *vk) { v.kind = vkCommunityToken } }

// VKServiceTier says the client's token is a service token (VKServiceToken)
// of an application in audience tier tier: 1 (up to 10 000 users, 5
// requests a second), 2 (up to 100 000, 20), 3 (up to 500 000, 40), 4 (up to
// a million, 50) or 5 (more, 60). These figures are unverified; pick tier 1,
// the lowest, when unsure. Calls fail before sending when tier is out of
// range.
func VKServiceTier(tier int) VKOption {
	return func(v *vk) { v.kind, v.tier = vkServiceToken, tier }
}

// Budget implements driver.Budgeter: each token has its own budget, keyed by
// a hash of it; its limit follows the kind of token (see VKCommunityTokens
// and VKServiceTier; user tokens by default). A call's own access_token
// parameter counts as a token of the client's kind.
func (v vk) Budget(d *driver.Draft) (string, driver.Limit, bool) {
	tok := d.Values.Get("access_token")
	if tok == "" {
		return "", driver.Limit{}, false
	}
	rate := vkUserRate
	switch _, perParam := d.Auth.(*auth.PerParam); {
	case v.kind == vkCommunityToken || perParam:
		rate = vkCommunityRate
	case v.kind == vkServiceToken:
		rate = max(vkServiceRate(v.tier), 1) // a bad tier fails in Prepare
	}
	return d.BudgetKey("vk", tok), driver.Limit{Rate: rate, Period: vkSpacing, Burst: 1}, true
}

// checkTier returns an error for a VKServiceTier out of range.
func (v vk) checkTier(d *driver.Draft) error {
	if v.kind == vkServiceToken && vkServiceRate(v.tier) == 0 {
		return d.Err("platforms.VKServiceTier(%d): want a tier from 1 (up to 10 000 users) to 5 (over a million)", v.tier)
	}
	return nil
}

// Transient implements driver.Retrier. Error 6 (too many requests a second)
// means VK did nothing, so any call is resent after a pause; 1 and 10
// (unknown and internal errors) are resent only when the call is
// idempotent. Error 9 (flood control) and 29 (the method's quota) are not
// transient.
func (v vk) Transient(d *driver.Draft, e *driver.Error) bool {
	switch e.Code {
	case "6":
		return true
	case "1", "10":
		return v.Idempotent(d)
	}
	return false
}

// Idempotent implements driver.Retrier: VK calls that only read are, and so
// are writes that carry VK's deduplication key: messages.send and
// notifications.sendMessage with a random_id other than 0 (VK keeps one
// message per id), wall.post, wall.postAdsStealth and *.createComment with a
// guid. execute is not: its code may write.
func (vk) Idempotent(d *driver.Draft) bool {
	if len(d.Segments) != 2 {
		return false
	}
	ns, m := d.Segments[0], d.Segments[1]
	// The names of the methods that only read, in VK's API schema: get*,
	// search*, is*, are*, check*, resolve*, list, filter*, parse*, and
	// video.liveGetCategories.
	for _, p := range [...]string{"get", "search", "is", "are", "check", "resolve", "list", "filter", "parse", "liveGet"} {
		if strings.HasPrefix(m, p) && (len(m) == len(p) || m[len(p)] >= 'A' && m[len(p)] <= 'Z') {
			return true
		}
	}
	switch {
	case ns == "messages" && m == "send", ns == "notifications" && m == "sendMessage":
		id := d.Values.Get("random_id")
		return id != "" && id != "0"
	case ns == "wall" && (m == "post" || m == "postAdsStealth"), m == "createComment":
		return d.Values.Get("guid") != ""
	}
	return false
}
