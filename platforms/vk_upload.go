package platforms

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/snskit/snskit"
	"github.com/tidwall/gjson"
)

// VK uploads in one call (https://dev.vk.com/ru/api/upload/overview,
// PLATFORMS-MORE.md §5): get an upload server, POST the file there as
// multipart/form-data (no token), save what the upload server answered.

// VKUploadKind is what a VK upload makes, and so which three steps it takes.
type VKUploadKind int

// The kinds of VK upload.
const (
	// VKAlbumPhotos: photos.getUploadServer (album_id, group_id), up to 5
	// files as file1 to file5, photos.save (caption, latitude, longitude).
	VKAlbumPhotos VKUploadKind = iota
	// VKWallPhoto: photos.getWallUploadServer (group_id), one file as
	// photo, photos.saveWallPhoto (user_id or group_id, caption...).
	VKWallPhoto
	// VKMessagePhoto: photos.getMessagesUploadServer (peer_id), one file as
	// photo, photos.saveMessagesPhoto.
	VKMessagePhoto
	// VKDocument: docs.getUploadServer (group_id), one file as file,
	// docs.save (title, tags, return_tags).
	VKDocument
	// VKWallDocument: docs.getWallUploadServer (group_id), then as
	// VKDocument.
	VKWallDocument
	// VKMessageDocument: docs.getMessagesUploadServer (type, peer_id), then
	// as VKDocument.
	VKMessageDocument
)

// vkUploadFlow is the three steps of one kind.
type vkUploadFlow struct {
	name   string
	server string   // the method handing out the upload URL
	keys   []string // the caller's parameters it takes
	keep   []string // those of keys the save method takes too
	fields []string // the multipart fields of the files, in order
	save   string
	reply  []string // the upload reply's fields the save method takes
}

func (k VKUploadKind) flow() (vkUploadFlow, bool) {
	photo := []string{"server", "photo", "hash"}
	doc := []string{"file"}
	switch k {
	case VKAlbumPhotos:
		return vkUploadFlow{"album photos", "photos.getUploadServer", []string{"album_id", "group_id"}, []string{"album_id", "group_id"},
			[]string{"file1", "file2", "file3", "file4", "file5"}, "photos.save", []string{"server", "photos_list", "hash"}}, true
	case VKWallPhoto:
		return vkUploadFlow{"wall photo", "photos.getWallUploadServer", []string{"group_id"}, []string{"group_id"},
			[]string{"photo"}, "photos.saveWallPhoto", photo}, true
	case VKMessagePhoto:
		return vkUploadFlow{"message photo", "photos.getMessagesUploadServer", []string{"peer_id", "group_id"}, nil,
			[]string{"photo"}, "photos.saveMessagesPhoto", photo}, true
	case VKDocument:
		return vkUploadFlow{"document", "docs.getUploadServer", []string{"group_id"}, nil, []string{"file"}, "docs.save", doc}, true
	case VKWallDocument:
		return vkUploadFlow{"wall document", "docs.getWallUploadServer", []string{"group_id"}, nil, []string{"file"}, "docs.save", doc}, true
	case VKMessageDocument:
		return vkUploadFlow{"message document", "docs.getMessagesUploadServer", []string{"type", "peer_id"}, nil, []string{"file"}, "docs.save", doc}, true
	}
	return vkUploadFlow{}, false
}

// String returns the kind's name: "album photos", "wall photo"...
func (k VKUploadKind) String() string {
	if f, ok := k.flow(); ok {
		return f.name
	}
	return fmt.Sprintf("VKUploadKind(%d)", int(k))
}

// VKUpload uploads files to VK as kind in one call, doing VK's three steps:
// it asks the kind's method for an upload server, streams the files there
// (never reading them whole into memory), and saves what the server
// answered, returning the save method's result (photos for photos,
// {"type":"doc","doc":{...}} for documents):
//
//	f, _ := os.Open("cat.jpg")
//	defer f.Close()
//	photos, err := platforms.VKUpload(ctx, api, platforms.VKWallPhoto,
//		snskit.Params{"caption": "a cat"}, snskit.Upload("cat.jpg", f))
//	att := fmt.Sprintf("photo%d_%d", photos.Get("0.owner_id").Int(), photos.Get("0.id").Int())
//
// params hold the parameters of both methods (VKUploadKind's doc lists
// them); each goes to the method that takes it. Album photos take 1 to 5
// files, the others exactly one. Errors name the step: a *snskit.Error of
// the server method or the save method as a call's error, or of Method
// "upload" for the upload server's own errors (its error_code as Code, its
// text as Message, snskit.ErrBadParams), including an upload that stored
// nothing.
func VKUpload(ctx context.Context, api *snskit.API, kind VKUploadKind, params snskit.Params, files ...snskit.File) (gjson.Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	flow, ok := kind.flow()
	switch {
	case api == nil:
		return gjson.Result{}, fmt.Errorf("snskit: vk upload: needs a VK client from snskit.New(platforms.VK(), ...)")
	case !ok:
		return gjson.Result{}, fmt.Errorf("snskit: vk upload: unknown kind %d; use platforms.VKAlbumPhotos, VKWallPhoto, VKMessagePhoto, VKDocument, VKWallDocument or VKMessageDocument", int(kind))
	case api.Platform().Name() != "vk":
		return gjson.Result{}, fmt.Errorf("snskit: vk upload: the client is for %s, not vk", api.Platform().Name())
	case len(files) == 0 || len(files) > len(flow.fields):
		n := "exactly 1 file"
		if len(flow.fields) > 1 {
			n = fmt.Sprintf("1 to %d files", len(flow.fields))
		}
		return gjson.Result{}, fmt.Errorf("snskit: vk upload of %s: takes %s, not %d", flow.name, n, len(files))
	}
	get, save := snskit.Params{}, snskit.Params{}
	for k, v := range params {
		if _, isFile := v.(snskit.File); isFile {
			return gjson.Result{}, fmt.Errorf("snskit: vk upload of %s: parameter %q is a file; pass files after the parameters", flow.name, k)
		}
		if slices.Contains(flow.keys, k) {
			get[k] = v
			if !slices.Contains(flow.keep, k) {
				continue
			}
		}
		save[k] = v
	}
	srv, err := api.Method(flow.server).DoContext(ctx, get)
	if err != nil {
		return gjson.Result{}, err
	}
	uploadURL := srv.Get("upload_url").String()
	if uploadURL == "" {
		return gjson.Result{}, fmt.Errorf("snskit: vk %s: the reply has no upload_url", flow.server)
	}
	form := snskit.Params{}
	for i, f := range files {
		form[flow.fields[i]] = f
	}
	up, err := api.UploadTo(ctx, uploadURL, form)
	if err != nil {
		return gjson.Result{}, err
	}
	for _, k := range flow.reply {
		v := up.Get(k)
		if !v.Exists() {
			return gjson.Result{}, vkUploadError(up, fmt.Sprintf("the upload server's reply has no %q; nothing can be saved", k))
		}
		if v.Type == gjson.String && (k == "photo" || k == "photos_list") && strings.TrimSpace(v.Str) == "[]" {
			return gjson.Result{}, vkUploadError(up, "the upload server stored nothing (an empty "+k+"): check the files' type, size and field")
		}
		save[k] = v.String()
	}
	return api.Method(flow.save).DoContext(ctx, save)
}

// vkUploadError is an upload reply that cannot be saved, as a platform error.
func vkUploadError(up gjson.Result, msg string) *snskit.Error {
	return &snskit.Error{Platform: "vk", Method: "upload", Code: "upload", Message: msg, HTTPStatus: 200,
		Class: snskit.ErrBadParams, Detail: up}
}
