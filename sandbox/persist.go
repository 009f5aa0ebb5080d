package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// A sandbox started WithStateFile keeps what its users did between
// processes: every platform's tokens, refresh tokens and codes, VK ID
// sessions, and the posts of VK walls. That is what lets one command log in
// to an in-process sandbox and the next call it with the token it got
// (snskit login -sandbox vk, then snskit call -sandbox vk users.get).
// Counters of the moment (rate limits, captchas asked, long-poll keys) are
// not kept: they belong to one run.

// stateVersion is the layout of state files; a file of another layout is
// refused with an error that says to remove it.
const stateVersion = 1

// WithStateFile makes the sandbox load its state from the file at path
// when it starts (a missing file is an empty state) and write it there on
// SaveState and on Close. The file is written atomically, readable by its
// owner only. Two sandboxes sharing a file at the same time do not merge:
// the last one to save wins.
func WithStateFile(path string) Option {
	return func(c *config) error {
		if path == "" {
			return errors.New("sandbox: WithStateFile needs a file path")
		}
		c.stateFile = path
		return nil
	}
}

// stateFile is the JSON layout of a state file.
type stateFile struct {
	Version int                   `json:"version"`
	Saved   time.Time             `json:"saved"`
	Stores  map[string]storeState `json:"stores"`
	VKID    []vkIDSessionState    `json:"vk_id_sessions,omitempty"`
	VKWalls map[string][]vkPost   `json:"vk_walls,omitempty"`
}

// storeState is one token store: its grants (each in the maps it was in)
// and its codes.
type storeState struct {
	Grants []grantState `json:"grants,omitempty"`
	Codes  []*code      `json:"codes,omitempty"`
}

type grantState struct {
	Grant     *grant `json:"grant"`
	ByToken   bool   `json:"by_token"`
	ByRefresh bool   `json:"by_refresh"`
}

type vkIDSessionState struct {
	Refresh   string    `json:"refresh"`
	User      int64     `json:"user"`
	Scope     []string  `json:"scope"`
	Device    string    `json:"device"`
	Access    string    `json:"access"`
	ExpiresAt time.Time `json:"expires_at"`
}

// stores names every token store of the sandbox.
func (s *Server) stores() map[string]*store {
	vk := s.platforms[VK].(*vkPlatform)
	rr := s.platforms[Renren].(*renrenPlatform)
	wx := s.platforms[Weixin].(*weixinPlatform)
	qq := s.platforms[QQ].(*qqPlatform)
	kx := s.platforms[Kaixin].(*kaixinPlatform)
	return map[string]*store{
		"vk":              vk.tokens,
		"renren":          rr.tokens,
		"renren.sessions": rr.sessions,
		"weixin":          wx.store,
		"qq":              qq.store,
		"kaixin.oauth2":   kx.oauth2,
		"kaixin.oauth1":   kx.oauth1,
		"kaixin.sessions": kx.sessions,
	}
}

// SaveState writes the sandbox's state to its state file (WithStateFile).
// It does nothing for a sandbox without one.
func (s *Server) SaveState() error {
	if s.stateFile == "" {
		return nil
	}
	st := stateFile{Version: stateVersion, Saved: s.env.now().UTC(), Stores: map[string]storeState{}}
	for name, ts := range s.stores() {
		st.Stores[name] = ts.export()
	}
	vk := s.platforms[VK].(*vkPlatform)
	st.VKID = vk.id.export()
	vk.mu.Lock()
	st.VKWalls = make(map[string][]vkPost, len(vk.walls))
	for owner, posts := range vk.walls {
		st.VKWalls[fmt.Sprint(owner)] = append([]vkPost(nil), posts...)
	}
	vk.mu.Unlock()
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return fmt.Errorf("sandbox: encoding the state: %w", err)
	}
	dir := filepath.Dir(s.stateFile)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("sandbox: saving the state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".sandbox-state-*")
	if err != nil {
		return fmt.Errorf("sandbox: saving the state: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("sandbox: saving the state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("sandbox: saving the state: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.stateFile); err != nil {
		return fmt.Errorf("sandbox: saving the state: %w", err)
	}
	return nil
}

// loadState restores the state saved in the state file, if there is one.
func (s *Server) loadState() error {
	b, err := os.ReadFile(s.stateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: reading the state file: %w", err)
	}
	var st stateFile
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("sandbox: the state file %s is not one the sandbox wrote (%v); remove it to start afresh", s.stateFile, err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("sandbox: the state file %s has layout %d, this sandbox reads %d; remove it to start afresh", s.stateFile, st.Version, stateVersion)
	}
	stores := s.stores()
	for name, ss := range st.Stores {
		if ts, ok := stores[name]; ok {
			ts.restore(ss)
		}
	}
	vk := s.platforms[VK].(*vkPlatform)
	vk.id.restore(st.VKID)
	if len(st.VKWalls) > 0 {
		vk.mu.Lock()
		for owner, posts := range st.VKWalls {
			var id int64
			if _, err := fmt.Sscan(owner, &id); err == nil {
				vk.walls[id] = posts
			}
		}
		vk.mu.Unlock()
	}
	return nil
}

// export returns the store's grants and codes, in a stable order.
func (s *store) export() storeState {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[*grant]*grantState{}
	var order []*grant
	for _, g := range s.tokens {
		cp := *g
		seen[g] = &grantState{Grant: &cp, ByToken: true}
		order = append(order, g)
	}
	for rt, g := range s.refresh {
		if gs, ok := seen[g]; ok && g.Refresh == rt {
			gs.ByRefresh = true
			continue
		}
		cp := *g
		cp.Refresh = rt
		seen[g] = &grantState{Grant: &cp, ByRefresh: true}
		order = append(order, g)
	}
	var st storeState
	for _, g := range order {
		st.Grants = append(st.Grants, *seen[g])
	}
	sort.Slice(st.Grants, func(i, j int) bool { return st.Grants[i].Grant.Token < st.Grants[j].Grant.Token })
	for _, c := range s.codes {
		cp := *c
		st.Codes = append(st.Codes, &cp)
	}
	sort.Slice(st.Codes, func(i, j int) bool { return st.Codes[i].Value < st.Codes[j].Value })
	return st
}

// restore adds the grants and codes of st to the store.
func (s *store) restore(st storeState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, gs := range st.Grants {
		g := gs.Grant
		if g == nil {
			continue
		}
		if gs.ByToken {
			s.tokens[g.Token] = g
		}
		if gs.ByRefresh && g.Refresh != "" {
			s.refresh[g.Refresh] = g
		}
	}
	for _, c := range st.Codes {
		if c != nil {
			s.codes[c.Value] = c
		}
	}
}

// export returns the VK ID sessions by refresh token.
func (v *vkID) export() []vkIDSessionState {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]vkIDSessionState, 0, len(v.refresh))
	for rt, se := range v.refresh {
		out = append(out, vkIDSessionState{Refresh: rt, User: se.user, Scope: se.scope, Device: se.device, Access: se.access, ExpiresAt: se.expiresAt})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Refresh < out[j].Refresh })
	return out
}

// restore adds saved VK ID sessions.
func (v *vkID) restore(sessions []vkIDSessionState) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, se := range sessions {
		v.refresh[se.Refresh] = &vkIDSession{user: se.User, scope: se.Scope, device: se.Device, access: se.Access, expiresAt: se.ExpiresAt}
	}
}
