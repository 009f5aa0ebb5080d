package driver

import "io"

// Style tells how a platform writes parameter values on the wire.
type Style struct {
	// True and False are the encodings of bool; empty means "true"/"false".
	True, False string
	// TimeLayout formats time.Time values; empty means Unix seconds.
	TimeLayout string
}

// File is a file to upload. Its content is streamed from Reader while the
// request is sent, never read whole into memory. snskit reads Reader to its
// end but does not close it. When the call's context ends while a Read is
// blocked (a pipe, a stalled network body), the call returns at once and
// leaves that Read to its owner: closing the reader ends it, and its result
// is dropped.
type File struct {
	// Name is the file name sent to the platform; its extension matters to
	// most platforms.
	Name string
	// Reader yields the content.
	Reader io.Reader
	// Size is the content's length in bytes, or -1 when unknown.
	// snskit.Upload fills it in for readers that know their size
	// (*os.File, *bytes.Reader, *strings.Reader...), which lets the request
	// carry a Content-Length.
	Size int64
	// ContentType defaults to the type of Name's extension, or
	// application/octet-stream.
	ContentType string
}

// FormFile is a File placed under a form field.
type FormFile struct {
	Field string
	File  File
}
