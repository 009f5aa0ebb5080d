package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/platforms"
	"github.com/tidwall/gjson"
)

// uploadKinds are the kinds of "snskit call -upload KIND", by name.
func uploadKinds() map[string]platforms.VKUploadKind {
	return map[string]platforms.VKUploadKind{
		"album": platforms.VKAlbumPhotos, "wall": platforms.VKWallPhoto, "message": platforms.VKMessagePhoto,
		"doc": platforms.VKDocument, "wall-doc": platforms.VKWallDocument, "message-doc": platforms.VKMessageDocument,
	}
}

// uploadKindList is the help's list of -upload kinds.
const uploadKindList = "album, wall, message, doc, wall-doc or message-doc"

// runUpload runs "snskit call -upload KIND PLATFORM name=@path... [name=value...]":
// the platform's upload steps in one go (VK: get the upload server, post
// the files, save), printing the save method's result. The files are the
// name=@path parameters in the order of their names (file1, file2...);
// the other parameters go to the step that takes them.
func runUpload(ctx context.Context, api *snskit.API, name string, f *callFlags, params snskit.Params, out, errw io.Writer) int {
	kind, ok := uploadKinds()[f.upload]
	if name != "vk" {
		return usageFailure(errw, fmt.Errorf("-upload is for vk; %s uploads with its own method, as in 'snskit call %s METHOD file=@path'", name, name))
	}
	if !ok {
		return usageFailure(errw, fmt.Errorf("-upload %q: want %s", f.upload, uploadKindList))
	}
	var names []string
	for k, v := range params {
		if _, isFile := v.(snskit.File); isFile {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return usageFailure(errw, fmt.Errorf("-upload %s needs a file: add name=@path, as in photo=@cat.jpg", f.upload))
	}
	slices.Sort(names)
	files := make([]snskit.File, len(names))
	for i, k := range names {
		files[i] = params[k].(snskit.File)
		delete(params, k)
	}
	res, err := platforms.VKUpload(ctx, api, kind, params, files...)
	if err != nil {
		return report(out, errw, nil, err, f) // a refusal before sending is a usage error there
	}
	if f.query != "" {
		res = res.Get(f.query)
		if !res.Exists() {
			fmt.Fprintf(errw, "snskit: -q %q matches nothing in the result\n", f.query)
			return exitOK
		}
		if res.Type == gjson.String {
			fmt.Fprintf(out, "%s\n", res.Str)
			return exitOK
		}
	}
	fmt.Fprintf(out, "%s\n", formatJSON(res, f.out))
	return exitOK
}
