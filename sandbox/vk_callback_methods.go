package sandbox

import (
	"fmt"
	"strconv"
)

// The Callback API's methods (https://dev.vk.com/ru/method/groups):
// addCallbackServer, editCallbackServer, deleteCallbackServer,
// getCallbackServers, getCallbackConfirmationCode, setCallbackSettings and
// getCallbackSettings, for a community token of the group or a user token
// of one of its admins. Delivery is in vk_callback.go.

// groups.addCallbackServer -> {"server_id": N}
func (p *vkPlatform) groupsAddCallbackServer(c *vkCall) (any, *vkError) {
	gid, err := c.manageGroup()
	if err != nil {
		return nil, err
	}
	if c.params["title"] == "" {
		return nil, vkParamErr("title is undefined")
	}
	if len([]rune(c.params["title"])) > 14 {
		return nil, vkParamErr("title is too long")
	}
	if !vkLoopbackURL(c.params["url"]) {
		return nil, vkParamErr("url is incorrect: the sandbox delivers callbacks only to loopback addresses (127.0.0.1, ::1, localhost)")
	}
	e := p.events
	e.mu.Lock()
	defer e.mu.Unlock()
	cb := e.callbacks(gid)
	if len(cb.servers) >= vkCallbackMaxServers {
		return nil, vkErr(2000, "Servers number limit is reached")
	}
	s := e.addServer(gid, c.userID(), c.params["title"], c.params["url"], c.params["secret_key"])
	return map[string]any{"server_id": s.id}, nil
}

// server finds a server of the call's group by server_id. The caller holds
// mu.
func (e *vkEvents) server(gid int64, c *vkCall, required bool) (*vkCBServer, *vkError) {
	if c.params["server_id"] == "" && !required {
		return nil, nil
	}
	id, err := c.int("server_id", 0)
	if err != nil {
		return nil, err
	}
	for _, s := range e.callbacks(gid).servers {
		if s.id == id {
			return s, nil
		}
	}
	return nil, vkErr(104, "Not found")
}

// groups.editCallbackServer -> 1; the server is confirmed again, with a
// new confirmation code of the community.
func (p *vkPlatform) groupsEditCallbackServer(c *vkCall) (any, *vkError) {
	gid, err := c.manageGroup()
	if err != nil {
		return nil, err
	}
	if !vkLoopbackURL(c.params["url"]) {
		return nil, vkParamErr("url is incorrect: the sandbox delivers callbacks only to loopback addresses (127.0.0.1, ::1, localhost)")
	}
	e := p.events
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.server(gid, c, true)
	if err != nil {
		return nil, err
	}
	if t := c.params["title"]; t != "" {
		s.title = t
	}
	s.url, s.secret = c.params["url"], c.params["secret_key"]
	e.callbacks(gid).code = randomHex(4)
	e.confirm(s)
	return 1, nil
}

// groups.deleteCallbackServer -> 1
func (p *vkPlatform) groupsDeleteCallbackServer(c *vkCall) (any, *vkError) {
	return p.withServer(c, func(e *vkEvents, gid int64, s *vkCBServer) (any, *vkError) {
		cb := e.callbacks(gid)
		for i, x := range cb.servers {
			if x == s {
				cb.servers = append(cb.servers[:i:i], cb.servers[i+1:]...)
			}
		}
		s.gone = true
		select {
		case s.kick <- struct{}{}:
		default:
		}
		return 1, nil
	})
}

// groups.getCallbackServers -> {"count","items":[{id,title,creator_id,url,secret_key,status}]}
func (p *vkPlatform) groupsGetCallbackServers(c *vkCall) (any, *vkError) {
	gid, err := c.manageGroup()
	if err != nil {
		return nil, err
	}
	want := c.list("server_ids")
	e := p.events
	e.mu.Lock()
	defer e.mu.Unlock()
	items := []any{}
	for _, s := range e.callbacks(gid).servers {
		if len(want) > 0 && !vkHas(want, strconv.FormatInt(s.id, 10)) {
			continue
		}
		items = append(items, map[string]any{"id": s.id, "title": s.title, "creator_id": s.creator,
			"url": s.url, "secret_key": s.secret, "status": s.status})
	}
	return map[string]any{"count": len(items), "items": items}, nil
}

// groups.getCallbackConfirmationCode -> {"code": "..."}
func (p *vkPlatform) groupsGetCallbackConfirmationCode(c *vkCall) (any, *vkError) {
	gid, err := c.manageGroup()
	if err != nil {
		return nil, err
	}
	e := p.events
	e.mu.Lock()
	defer e.mu.Unlock()
	return map[string]any{"code": e.callbacks(gid).code}, nil
}

// groups.setCallbackSettings -> 1
func (p *vkPlatform) groupsSetCallbackSettings(c *vkCall) (any, *vkError) {
	return p.withServer(c, func(e *vkEvents, gid int64, s *vkCBServer) (any, *vkError) {
		return vkEventSettings(c, &s.version, func(t, v string) { s.on[t] = v == "1" || v == "true" })
	})
}

// groups.getCallbackSettings -> {"api_version","events":{type:0|1}}
func (p *vkPlatform) groupsGetCallbackSettings(c *vkCall) (any, *vkError) {
	return p.withServer(c, func(e *vkEvents, gid int64, s *vkCBServer) (any, *vkError) {
		events := map[string]int{}
		for _, t := range vkLPEventTypes() {
			events[t] = vkBit(s.on[t])
		}
		return map[string]any{"api_version": s.version, "events": events}, nil
	})
}

// withServer runs fn for the callback server a groups.*Callback* call
// names (server_id), in a community the caller manages, with the events'
// lock held.
func (p *vkPlatform) withServer(c *vkCall, fn func(e *vkEvents, gid int64, s *vkCBServer) (any, *vkError)) (any, *vkError) {
	gid, err := c.manageGroup()
	if err != nil {
		return nil, err
	}
	e := p.events
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.server(gid, c, true)
	if err != nil {
		return nil, err
	}
	return fn(e, gid, s)
}

// vkEventSettings applies the api_version and per-event-type flags of a
// groups.set*Settings call: the version to *version, each type's value to
// set. It answers 1, or error 100 for an api_version VK would not take.
func vkEventSettings(c *vkCall, version *string, set func(eventType, value string)) (any, *vkError) {
	if v := c.params["api_version"]; v != "" {
		if vkCheckVersion(v) != nil {
			return nil, vkParamErr("api_version is invalid")
		}
		*version = v
	}
	for _, t := range vkLPEventTypes() {
		if v, ok := c.params[t]; ok {
			set(t, v)
		}
	}
	return 1, nil
}

// VKAddCallbackServer registers a callback server for community groupID as
// groups.addCallbackServer does (url must be a loopback address; secret may
// be empty) and turns every event type the sandbox produces on, with
// api_version 5.199. The confirmation request is sent at once; use
// VKWaitCallbacks to wait for it. It returns the server id.
func (s *Server) VKAddCallbackServer(groupID int64, url, secret string) (int64, error) {
	if _, ok := vkGroupByID(groupID); !ok {
		return 0, fmt.Errorf("sandbox: vk has no community %d (known: 1, 2)", groupID)
	}
	if !vkLoopbackURL(url) {
		return 0, fmt.Errorf("sandbox: callback URL %q is not an http(s) URL on a loopback address", url)
	}
	e := s.vkEvents()
	e.mu.Lock()
	defer e.mu.Unlock()
	cb := e.callbacks(groupID)
	if len(cb.servers) >= vkCallbackMaxServers {
		return 0, fmt.Errorf("sandbox: community %d has %d callback servers already, VK's limit", groupID, vkCallbackMaxServers)
	}
	srv := e.addServer(groupID, 1, "sandbox", url, secret)
	for _, t := range vkLPEventTypes() {
		srv.on[t] = true
	}
	return srv.id, nil
}

// VKCallbackCode returns the confirmation code of community groupID, as
// groups.getCallbackConfirmationCode answers it.
func (s *Server) VKCallbackCode(groupID int64) string {
	e := s.vkEvents()
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.callbacks(groupID).code
}

// addServer registers a callback server with every event type off, starts
// its worker and queues its confirmation. The caller holds mu and has
// checked the limit.
func (e *vkEvents) addServer(gid, creator int64, title, url, secret string) *vkCBServer {
	cb := e.callbacks(gid)
	cb.nextID++
	s := &vkCBServer{id: cb.nextID, group: gid, creator: creator, title: title, url: url, secret: secret,
		version: vkLPDefaultVersion, on: map[string]bool{}, kick: make(chan struct{}, 1)}
	cb.servers = append(cb.servers, s)
	e.startWorker(s)
	e.confirm(s)
	return s
}
