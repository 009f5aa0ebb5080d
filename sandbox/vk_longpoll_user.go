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
// version 21). Only user tokens have a User Long Poll in the sandbox: a
// community token gets error 27.

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
	if c.grant.GroupID != 0 {
		return nil, vkErr(27, "Group authorization failed: method is unavailable with group auth.")
	}
	if v := c.params["lp_version"]; v != "" {
		if _, ok := vkLPVersion(v); !ok {
			return nil, vkParamErr("lp_version is invalid")
		}
	}
	e := p.events
	e.mu.Lock()
	defer e.mu.Unlock()
	key, ts := e.newKey(c.userID())
	out := map[string]any{"key": key, "server": c.base + "/longpoll/user", "ts": ts}
	if c.params["need_pts"] == "1" {
		out["pts"] = ts
	}
	return out, nil
}

// emitUser adds a new-message update of m to user u's stream.
func (e *vkEvents) emitUser(u int64, m vkMessage) {
	flags, peer := 1, m.from
	if m.from == u {
		flags, peer = 3, m.to
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.append(u, vkEvent{typ: "message_new", render: func(version string, mode int) any {
		v, _ := strconv.Atoi(version)
		if v >= vkUserLPCmidVersion {
			return []any{10004, m.cmid, flags, 0, peer, m.date, m.text, map[string]any{}, map[string]any{}, m.random, m.id, 0}
		}
		up := []any{4, m.id, flags, peer, m.date, m.text, map[string]any{"title": ""}, map[string]any{}}
		if mode&128 != 0 {
			up = append(up, m.random)
		}
		return up
	}})
}
