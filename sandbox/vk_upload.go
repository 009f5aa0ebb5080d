package sandbox

import (
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// VK uploads in three steps (https://dev.vk.com/ru/api/upload/overview,
// PLATFORMS-MORE.md §5): a *.get…UploadServer method hands out an upload
// URL, the file is POSTed there as multipart/form-data (no token needed), and
// a save method turns the upload's reply into a photo or document.
//
//	target   upload URL       file field(s)    upload reply
//	album    /upload/photo    file1 … file5    {"server":N,"photos_list":"<JSON text>","aid":A,"hash":"<hex>"}
//	wall     /upload/photo    photo            {"server":N,"photo":"<JSON text>","hash":"<hex>"}
//	message  /upload/photo    photo            {"server":N,"photo":"<JSON text>","hash":"<hex>"}
//	document /upload/doc      file             {"file":"<opaque string>"}
//
// server is always VKUploadServer. photos_list, photo and file are opaque:
// pass them to the save method byte for byte. The JSON text of a photo entry
// carries, besides VK's fields, the received byte count ("size"), md5
// ("kid") and file name, so tests can check what arrived.
//
// An upload URL may be used any number of times until it expires,
// VKUploadURLTTL after it was handed out (unverified: VK's URLs are known to
// be reusable for a while, the exact lifetime is not documented); each
// upload reply can be saved once. Upload-server errors are HTTP 200 JSON in
// the shape vksdk reads ({"error","error_code","error_descr",
// "error_is_logged"}; the codes are the sandbox's own, unverified):
//
//	1 ERR_UPLOAD_BAD_SIGNATURE  unknown or expired upload URL
//	2 ERR_UPLOAD_FILE_FIELD     file parts only under fields this target does not read
//	3 ERR_UPLOAD_NO_FILE        a document server got no file
//	4 ERR_UPLOAD_FILE_READ      the file part could not be read
//
// A photo server that gets no file part at all answers an empty list ("[]"),
// as VK does; saving that is error 100.

// VKUploadServer is the server number every VK upload reply carries and
// every save method expects (a different one is error 118).
const VKUploadServer = 851234

// VKUploadURLTTL is how long an upload URL takes uploads.
const VKUploadURLTTL = time.Hour

const (
	vkWallAlbum    = -14 // the album_id photos.getWallUploadServer answers
	vkMessageAlbum = -3  // (unverified) the album of photos sent in messages
	vkMaxAlbumFile = 5   // file1 … file5
)

// vkUploadKind is the target an upload URL serves.
type vkUploadKind int

const (
	vkUpAlbum vkUploadKind = iota
	vkUpWall
	vkUpMessage
	vkUpDoc
)

// vkUploadServer is an upload URL handed out by a *.get…UploadServer method.
type vkUploadServer struct {
	kind        vkUploadKind
	user, group int64 // the caller; group is the owning community, if any
	album       int64
	docType     string // doc, audio_message or graffiti (documents only)
	expires     time.Time
}

// vkUpload is a file received by the upload host, not yet saved.
type vkUpload struct {
	srv      vkUploadServer
	hash     string
	data     []byte
	filename string
}

// vkUploads is the upload state of the VK emulator, guarded by vkPlatform.mu.
type vkUploads struct {
	servers map[string]vkUploadServer // by the hash of the upload URL
	pending map[string]*vkUpload      // by upload id
	docs    map[string]*vkDoc         // saved documents, by "owner_id"
	nextDoc int64
}

func newVKUploads() vkUploads {
	return vkUploads{
		servers: map[string]vkUploadServer{}, pending: map[string]*vkUpload{},
		docs: map[string]*vkDoc{}, nextDoc: 664000100,
	}
}

// newUploadURL records an upload server and returns its URL.
func (p *vkPlatform) newUploadURL(c *vkCall, srv vkUploadServer) string {
	key := randomHex(12)
	srv.expires = p.env.now().Add(VKUploadURLTTL)
	p.mu.Lock()
	p.up.servers[key] = srv
	p.mu.Unlock()
	q := "?act=do_add&mid=" + strconv.FormatInt(srv.user, 10) + "&aid=" + strconv.FormatInt(srv.album, 10) +
		"&gid=" + strconv.FormatInt(srv.group, 10) + "&hash=" + key
	if srv.kind == vkUpDoc {
		return c.base + "/upload/doc" + strings.Replace(q, "do_add", "add_doc", 1) + "&type=" + srv.docType
	}
	return c.base + "/upload/photo" + q
}

// vkUploadError writes an upload-server error.
func vkUploadError(w http.ResponseWriter, code int, name, descr string) {
	writeJSON(w, http.StatusOK, "", map[string]any{
		"error": name + ": " + descr, "error_code": code, "error_descr": descr, "error_is_logged": false,
	})
}

// vkFileFields are the multipart fields a target reads, in order.
func vkFileFields(k vkUploadKind) []string {
	switch k {
	case vkUpAlbum:
		return []string{"file1", "file2", "file3", "file4", "file5"}
	case vkUpDoc:
		return []string{"file"}
	}
	return []string{"photo"}
}

// serveUpload is the upload host: /upload/photo and /upload/doc.
func (p *vkPlatform) serveUpload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, "", map[string]string{"error": "upload requires POST"})
		return
	}
	p.mu.Lock()
	srv, ok := p.up.servers[r.URL.Query().Get("hash")]
	p.mu.Unlock()
	if !ok || !p.env.now().Before(srv.expires) || (r.URL.Path == "/upload/doc") != (srv.kind == vkUpDoc) {
		vkUploadError(w, 1, "ERR_UPLOAD_BAD_SIGNATURE", "invalid or expired upload url")
		return
	}
	var files []*multipart.FileHeader
	sent := false
	if mf := r.MultipartForm; mf != nil {
		for _, fs := range mf.File {
			sent = sent || len(fs) > 0
		}
		for _, f := range vkFileFields(srv.kind) {
			if fs := mf.File[f]; len(fs) > 0 {
				files = append(files, fs[0])
			}
		}
	}
	switch {
	case sent && len(files) == 0:
		vkUploadError(w, 2, "ERR_UPLOAD_FILE_FIELD", "no file in field "+strings.Join(vkFileFields(srv.kind), ", "))
		return
	case len(files) == 0 && srv.kind == vkUpDoc:
		vkUploadError(w, 3, "ERR_UPLOAD_NO_FILE", "no file was uploaded (field file)")
		return
	}
	hash := randomHex(16)
	var entries []map[string]any
	var docFile string
	for _, fh := range files {
		data, err := vkReadPart(fh)
		if err != nil {
			vkUploadError(w, 4, "ERR_UPLOAD_FILE_READ", err.Error())
			return
		}
		id := randomHex(5)
		p.mu.Lock()
		p.up.pending[id] = &vkUpload{srv: srv, hash: hash, data: data, filename: fh.Filename}
		p.mu.Unlock()
		entries = append(entries, map[string]any{
			"photo": id + ":w", "sizes": []any{}, "latitude": 0, "longitude": 0,
			"kid": vkMD5(string(data)), "size": len(data), "filename": fh.Filename,
		})
		docFile = strings.Join([]string{"1", strconv.Itoa(VKUploadServer), id, hash, vkMD5(string(data)),
			strconv.Itoa(len(data)), srv.docType}, "|")
	}
	list := "[]"
	if len(entries) > 0 {
		b, _ := json.Marshal(entries)
		list = string(b)
	}
	switch srv.kind {
	case vkUpDoc:
		writeJSON(w, http.StatusOK, "", map[string]any{"file": docFile})
	case vkUpAlbum:
		writeJSON(w, http.StatusOK, "", map[string]any{"server": VKUploadServer, "photos_list": list, "aid": srv.album, "hash": hash})
	default:
		writeJSON(w, http.StatusOK, "", map[string]any{"server": VKUploadServer, "photo": list, "hash": hash})
	}
}

func vkReadPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}
