package sandbox

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"image"
	_ "image/gif"  // uploads may be GIF
	_ "image/jpeg" // or JPEG
	_ "image/png"  // or PNG
	"io"
	"net/http"
)

// uploadedImage is an image file received in a multipart body (QQ and
// Kaixin uploads).
type uploadedImage struct {
	Field    string // the form field it came in
	Filename string
	Data     []byte
	MD5      string // hex, so tests can check the bytes arrived whole
	Format   string // gif, jpeg or png
	Width    int
	Height   int
}

// maxPixels bounds the images the sandbox decodes.
const maxPixels = 64 << 20

// sandboxError is an error value that can be a constant.
type sandboxError string

func (e sandboxError) Error() string { return string(e) }

const (
	errNoImage  sandboxError = "no file part"
	errBadImage sandboxError = "not a gif, jpeg or png image"
)

// readImagePart reads the first file part found under one of fields. It
// returns errNoImage when there is none and errBadImage when the bytes are
// not an image, as the platforms refuse those.
func readImagePart(r *http.Request, fields ...string) (uploadedImage, error) {
	if r.MultipartForm == nil {
		return uploadedImage{}, errNoImage
	}
	for _, f := range fields {
		fhs := r.MultipartForm.File[f]
		if len(fhs) == 0 {
			continue
		}
		file, err := fhs[0].Open()
		if err != nil {
			return uploadedImage{}, errNoImage
		}
		data, err := io.ReadAll(io.LimitReader(file, maxUpload+1))
		_ = file.Close()
		if err != nil {
			return uploadedImage{}, errNoImage
		}
		sum := md5.Sum(data)
		img := uploadedImage{Field: f, Filename: fhs[0].Filename, Data: data, MD5: hex.EncodeToString(sum[:])}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width*cfg.Height > maxPixels {
			return img, errBadImage
		}
		if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
			return img, errBadImage // a header alone is not an image
		}
		img.Format, img.Width, img.Height = format, cfg.Width, cfg.Height
		return img, nil
	}
	return uploadedImage{}, errNoImage
}
