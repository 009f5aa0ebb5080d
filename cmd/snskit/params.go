package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/snskit/snskit"
)

// parseParams turns name=value arguments into a call's parameters:
//
//   - name=value is a parameter; a repeated name makes a list, which snskit
//     comma-joins (a=1 a=2 sends a=1,2).
//   - name=@path uploads the file at path, named by its base name.
//   - name=@@text sends the value @text: "@@" escapes a leading "@".
//
// The files are opened here; closeAll closes them and is never nil, so the
// caller defers it even when parseParams fails.
func parseParams(args []string) (params snskit.Params, closeAll func(), err error) {
	var files []*os.File
	closeAll = func() {
		for _, f := range files {
			_ = f.Close() // opened for reading only
		}
	}
	params = make(snskit.Params, len(args))
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			return nil, closeAll, fmt.Errorf("malformed parameter %q: want name=value (name=@path uploads a file, name=@@text sends @text)", a)
		}
		switch {
		case strings.HasPrefix(value, "@@"):
			value = value[1:]
		case strings.HasPrefix(value, "@"):
			if _, dup := params[name]; dup {
				return nil, closeAll, fmt.Errorf("parameter %q: a file cannot be repeated or mixed with values", name)
			}
			f, err := openUpload(name, value[1:])
			if err != nil {
				return nil, closeAll, err
			}
			files = append(files, f)
			params[name] = snskit.Upload(filepath.Base(f.Name()), f)
			continue
		}
		switch old := params[name].(type) {
		case nil:
			params[name] = value
		case string:
			params[name] = []string{old, value}
		case []string:
			params[name] = append(old, value)
		default:
			return nil, closeAll, fmt.Errorf("parameter %q: a file cannot be repeated or mixed with values", name)
		}
	}
	return params, closeAll, nil
}

// openUpload opens the file of a name=@path parameter.
func openUpload(name, path string) (*os.File, error) {
	if path == "" {
		return nil, fmt.Errorf("parameter %q: '@' needs a file path, as in %s=@photo.jpg (write @@ to send a value that starts with @)", name, name)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("parameter %q: cannot open the file to upload: %v", name, err)
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		_ = f.Close()
		return nil, fmt.Errorf("parameter %q: %s is a directory, not a file to upload", name, path)
	}
	return f, nil
}

// maxValueFile bounds a value read with -F: a parameter, not a download.
const maxValueFile = 16 << 20

// readValueFiles sets the parameters of the -F name=path flags to the text
// of their files, or of stdin for path "-".
func readValueFiles(params snskit.Params, specs []string, stdin io.Reader) error {
	usedStdin := false
	for _, spec := range specs {
		name, path, ok := strings.Cut(spec, "=")
		if !ok || name == "" || path == "" {
			return fmt.Errorf("-F %q: want name=path, as in -F code=script.vks (or -F code=- for stdin)", spec)
		}
		if _, dup := params[name]; dup {
			return fmt.Errorf("-F %s: parameter %q is given twice; give it either as %s=value or with -F", spec, name, name)
		}
		var r io.Reader
		if path == "-" {
			if usedStdin {
				return fmt.Errorf("-F %s: stdin is read once; only one -F may use -", spec)
			}
			usedStdin, r = true, stdin
		} else {
			f, err := os.Open(path)
			if err != nil {
				return fmt.Errorf("-F %s: cannot read the value's file: %v", spec, err)
			}
			defer f.Close()
			r = f
		}
		b, err := io.ReadAll(io.LimitReader(r, maxValueFile+1))
		if err != nil {
			return fmt.Errorf("-F %s: reading the value: %v", spec, err)
		}
		if len(b) > maxValueFile {
			return fmt.Errorf("-F %s: the value is larger than %d MiB; upload a file with %s=@path instead", spec, maxValueFile>>20, name)
		}
		params[name] = strings.TrimSuffix(string(b), "\n")
	}
	return nil
}
