package sandbox

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The API side of VK uploads (see vk_upload.go): the methods that hand out
// upload URLs and the photo save methods. docs.save is in vk_docs.go.

// uploadGroup reads group_id for an upload method: a community the user
// administers, or the community of a community token.
func (c *vkCall) uploadGroup() (int64, *vkError) {
	gid, err := c.int("group_id", 0)
	if err != nil {
		return 0, err
	}
	if c.grant.GroupID != 0 {
		if gid != 0 && gid != c.grant.GroupID {
			return 0, vkParamErr("group_id is incorrect")
		}
		return c.grant.GroupID, nil
	}
	if gid == 0 {
		return 0, nil
	}
	g, ok := vkGroupByID(gid)
	switch {
	case gid < 0 || !ok:
		return 0, vkParamErr("group_id is incorrect")
	case !g.isAdmin(c.userID()):
		return 0, vkErr(15, "Access denied: you are not an administrator of this community")
	}
	return gid, nil
}

// photos.getUploadServer: https://dev.vk.com/ru/method/photos.getUploadServer
func (p *vkPlatform) photosGetUploadServer(c *vkCall) (any, *vkError) {
	gid, err := c.uploadGroup()
	if err != nil {
		return nil, err
	}
	aid, err := c.int("album_id", 0)
	if err != nil {
		return nil, err
	}
	owner := c.userID()
	if gid != 0 {
		owner = -gid
	}
	if a, ok := vkAlbumByID(aid); !ok || a.Owner != owner {
		return nil, vkErr(114, "Invalid album id")
	}
	u := p.newUploadURL(c, vkUploadServer{kind: vkUpAlbum, user: c.userID(), group: gid, album: aid})
	out := map[string]any{"upload_url": u, "album_id": aid, "user_id": c.userID()}
	if gid != 0 {
		out["group_id"] = gid
	}
	return out, nil
}

// photos.getWallUploadServer: https://dev.vk.com/ru/method/photos.getWallUploadServer
func (p *vkPlatform) photosGetWallUploadServer(c *vkCall) (any, *vkError) {
	gid, err := c.uploadGroup()
	if err != nil {
		return nil, err
	}
	u := p.newUploadURL(c, vkUploadServer{kind: vkUpWall, user: c.userID(), group: gid, album: vkWallAlbum})
	return map[string]any{"upload_url": u, "album_id": vkWallAlbum, "user_id": c.userID()}, nil
}

// photos.getMessagesUploadServer: https://dev.vk.com/ru/method/photos.getMessagesUploadServer
func (p *vkPlatform) photosGetMessagesUploadServer(c *vkCall) (any, *vkError) {
	if _, err := c.int("peer_id", 0); err != nil {
		return nil, err
	}
	gid := c.grant.GroupID
	u := p.newUploadURL(c, vkUploadServer{kind: vkUpMessage, user: c.userID(), group: gid, album: vkMessageAlbum})
	return map[string]any{"upload_url": u, "album_id": vkMessageAlbum, "user_id": c.userID(), "group_id": gid}, nil
}

// takeUploads checks the upload reply a save method got (the JSON text in
// param, server and hash) and removes its uploads from the pending ones.
// The caller holds p.mu.
func (p *vkPlatform) takeUploads(c *vkCall, param string, kind vkUploadKind) ([]*vkUpload, *vkError) {
	raw := c.params[param]
	if raw == "" {
		return nil, vkParamErr(param + " is undefined")
	}
	var list []struct {
		Photo string `json:"photo"`
	}
	if err := json.Unmarshal([]byte(raw), &list); err != nil || len(list) == 0 {
		return nil, vkParamErr(param + " is invalid")
	}
	ids := make([]string, 0, len(list))
	for _, e := range list {
		id, _, _ := strings.Cut(e.Photo, ":")
		up, ok := p.up.pending[id]
		if !ok || up.srv.kind != kind || up.srv.user != c.userID() ||
			(c.grant.GroupID != 0 && up.srv.group != c.grant.GroupID) {
			return nil, vkParamErr(param + " is invalid")
		}
		ids = append(ids, id)
	}
	if c.params["server"] != strconv.Itoa(VKUploadServer) {
		return nil, vkErr(118, "Invalid server")
	}
	ups := make([]*vkUpload, 0, len(ids))
	for _, id := range ids {
		if p.up.pending[id].hash != c.params["hash"] {
			return nil, vkErr(121, "Invalid hash")
		}
		ups = append(ups, p.up.pending[id])
	}
	for _, id := range ids {
		delete(p.up.pending, id)
	}
	return ups, nil
}

// photos.save: https://dev.vk.com/ru/method/photos.save
func (p *vkPlatform) photosSave(c *vkCall) (any, *vkError) {
	aid, err := c.int("album_id", 0)
	if err != nil {
		return nil, err
	}
	gid, err := c.int("group_id", 0)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.params["photos_list"] != "" && c.params["server"] == strconv.Itoa(VKUploadServer) {
		// the album is checked before the upload is spent
		if id, ok := vkFirstUpload(c.params["photos_list"]); ok {
			if up := p.up.pending[id]; up != nil && up.srv.album != aid {
				return nil, vkErr(114, "Invalid album id")
			}
		}
	}
	ups, verr := p.takeUploads(c, "photos_list", vkUpAlbum)
	if verr != nil {
		return nil, verr
	}
	owner, verr := vkUploadOwner(c, gid, ups[0])
	if verr != nil {
		return nil, verr
	}
	out := make([]any, 0, len(ups))
	for _, up := range ups {
		out = append(out, p.savePhoto(up, owner, aid, c.params["caption"]).object(c.base))
	}
	return out, nil
}

// vkFirstUpload returns the upload id of the first entry of a photos_list.
func vkFirstUpload(raw string) (string, bool) {
	var list []struct {
		Photo string `json:"photo"`
	}
	if json.Unmarshal([]byte(raw), &list) != nil || len(list) == 0 {
		return "", false
	}
	id, _, _ := strings.Cut(list[0].Photo, ":")
	return id, true
}

// photos.saveWallPhoto: https://dev.vk.com/ru/method/photos.saveWallPhoto
func (p *vkPlatform) photosSaveWallPhoto(c *vkCall) (any, *vkError) {
	gid, err := c.int("group_id", 0)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ups, verr := p.takeUploads(c, "photo", vkUpWall)
	if verr != nil {
		return nil, verr
	}
	owner, verr := vkUploadOwner(c, gid, ups[0])
	if verr != nil {
		return nil, verr
	}
	return []any{p.savePhoto(ups[0], owner, vkWallAlbum, c.params["caption"]).object(c.base)}, nil
}

// photos.saveMessagesPhoto: https://dev.vk.com/ru/method/photos.saveMessagesPhoto
func (p *vkPlatform) photosSaveMessagesPhoto(c *vkCall) (any, *vkError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ups, verr := p.takeUploads(c, "photo", vkUpMessage)
	if verr != nil {
		return nil, verr
	}
	owner := c.userID()
	if c.grant.GroupID != 0 {
		owner = -c.grant.GroupID
	}
	return []any{p.savePhoto(ups[0], owner, vkMessageAlbum, "").object(c.base)}, nil
}

// vkUploadOwner checks a save's group_id against the upload's and returns
// the owner of the saved photos: the user, or the community written
// negative.
func vkUploadOwner(c *vkCall, gid int64, up *vkUpload) (int64, *vkError) {
	if gid != up.srv.group {
		return 0, vkParamErr("group_id is invalid")
	}
	if gid != 0 {
		return -gid, nil
	}
	return c.userID(), nil
}
