package sandbox

import (
	"net/http"
	"path"
	"strconv"
	"strings"
)

// VK documents: docs.getUploadServer (user), docs.getWallUploadServer and
// docs.getMessagesUploadServer (user or community) hand out a /upload/doc
// URL taking the field "file"; its reply {"file":"…"} goes to docs.save,
// which answers {"type":T, T:{…}} with T the upload server's type: doc
// (docs.getMessagesUploadServer type=doc and the other two servers),
// audio_message or graffiti. A file string that is not an unsaved upload of
// the caller, or whose server or hash was altered, is error 105. Saved
// documents are served back byte for byte under /doc/<owner>_<id>.

// vkDoc is a saved document.
type vkDoc struct {
	id, owner, date int64
	typ, title      string
	data            []byte
}

func (p *vkPlatform) docsUploadServer(c *vkCall, typ string) (any, *vkError) {
	gid, err := c.uploadGroup()
	if err != nil {
		return nil, err
	}
	u := p.newUploadURL(c, vkUploadServer{kind: vkUpDoc, user: c.userID(), group: gid, docType: typ})
	return map[string]any{"upload_url": u}, nil
}

// docs.getUploadServer: https://dev.vk.com/ru/method/docs.getUploadServer
func (p *vkPlatform) docsGetUploadServer(c *vkCall) (any, *vkError) {
	return p.docsUploadServer(c, "doc")
}

// docs.getWallUploadServer: https://dev.vk.com/ru/method/docs.getWallUploadServer
func (p *vkPlatform) docsGetWallUploadServer(c *vkCall) (any, *vkError) {
	return p.docsUploadServer(c, "doc")
}

// docs.getMessagesUploadServer: https://dev.vk.com/ru/method/docs.getMessagesUploadServer
func (p *vkPlatform) docsGetMessagesUploadServer(c *vkCall) (any, *vkError) {
	typ := c.params["type"]
	switch typ {
	case "":
		typ = "doc"
	case "doc", "audio_message", "graffiti":
	default:
		return nil, vkParamErr("type is invalid")
	}
	if _, err := c.int("peer_id", 0); err != nil {
		return nil, err
	}
	return p.docsUploadServer(c, typ)
}

// docs.save: https://dev.vk.com/ru/method/docs.save
func (p *vkPlatform) docsSave(c *vkCall) (any, *vkError) {
	file := c.params["file"]
	if file == "" {
		return nil, vkParamErr("file is undefined")
	}
	parts := strings.Split(file, "|")
	cantSave := vkErr(105, "Couldn't save file")
	if len(parts) != 7 || parts[1] != strconv.Itoa(VKUploadServer) {
		return nil, cantSave
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	up, ok := p.up.pending[parts[2]]
	if !ok || up.srv.kind != vkUpDoc || up.hash != parts[3] || up.srv.docType != parts[6] ||
		up.srv.user != c.userID() || (c.grant.GroupID != 0 && up.srv.group != c.grant.GroupID) {
		return nil, cantSave
	}
	delete(p.up.pending, parts[2])
	owner := c.userID()
	if up.srv.group != 0 {
		owner = -up.srv.group
	}
	title := c.params["title"]
	if title == "" {
		title = up.filename
	}
	p.up.nextDoc++
	d := &vkDoc{id: p.up.nextDoc, owner: owner, date: p.env.now().Unix(), typ: up.srv.docType, title: title, data: up.data}
	key := vkPhotoKey(d.owner, d.id)
	p.up.docs[key] = d
	u := c.base + "/doc/" + key
	var obj map[string]any
	switch d.typ {
	case "audio_message":
		obj = map[string]any{"id": d.id, "owner_id": d.owner, "duration": 1, "waveform": []int{0},
			"link_ogg": u, "link_mp3": u}
	case "graffiti":
		obj = map[string]any{"id": d.id, "owner_id": d.owner, "url": u, "width": 0, "height": 0}
	default:
		ext := strings.TrimPrefix(path.Ext(up.filename), ".")
		obj = map[string]any{"id": d.id, "owner_id": d.owner, "title": d.title, "size": len(d.data),
			"ext": ext, "url": u, "date": d.date, "type": 8}
		if c.params["return_tags"] == "1" {
			obj["tags"] = c.list("tags")
		}
	}
	return map[string]any{"type": d.typ, d.typ: obj}, nil
}

// serveDocFile serves a saved document's bytes as they were uploaded.
func (p *vkPlatform) serveDocFile(w http.ResponseWriter, r *http.Request, name string) {
	p.mu.Lock()
	d, ok := p.up.docs[name]
	p.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(d.data))
	_, _ = w.Write(d.data)
}
