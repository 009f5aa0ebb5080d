package sandbox

import (
	"strconv"
	"strings"
)

// messages.send (https://dev.vk.com/ru/method/messages.send) and the events
// a message makes. A user token (right "messages") writes to a user or a
// community (peer_id -group_id); a community token writes to a user.
// random_id is required (error 100 without it); a second send with the same
// non-zero random_id from the same sender creates nothing and answers the
// first message's id, as VK does; random_id 0 turns that check off.
//
// Events: a message to a community is message_new of that community; a
// community's message to a user is its message_reply (both for Bots Long
// Poll and Callback); every message is a User Long Poll event (code 4 or
// 10004) of its sender and of its receiver, user or community.

// vkMessage is one sent message.
type vkMessage struct {
	id, cmid, date, from, to, random int64
	text                             string
}

// object renders m as the community or user `peer` sees it (VK's
// messages_message).
func (m vkMessage) object(peer int64) map[string]any {
	out, other := 0, m.from
	if m.from == peer {
		out, other = 1, m.to
	}
	return map[string]any{
		"id": m.id, "conversation_message_id": m.cmid, "date": m.date, "from_id": m.from,
		"peer_id": other, "out": out, "text": m.text, "random_id": m.random,
		"attachments": []any{}, "fwd_messages": []any{}, "important": false, "is_hidden": false,
	}
}

// vkMessageNew renders message_new's object: since API 5.103 the message
// sits under "message" next to "client_info", before it is the object.
func vkMessageNew(m vkMessage, peer int64, v string) any {
	if vkVersionBefore(v, 5, 103) {
		return m.object(peer)
	}
	return map[string]any{"message": m.object(peer), "client_info": map[string]any{
		"button_actions":  []string{"text", "vkpay", "open_app", "location", "open_link", "callback", "intent_subscribe", "intent_unsubscribe"},
		"keyboard":        true,
		"inline_keyboard": true,
		"carousel":        true,
		"lang_id":         0,
	}}
}

// vkVersionBefore reports whether API version v is older than major.minor.
func vkVersionBefore(v string, major, minor int) bool {
	a, b, _ := strings.Cut(v, ".")
	ma, _ := strconv.Atoi(a)
	mi, _ := strconv.Atoi(b)
	return ma < major || ma == major && mi < minor
}

// vkMessages is the message store, guarded by the platform's mu.
type vkMessages struct {
	next    int64
	history map[[2]int64][]vkMessage // per conversation, oldest first
	cmid    map[[2]int64]int64       // per conversation (lower, higher peer)
	random  map[[2]int64][2]int64    // (sender, random_id) -> message id and cmid
}

func newVKMessages() *vkMessages {
	return &vkMessages{cmid: map[[2]int64]int64{}, random: map[[2]int64][2]int64{}, history: map[[2]int64][]vkMessage{}}
}

// messages.send
func (p *vkPlatform) messagesSend(c *vkCall) (any, *vkError) {
	from := c.userID()
	if c.grant.GroupID != 0 {
		from = -c.grant.GroupID
	}
	if c.params["random_id"] == "" {
		return nil, vkParamErr("random_id is required")
	}
	random, err := c.int("random_id", 0)
	if err != nil {
		return nil, err
	}
	text := c.params["message"]
	if text == "" && c.params["attachment"] == "" {
		return nil, vkParamErr("message is empty or invalid")
	}
	if len([]rune(text)) > 9000 {
		return nil, vkErr(914, "Message is too long")
	}
	var peers []int64
	single := true
	switch {
	case c.params["peer_ids"] != "":
		single = false
		for _, s := range c.list("peer_ids") {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, vkParamErr("peer_ids is invalid")
			}
			peers = append(peers, n)
		}
		if len(peers) > 100 {
			return nil, vkParamErr("peer_ids is too long")
		}
	case c.params["domain"] != "":
		u, ok := vkResolveUser(c.params["domain"])
		if !ok {
			return nil, vkParamErr("domain is invalid")
		}
		peers = []int64{u.ID}
	default:
		peer, err := c.int("peer_id", 0)
		if err != nil {
			return nil, err
		}
		if peer == 0 {
			if peer, err = c.int("user_id", 0); err != nil {
				return nil, err
			}
		}
		if peer == 0 {
			return nil, vkParamErr("peer_id is undefined")
		}
		peers = []int64{peer}
	}
	for _, to := range peers {
		if e := vkCheckPeer(from, to); e != nil {
			return nil, e
		}
	}
	var results []any
	for _, to := range peers {
		id, cmid := p.sendMessage(from, to, random, text)
		if single {
			return id, nil
		}
		results = append(results, map[string]any{"peer_id": to, "message_id": id, "conversation_message_id": cmid})
	}
	return results, nil
}

// vkCheckPeer tells whether from may write to: users write to users and
// communities, communities to users; nobody writes to themselves or to a
// chat (the sandbox has none).
func vkCheckPeer(from, to int64) *vkError {
	switch {
	case to == from:
		return vkErr(100, "One of the parameters specified was missing or invalid: you can't send a message to yourself")
	case to > 2e9:
		return vkErr(917, "You don't have access to this chat")
	case to < 0 && from < 0:
		return vkErr(901, "Can't send messages for users without permission")
	case to < 0:
		if _, ok := vkGroupByID(-to); !ok {
			return vkParamErr("peer_id is invalid")
		}
	default:
		if _, ok := vkUserByID(to); !ok {
			return vkParamErr("peer_id is invalid")
		}
	}
	return nil
}

// sendMessage stores a message (or finds the one with the same random_id)
// and produces its events.
func (p *vkPlatform) sendMessage(from, to, random int64, text string) (id, cmid int64) {
	p.mu.Lock()
	key := [2]int64{from, random}
	if old, ok := p.msgs.random[key]; ok && random != 0 {
		p.mu.Unlock()
		return old[0], old[1]
	}
	conv := vkConversation(from, to)
	p.msgs.next++
	p.msgs.cmid[conv]++
	m := vkMessage{id: p.msgs.next, cmid: p.msgs.cmid[conv], date: p.env.now().Unix(), from: from, to: to,
		random: random, text: text}
	if random != 0 {
		p.msgs.random[key] = [2]int64{m.id, m.cmid}
	}
	p.msgs.history[conv] = append(p.msgs.history[conv], m)
	p.mu.Unlock()
	switch {
	case to < 0:
		// The community sees the message as peer "to" (its own negative id):
		// from its side, the user is the other party.
		p.events.emitGroup(-to, "message_new", func(v string) any { return vkMessageNew(m, to, v) })
	case from < 0:
		p.events.emitGroup(-from, "message_reply", func(string) any { return m.object(from) })
	}
	for _, peer := range []int64{from, to} {
		p.events.emitUser(peer, m)
	}
	return m.id, m.cmid
}
