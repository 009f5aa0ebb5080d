package sandbox

import (
	"fmt"
	"strconv"
	"strings"
)

// newsfeed.get (https://dev.vk.com/ru/method/newsfeed.get), a cursor list:
// count (default 50, clamped to 100), start_from = the next_from of the
// previous page. Every user's feed holds VKFeedSize posts, newest first,
// by their friends and communities 1 and 2; the last page has no next_from.
// A start_from the sandbox did not hand out is error 100.

// VKFeedSize is the number of items in every VK user's news feed.
const VKFeedSize = 230

const vkFeedTop = 1700100000 // the date of the newest feed item

// vkFeedSources are the authors of feed items, in turn.
func vkFeedSources() []int64 { return []int64{2, -1, 3, -2, 4} }

// vkFeedCursor is the next_from of the page starting at item n.
func vkFeedCursor(user string, n int) string {
	return strconv.Itoa(n) + "/" + vkMD5(user + "|" + strconv.Itoa(n))[:8]
}

// newsfeed.get: https://dev.vk.com/ru/method/newsfeed.get
func (p *vkPlatform) newsfeedGet(c *vkCall) (any, *vkError) {
	count, _, err := c.page(50, 100)
	if err != nil {
		return nil, err
	}
	start := 0
	if sf := c.params["start_from"]; sf != "" {
		n, _, _ := strings.Cut(sf, "/")
		v, perr := strconv.Atoi(n)
		if perr != nil || v < 0 || v > VKFeedSize || vkFeedCursor(c.grant.User, v) != sf {
			return nil, vkParamErr("start_from is invalid")
		}
		start = v
	}
	end := min(start+int(count), VKFeedSize)
	items := make([]any, 0, end-start)
	profiles, groups := []any{}, []any{}
	seen := map[int64]bool{}
	for i := start; i < end; i++ {
		src := vkFeedSources()[i%len(vkFeedSources())]
		items = append(items, map[string]any{
			"type": "post", "source_id": src, "post_id": 5000 + VKFeedSize - i, "date": vkFeedTop - i*300,
			"post_type": "post", "text": fmt.Sprintf("Feed item %d", i+1),
		})
		if seen[src] {
			continue
		}
		seen[src] = true
		if src > 0 {
			u, _ := vkUserByID(src)
			profiles = append(profiles, u.object([]string{"screen_name"}))
		} else if g, ok := vkGroupByID(-src); ok {
			groups = append(groups, map[string]any{"id": g.ID, "name": g.Name, "screen_name": g.Screen})
		}
	}
	out := map[string]any{"items": items, "profiles": profiles, "groups": groups}
	if end < VKFeedSize {
		out["next_from"] = vkFeedCursor(c.grant.User, end)
	}
	return out, nil
}
