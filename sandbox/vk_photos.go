package sandbox

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"image"
	_ "image/gif" // decoders for photo dimensions
	_ "image/jpeg"
	"net/http"
	"strings"
)

// Saved VK photos live in memory and are served back byte for byte under
// /photos/<owner>_<id>.jpg, so tests can check what arrived.

// vkAlbum is a photo album a photos.getUploadServer call may name.
type vkAlbum struct {
	ID    int64
	Owner int64 // a user, or a community written negative
	Title string
}

// vkAlbums() are the seeded albums: two of user 1, one of user 2, one of
// community 1 and VKPopularAlbumID.
func vkAlbums() []vkAlbum {
	return []vkAlbum{
		{ID: 281000001, Owner: 1, Title: "Sandbox trips"},
		{ID: 281000002, Owner: 1, Title: "Cats"},
		{ID: 281000003, Owner: 2, Title: "Maria's album"},
		{ID: 281000004, Owner: -1, Title: "Sandbox Club photos"},
		{ID: VKPopularAlbumID, Owner: VKPopularUserID, Title: "Everything"},
	}
}

func vkAlbumByID(id int64) (vkAlbum, bool) {
	for _, a := range vkAlbums() {
		if a.ID == id {
			return a, true
		}
	}
	return vkAlbum{}, false
}

// vkPhoto is a saved photo.
type vkPhoto struct {
	id, owner, album, date int64
	text                   string
	data                   []byte
	width, height          int
}

// savePhoto stores an upload as a photo of owner. The caller holds p.mu.
func (p *vkPlatform) savePhoto(up *vkUpload, owner, album int64, caption string) *vkPhoto {
	p.nextPhoto++
	ph := &vkPhoto{id: p.nextPhoto, owner: owner, album: album, date: p.env.now().Unix(), text: caption, data: up.data}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(up.data)); err == nil {
		ph.width, ph.height = cfg.Width, cfg.Height
	}
	p.photos[vkPhotoKey(owner, ph.id)] = ph
	return ph
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
		"id": ph.id, "album_id": ph.album, "owner_id": ph.owner, "date": ph.date,
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
