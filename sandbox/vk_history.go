package sandbox

// messages.getHistory (https://dev.vk.com/ru/method/messages.getHistory):
// the conversation of the token's owner (a user, or a community as its
// negative id) with peer_id (or user_id), newest first as VK lists it, or
// oldest first with rev=1, as {"count": N, "items": [messages_message]}.
// offset and count page it: count defaults to 20 and may be at most 200
// (error 100 beyond: the schema's maximum). The peer rules are
// messages.send's: a community has no conversation with a community, and
// nobody with themselves. A user token needs the right "messages". The
// history lives as long as the sandbox (it is not in the state file).

// vkConversation names the conversation of two peers.
func vkConversation(a, b int64) [2]int64 { return [2]int64{min(a, b), max(a, b)} }

// messagesGetHistory serves messages.getHistory.
func (p *vkPlatform) messagesGetHistory(c *vkCall) (any, *vkError) {
	me := c.userID()
	if c.grant.GroupID != 0 {
		me = -c.grant.GroupID
	}
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
	if e := vkCheckPeer(me, peer); e != nil {
		return nil, e
	}
	count, offset, err := c.pageMax(20, 200)
	if err != nil {
		return nil, err
	}
	rev := c.params["rev"] == "1"
	p.mu.Lock()
	hist := p.msgs.history[vkConversation(me, peer)] // oldest first; only ever appended
	p.mu.Unlock()
	lo, hi := vkWindow(len(hist), count, offset)
	items := make([]any, 0, hi-lo)
	for i := lo; i < hi; i++ {
		m := hist[i]
		if !rev {
			m = hist[len(hist)-1-i]
		}
		items = append(items, m.object(me))
	}
	return map[string]any{"count": len(hist), "items": items}, nil
}
