package sandbox

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"image"
	_ "image/gif" // decoders for photo dimensions
	_ "image/jpeg"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Wall photo upload, in VK's three steps
// (https://dev.vk.com/ru/api/upload/wall-photo): photos.getWallUploadServer
// gives an upload URL, the file is POSTed there (multipart field "photo"),
// and photos.saveWallPhoto turns the upload's server, photo and hash into a
// photo. Uploads live in memory; saved photos are served back byte for byte
// under /photos/<owner>_<id>.jpg, so tests can check what arrived.

const (
	vkUploadServerID = 851234
	vkWallAlbum      = -14
)

// vkUploadServer is an upload URL handed out by getWallUploadServer.
type vkUploadServer struct {
	user, group int64
}

// vkUpload is a file received by the upload host, not yet saved.
type vkUpload struct {
	user, group int64
	hash        string
	data        []byte
}

// vkPhoto is a saved photo.
type vkPhoto struct {
	id, owner, date int64
	text            string
	data            []byte
	width, height   int
}

// photos.getWallUploadServer: https://dev.vk.com/ru/method/photos.getWallUploadServer
func (p *vkPlatform) photosGetWallUploadServer(c *vkCall) (any, *vkError) {
	gid, err := c.int("group_id", 0)
	if err != nil {
		return nil, err
	}
	if _, ok := vkGroupByID(gid); gid != 0 && !ok {
		return nil, vkParamErr("group_id is incorrect")
	}
	me := c.userID()
	key := randomHex(12)
	p.mu.Lock()
	p.uploadSrv[key] = vkUploadServer{user: me, group: gid}
	p.mu.Unlock()
	u := c.base + "/upload/photo?act=do_add&mid=" + strconv.FormatInt(me, 10) +
		"&aid=" + strconv.Itoa(vkWallAlbum) + "&gid=" + strconv.FormatInt(gid, 10) + "&hash=" + key
	return map[string]any{"upload_url": u, "album_id": vkWallAlbum, "user_id": me}, nil
}

// serveUpload is the upload host. It answers {"server","photo","hash"};
// without a "photo" file part, photo is "[]", as VK answers.
func (p *vkPlatform) serveUpload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, "", map[string]string{"error": "upload requires POST"})
		return
	}
	p.mu.Lock()
	srv, ok := p.uploadSrv[r.Form.Get("hash")]
	p.mu.Unlock()
	if !ok {
		// (unverified) VK's exact text for a forged or stale upload URL.
		writeJSON(w, http.StatusOK, "", map[string]string{"error": "ERR_UPLOAD_BAD_SIGNATURE: invalid upload url"})
		return
	}
	reply := map[string]any{"server": vkUploadServerID, "photo": "[]", "hash": vkMD5("")}
	if r.MultipartForm == nil || len(r.MultipartForm.File["photo"]) == 0 {
		writeJSON(w, http.StatusOK, "", reply)
		return
	}
	fh := r.MultipartForm.File["photo"][0]
	f, err := fh.Open()
	if err != nil {
		writeJSON(w, http.StatusOK, "", map[string]string{"error": "ERR_UPLOAD_FILE: " + err.Error()})
		return
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		writeJSON(w, http.StatusOK, "", map[string]string{"error": "ERR_UPLOAD_FILE: " + err.Error()})
		return
	}
	pid, hash := randomHex(5), randomHex(16)
	p.mu.Lock()
	p.pending[pid] = &vkUpload{user: srv.user, group: srv.group, hash: hash, data: data}
	p.mu.Unlock()
	// The photo string is opaque to clients; the sandbox adds the received
	// size and md5 ("kid") so tests can check the file arrived whole.
	photo, _ := json.Marshal([]map[string]any{{
		"photo": pid + ":w", "sizes": []any{}, "latitude": 0, "longitude": 0,
		"kid": vkMD5(string(data)), "size": len(data), "filename": fh.Filename,
	}})
	reply["photo"], reply["hash"] = string(photo), hash
	writeJSON(w, http.StatusOK, "", reply)
}

// photos.saveWallPhoto: https://dev.vk.com/ru/method/photos.saveWallPhoto
func (p *vkPlatform) photosSaveWallPhoto(c *vkCall) (any, *vkError) {
	var list []struct {
		Photo string `json:"photo"`
	}
	if c.params["photo"] == "" {
		return nil, vkParamErr("photo is undefined")
	}
	if err := json.Unmarshal([]byte(c.params["photo"]), &list); err != nil || len(list) == 0 {
		return nil, vkParamErr("photos_list is invalid")
	}
	gid, err := c.int("group_id", 0)
	if err != nil {
		return nil, err
	}
	pid, _, _ := strings.Cut(list[0].Photo, ":")
	me := c.userID()
	p.mu.Lock()
	defer p.mu.Unlock()
	up, ok := p.pending[pid]
	switch {
	case !ok || up.user != me:
		return nil, vkParamErr("photos_list is invalid")
	case c.params["server"] != strconv.Itoa(vkUploadServerID):
		return nil, vkErr(118, "Invalid server")
	case c.params["hash"] != up.hash:
		return nil, vkErr(121, "Invalid hash")
	case gid != up.group:
		return nil, vkParamErr("group_id is invalid")
	}
	delete(p.pending, pid)
	owner := me
	if up.group != 0 {
		owner = -up.group
	}
	p.nextPhoto++
	ph := &vkPhoto{id: p.nextPhoto, owner: owner, date: p.env.now().Unix(), text: c.params["caption"], data: up.data}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(up.data)); err == nil {
		ph.width, ph.height = cfg.Width, cfg.Height
	}
	p.photos[vkPhotoKey(owner, ph.id)] = ph
	return []any{ph.object(c.base)}, nil
}

func (ph *vkPhoto) object(base string) map[string]any {
	u := base + "/photos/" + vkPhotoKey(ph.owner, ph.id) + ".jpg"
	size := func(typ string, limit int) map[string]any {
		w, h := ph.width, ph.height
		if w > limit || h > limit {
			if w >= h {
				w, h = limit, h*limit/w
			} else {
				w, h = w*limit/h, limit
			}
		}
		return map[string]any{"type": typ, "url": u, "width": w, "height": h}
	}
	return map[string]any{
		"id": ph.id, "album_id": vkWallAlbum, "owner_id": ph.owner, "date": ph.date,
		"text": ph.text, "has_tags": false,
		"sizes": []any{size("s", 75), size("m", 130), size("x", 604)},
	}
}

// servePhotoFile serves a saved photo's bytes as they were uploaded.
func (p *vkPlatform) servePhotoFile(w http.ResponseWriter, r *http.Request, name string) {
	p.mu.Lock()
	ph, ok := p.photos[strings.TrimSuffix(name, ".jpg")]
	p.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(ph.data))
	_, _ = w.Write(ph.data)
}

func vkMD5(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
