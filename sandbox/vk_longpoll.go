package sandbox

import (
	"net/http"
	"strconv"
	"time"
)

// Bots Long Poll (https://dev.vk.com/ru/api/bots-long-poll/getting-started,
// PLATFORMS-MORE.md §3.1):
//
//	groups.getLongPollServer(group_id) -> {"key","server","ts":"<n>"}
//	GET {server}?act=a_check&key=K&ts=N&wait=W
//	  -> {"ts":"<n>","updates":[{"type","object","group_id","event_id","v"}]}
//	  or {"failed":1,"ts":<n>} | {"failed":2} | {"failed":3}
//
// server is BASE/longpoll/bots (BASE is the VK base URL). a_check answers
// at once when events are pending, else waits up to wait seconds (real
// time, VKLongPollMaxWait at most, 25 when absent) for one; Server.Close
// ends every wait. Long Poll is enabled for both communities with every
// event type and api_version 5.199 until groups.setLongPollSettings says
// otherwise; getLongPollServer on a community whose Long Poll is off
// answers error 100 (unverified).

// vkLPDefaultVersion is the api_version of events until a community sets
// its own.
const vkLPDefaultVersion = "5.199"

// vkLPEventTypes are the event types the sandbox produces, with the calls
// that produce them.
func vkLPEventTypes() []string {
	return []string{"message_new", "message_reply", "wall_post_new"}
}

// vkLPSettings are a community's Bots Long Poll settings.
type vkLPSettings struct {
	disabled bool
	version  string
	off      map[string]bool // event types turned off
}

// settings returns a community's long-poll settings. The caller holds mu.
func (e *vkEvents) settings(gid int64) *vkLPSettings {
	s := e.lp[gid]
	if s == nil {
		s = &vkLPSettings{version: vkLPDefaultVersion, off: map[string]bool{}}
		e.lp[gid] = s
	}
	return s
}

// manageGroup checks that the call may manage community group_id: a
// community token of it or a user token of one of its admins. It returns
// the group id.
func (c *vkCall) manageGroup() (int64, *vkError) {
	if c.params["group_id"] == "" {
		return 0, vkParamErr("group_id is undefined")
	}
	gid, err := c.int("group_id", 0)
	if err != nil {
		return 0, err
	}
	g, ok := vkGroupByID(gid)
	switch {
	case !ok || gid <= 0:
		return 0, vkParamErr("group_id is incorrect")
	case c.grant.GroupID != 0 && c.grant.GroupID != gid:
		return 0, vkErr(15, "Access denied: no access to this group")
	case c.grant.GroupID == 0 && !g.isAdmin(c.userID()):
		return 0, vkErr(15, "Access denied: you should be an administrator of this group")
	}
	return gid, nil
}

// groups.getLongPollServer: https://dev.vk.com/ru/method/groups.getLongPollServer
func (p *vkPlatform) groupsGetLongPollServer(c *vkCall) (any, *vkError) {
	gid, err := c.manageGroup()
	if err != nil {
		return nil, err
	}
	e := p.events
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.settings(gid).disabled {
		return nil, vkParamErr("Long Poll is disabled for this group")
	}
	key, ts := e.newKey(-gid)
	return map[string]any{"key": key, "server": c.base + "/longpoll/bots", "ts": vkTS(ts)}, nil
}

// groups.setLongPollSettings: https://dev.vk.com/ru/method/groups.setLongPollSettings
func (p *vkPlatform) groupsSetLongPollSettings(c *vkCall) (any, *vkError) {
	gid, err := c.manageGroup()
	if err != nil {
		return nil, err
	}
	e := p.events
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.settings(gid)
	out, err := vkEventSettings(c, &s.version, func(t, v string) { s.off[t] = v == "0" || v == "false" })
	if en, ok := c.params["enabled"]; ok && err == nil {
		s.disabled = en == "0" || en == "false"
	}
	return out, err
}

// groups.getLongPollSettings: https://dev.vk.com/ru/method/groups.getLongPollSettings
func (p *vkPlatform) groupsGetLongPollSettings(c *vkCall) (any, *vkError) {
	gid, err := c.manageGroup()
	if err != nil {
		return nil, err
	}
	e := p.events
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.settings(gid)
	events := map[string]int{}
	for _, t := range vkLPEventTypes() {
		events[t] = vkBit(!s.off[t])
	}
	return map[string]any{"is_enabled": !s.disabled, "api_version": s.version, "events": events}, nil
}

func vkBit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// emitGroup produces a community event: into the community's long-poll
// stream when its Long Poll takes the type, and to its callback servers.
// object renders the event object for an API version.
func (e *vkEvents) emitGroup(gid int64, typ string, object func(v string) any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := randomHex(20)
	if s := e.settings(gid); !s.disabled && !s.off[typ] {
		e.append(-gid, vkEvent{typ: typ, id: id, group: gid, v: s.version,
			render: func(v string, _ int) any { return object(v) }})
	}
	e.deliver(gid, typ, id, object)
}

// serveLongPoll answers a_check on BASE/longpoll/bots (user false) and
// BASE/longpoll/user (user true).
func (p *vkPlatform) serveLongPoll(w http.ResponseWriter, r *http.Request, user bool) {
	q := r.Form
	if q.Get("act") != "a_check" {
		http.Error(w, "sandbox: act must be a_check", http.StatusBadRequest)
		return
	}
	version, mode := 0, 0
	if user {
		var ok bool
		if version, ok = vkLPVersion(q.Get("version")); !ok {
			writeJSON(w, http.StatusOK, "", map[string]any{"failed": 4, "min_version": 0, "max_version": vkUserLPMaxVersion})
			return
		}
		mode, _ = strconv.Atoi(q.Get("mode"))
	}
	wait := 25
	if s := q.Get("wait"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			http.Error(w, "sandbox: wait must be a whole number of seconds", http.StatusBadRequest)
			return
		}
		wait = min(n, VKLongPollMaxWait)
	}
	ts, err := strconv.ParseInt(q.Get("ts"), 10, 64)
	e := p.events
	key := q.Get("key")
	e.mu.Lock()
	owner := int64(0)
	if k := e.keys[key]; k != nil && (k.owner > 0) == user {
		owner = k.owner
	}
	e.mu.Unlock()
	timer := time.NewTimer(time.Duration(wait) * time.Second)
	defer timer.Stop()
	for {
		e.mu.Lock()
		evs, next, failed := e.poll(key, owner, ts, err == nil)
		wake, closed := e.wake, e.closed
		e.mu.Unlock()
		if failed != 0 || len(evs) > 0 || wait == 0 || closed {
			vkWriteLongPoll(w, user, evs, next, failed, version, mode)
			return
		}
		select {
		case <-wake:
		case <-timer.C:
			vkWriteLongPoll(w, user, nil, ts, 0, version, mode)
			return
		case <-r.Context().Done():
			return
		}
	}
}

// vkWriteLongPoll writes an a_check reply.
func vkWriteLongPoll(w http.ResponseWriter, user bool, evs []vkEvent, ts int64, failed, version, mode int) {
	switch failed {
	case 1:
		writeJSON(w, http.StatusOK, "", map[string]any{"failed": 1, "ts": ts})
		return
	case 2, 3:
		writeJSON(w, http.StatusOK, "", map[string]any{"failed": failed})
		return
	}
	updates := make([]any, 0, len(evs))
	if user {
		for _, ev := range evs {
			updates = append(updates, ev.render(strconv.Itoa(version), mode))
		}
		out := map[string]any{"ts": ts, "updates": updates}
		if mode&32 != 0 {
			out["pts"] = ts
		}
		writeJSON(w, http.StatusOK, "", out)
		return
	}
	for _, ev := range evs {
		updates = append(updates, map[string]any{"type": ev.typ, "object": ev.render(ev.v, 0),
			"group_id": ev.group, "event_id": ev.id, "v": ev.v})
	}
	writeJSON(w, http.StatusOK, "", map[string]any{"ts": vkTS(ts), "updates": updates})
}
