package sandbox

import (
	"strconv"
)

// User Long Poll (https://dev.vk.com/ru/api/user-long-poll/getting-started,
// PLATFORMS-MORE.md §3.2):
//
//	messages.getLongPollServer(need_pts, lp_version) -> {"key","server","ts":<n>[,"pts":<n>]}
//	GET {server}?act=a_check&key=K&ts=N&wait=W&mode=M&version=V
//	  -> {"ts":<n>,"updates":[[...],...][,"pts":<n>]}
//	  or {"failed":1,"ts":<n>} | {"failed":2} | {"failed":3}
//	  or {"failed":4,"min_version":0,"max_version":21}
//
// server is the full URL BASE/longpoll/user, scheme included (the sandbox
// speaks plain http). Waiting, history, keys and the failures are as for
// the Bots Long Poll (vk_longpoll.go, vk_events.go); the stream of user U
// is owner U. The sandbox produces one kind of update, a new message:
//
//	version 0-9:   [4, message_id, flags, peer_id, timestamp, text, {"title":""}, {}] + [random_id] with mode&128
//	version 10-21: [10004, conversation_message_id, flags, 0, peer_id, timestamp, text, {}, {}, random_id, message_id, 0]
//
// flags: 1 unread, plus 2 (outbox) on the sender's copy. The switch to the
// 10004 form at version 10 is unverified (one third-party description of
// version 21).
//
// A community has a User Long Poll of its messages too (VK's schema takes
// community tokens, and group_id "for group messages with user access
// token"): its token, or an admin's user token with group_id, gets a key of
// the community's stream, whose updates show the community's side
// (flags 3 on its own messages, the user as peer_id). That stream is apart
// from the community's Bots Long Poll; its owner, for VKExpireLongPollKeys
// and the like, is VKCommunityUserLongPoll(group_id).

const (
	vkUserLPMaxVersion  = 21
	vkUserLPCmidVersion = 10
)

// vkLPVersion reads a_check's version: absent is 0.
func vkLPVersion(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n <= vkUserLPMaxVersion
}

// messages.getLongPollServer: https://dev.vk.com/ru/method/messages.getLongPollServer
func (p *vkPlatform) messagesGetLongPollServer(c *vkCall) (any, *vkError) {
	owner := c.userID()
	if c.grant.GroupID != 0 || c.params["group_id"] != "" {
		if c.params["group_id"] == "" {
			c.params["group_id"] = strconv.FormatInt(c.grant.GroupID, 10)
		}
		gid, err := c.manageGroup()
		if err != nil {
			return nil, err
		}
		owner = VKCommunityUserLongPoll(gid)
	}
	if v := c.params["lp_version"]; v != "" {
		if _, ok := vkLPVersion(v); !ok {
			return nil, vkParamErr("lp_version is invalid")
		}
	}
	e := p.events
	e.mu.Lock()
	defer e.mu.Unlock()
	key, ts := e.newKey(owner)
	out := map[string]any{"key": key, "server": c.base + "/longpoll/user", "ts": ts}
	if c.params["need_pts"] == "1" {
		out["pts"] = ts
	}
	return out, nil
}

// VKCommunityUserLongPoll is the owner of community groupID's User Long
// Poll stream, for VKExpireLongPollKeys, VKLoseLongPollInfo and
// VKDropLongPollHistory (a user's stream is the user's id; a community's
// Bots Long Poll, -groupID).
func VKCommunityUserLongPoll(groupID int64) int64 { return vkCommunityLPBase + groupID }

// vkCommunityLPBase keeps communities' User Long Poll streams apart from
// users' (positive, as User Long Poll owners are).
const vkCommunityLPBase = 1 << 40

// emitUser adds a new-message update of m to the User Long Poll stream of
// peer: a user (its id), or a community (its negative id).
func (e *vkEvents) emitUser(peer int64, m vkMessage) {
	owner := peer
	if peer < 0 {
		owner = VKCommunityUserLongPoll(-peer)
	}
	flags, other := 1, m.from
	if m.from == peer {
		flags, other = 3, m.to
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.append(owner, vkEvent{typ: "message_new", render: func(version string, mode int) any {
		v, _ := strconv.Atoi(version)
		if v >= vkUserLPCmidVersion {
			return []any{10004, m.cmid, flags, 0, other, m.date, m.text, map[string]any{}, map[string]any{}, m.random, m.id, 0}
		}
		up := []any{4, m.id, flags, other, m.date, m.text, map[string]any{"title": ""}, map[string]any{}}
		if mode&128 != 0 {
			up = append(up, m.random)
		}
		return up
	}})
}
