package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// ErrNotFound is returned (wrapped) by a Store when nothing is stored under
// a key: test for it with errors.Is.
const ErrNotFound storeError = "auth: no token stored under this key"

// storeError is an error value that can be a constant.
type storeError string

// Error returns the message.
func (e storeError) Error() string { return string(e) }

// Store keeps users' tokens between runs, under keys the application picks
// (snskit's command line uses the platform's name, such as "vk"). A Store
// must be safe for concurrent use.
type Store interface {
	// Load returns the token stored under key, or an error wrapping
	// ErrNotFound.
	Load(ctx context.Context, key string) (*Saved, error)
	// Save stores s under key, replacing what was there.
	Save(ctx context.Context, key string, s *Saved) error
	// Delete removes the token stored under key, or returns an error
	// wrapping ErrNotFound.
	Delete(ctx context.Context, key string) error
	// Keys lists the keys in use, sorted.
	Keys(ctx context.Context) ([]string, error)
}

// Saved is a stored credential: what the user obtained by logging in, and
// where. It never holds the application's secret or the user's password.
// The fields that apply to the credential are set: AccessToken (with
// RefreshToken, TokenType, Expiry) for OAuth 2.0; AccessToken and
// TokenSecret for OAuth 1.0a; SessionKey for a legacy session key.
type Saved struct {
	// Platform is the platform's short name: "vk", "qq"...
	Platform string `json:"platform"`
	// BaseURL is the base URL the token was obtained through, empty for
	// the platform's own hosts.
	BaseURL string `json:"base_url,omitempty"`
	// AppID is the application (client id, app key, consumer key) the
	// token was issued to.
	AppID string `json:"app_id,omitempty"`
	// RedirectURL is the redirect address the login used; some platforms
	// want it again when refreshing.
	RedirectURL string `json:"redirect_url,omitempty"`

	// AccessToken is the OAuth 2.0 access token, or the OAuth 1.0a token
	// when TokenSecret is set.
	AccessToken  string    `json:"access_token,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	// TokenSecret is the OAuth 1.0a token secret.
	TokenSecret string `json:"token_secret,omitempty"`
	// SessionKey is a legacy session key (Renren 1.0, Kaixin001).
	SessionKey string `json:"session_key,omitempty"`

	// The fields platforms send beside a token (see oauth2.Token.Extra).
	OpenID  string `json:"openid,omitempty"`
	UnionID string `json:"unionid,omitempty"`
	UserID  string `json:"user_id,omitempty"`
	Email   string `json:"email,omitempty"`
	Scope   string `json:"scope,omitempty"`
	// DeviceID is the device a token is bound to, which its refresh must
	// name again (VK ID).
	DeviceID string `json:"device_id,omitempty"`
	// User is Renren's user object ({id, name, avatar}), as sent.
	User json.RawMessage `json:"user,omitempty"`

	// Updated is when the token was stored.
	Updated time.Time `json:"updated,omitzero"`
}

// NewSaved returns a record of the OAuth 2.0 token t with the extra fields
// the platform sent beside it (openid, unionid, user_id, email, scope and
// Renren's user). The caller fills in Platform, BaseURL and AppID.
func NewSaved(t *oauth2.Token) *Saved {
	s := &Saved{}
	if t == nil {
		return s
	}
	s.AccessToken, s.RefreshToken, s.TokenType, s.Expiry = t.AccessToken, t.RefreshToken, t.TokenType, t.Expiry
	s.OpenID = extraString(t, "openid")
	s.UnionID = extraString(t, "unionid")
	s.UserID = extraString(t, "user_id")
	s.Email = extraString(t, "email")
	s.Scope = extraString(t, "scope")
	s.DeviceID = extraString(t, "device_id")
	if u := t.Extra("user"); u != nil && u != "" {
		if b, err := json.Marshal(u); err == nil {
			s.User = b
		}
	}
	if s.UserID == "" && len(s.User) > 0 {
		var u struct {
			ID json.Number `json:"id"`
		}
		if json.Unmarshal(s.User, &u) == nil {
			s.UserID = u.ID.String()
		}
	}
	return s
}

// extraString returns a field sent beside t as a string: numbers are
// written in decimal.
func extraString(t *oauth2.Token, key string) string {
	switch v := t.Extra(key).(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(v, 10)
	case json.Number:
		return v.String()
	}
	return ""
}

// Token returns the OAuth 2.0 token of s, with its extra fields reachable
// through Extra (as strings; Renren's user as decoded JSON), so that
// auth.OAuth2.OpenID finds the openid.
func (s *Saved) Token() *oauth2.Token {
	t := &oauth2.Token{AccessToken: s.AccessToken, RefreshToken: s.RefreshToken, TokenType: s.TokenType, Expiry: s.Expiry}
	extra := map[string]any{}
	for k, v := range map[string]string{"openid": s.OpenID, "unionid": s.UnionID, "user_id": s.UserID, "email": s.Email, "scope": s.Scope, "device_id": s.DeviceID} {
		if v != "" {
			extra[k] = v
		}
	}
	if len(s.User) > 0 {
		var u any
		if json.Unmarshal(s.User, &u) == nil {
			extra["user"] = u
		}
	}
	if len(extra) == 0 {
		return t
	}
	return t.WithExtra(extra)
}

// Kind names the stored credential as Credential.Kind does: "oauth1
// token" when TokenSecret is set, else "oauth2 token" when AccessToken is,
// else "session key".
func (s *Saved) Kind() string {
	switch {
	case s.TokenSecret != "":
		return "oauth1 token"
	case s.AccessToken == "" && s.SessionKey != "":
		return "session key"
	}
	return "oauth2 token"
}

// String describes s with its secrets masked.
func (s Saved) String() string {
	parts := []string{"platform: " + s.Platform}
	add := func(name, v string) {
		if v != "" {
			parts = append(parts, name+": "+v)
		}
	}
	add("base_url", s.BaseURL)
	add("app_id", s.AppID)
	for _, f := range []struct{ name, v string }{{"access_token", s.AccessToken}, {"refresh_token", s.RefreshToken},
		{"token_secret", s.TokenSecret}, {"session_key", s.SessionKey}} {
		if f.v != "" {
			add(f.name, Mask(f.v))
		}
	}
	if !s.Expiry.IsZero() {
		add("expiry", s.Expiry.UTC().Format(time.RFC3339))
	}
	add("openid", s.OpenID)
	add("user_id", s.UserID)
	add("scope", s.Scope)
	return "auth.Saved{" + strings.Join(parts, ", ") + "}"
}

// GoString masks the secrets as String does.
func (s Saved) GoString() string { return s.String() }

// Format prints String whatever the verb.
func (s Saved) Format(f fmt.State, verb rune) { io.WriteString(f, s.String()) }

// DefaultTokenFile returns the token file of snskit's command line:
// tokens.json in the snskit directory of the user's configuration
// directory (os.UserConfigDir: ~/.config/snskit on Linux).
func DefaultTokenFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("auth: no configuration directory for the token file: %w", err)
	}
	return filepath.Join(dir, "snskit", "tokens.json"), nil
}

// FileStore is a Store that keeps every token in one JSON file, readable
// and writable by its owner only (0600, in a directory created 0700). Each
// change rewrites the whole file atomically: a new file in the same
// directory, synced, then renamed over the old one, so that a crash leaves
// either the old file or the new one, never a part. A FileStore is safe for
// concurrent use; processes sharing a file do not lock it, so the last
// writer wins.
type FileStore struct {
	path string
	mu   sync.Mutex
	// rename is os.Rename; tests replace it to make the last step fail.
	rename func(oldpath, newpath string) error
}

// NewFileStore returns a store that keeps its tokens in the file at path,
// which need not exist yet.
func NewFileStore(path string) *FileStore {
	return &FileStore{path: path, rename: os.Rename}
}

// Path returns the store's file.
func (f *FileStore) Path() string { return f.path }

// tokenFile is the file's content.
type tokenFile struct {
	Version int               `json:"version"`
	Tokens  map[string]*Saved `json:"tokens"`
}

// Load implements Store.
func (f *FileStore) Load(ctx context.Context, key string) (*Saved, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tf, err := f.read(ctx, true)
	if err != nil {
		return nil, err
	}
	s, ok := tf.Tokens[key]
	if !ok || s == nil {
		return nil, fmt.Errorf("%w: %q in %s", ErrNotFound, key, f.path)
	}
	cp := *s
	return &cp, nil
}

// Save implements Store.
func (f *FileStore) Save(ctx context.Context, key string, s *Saved) error {
	if key == "" || s == nil {
		return errors.New("auth: saving a token needs a key and a token")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	tf, err := f.read(ctx, false)
	if err != nil {
		return err
	}
	cp := *s
	tf.Tokens[key] = &cp
	return f.write(tf)
}

// Delete implements Store.
func (f *FileStore) Delete(ctx context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	tf, err := f.read(ctx, false)
	if err != nil {
		return err
	}
	if _, ok := tf.Tokens[key]; !ok {
		return fmt.Errorf("%w: %q in %s", ErrNotFound, key, f.path)
	}
	delete(tf.Tokens, key)
	return f.write(tf)
}

// Keys implements Store.
func (f *FileStore) Keys(ctx context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tf, err := f.read(ctx, true)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(tf.Tokens))
	for k := range tf.Tokens {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys, nil
}

// read returns the file's content; a missing file holds no token.
func (f *FileStore) read(ctx context.Context, strict bool) (*tokenFile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tf := &tokenFile{Version: 1, Tokens: map[string]*Saved{}}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return tf, nil
	}
	if err == nil && strict && runtime.GOOS != "windows" {
		if fi, serr := os.Stat(f.path); serr == nil && fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("auth: the token file %s is readable or writable by others (mode %v); run chmod 600 %s", f.path, fi.Mode().Perm(), f.path)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("auth: reading the token file: %w", err)
	}
	if err := json.Unmarshal(b, tf); err != nil {
		return nil, fmt.Errorf("auth: the token file %s is not valid JSON (%v); fix or delete it", f.path, err)
	}
	if tf.Tokens == nil {
		tf.Tokens = map[string]*Saved{}
	}
	return tf, nil
}

// write replaces the file with tf atomically.
func (f *FileStore) write(tf *tokenFile) (err error) {
	b, err := json.MarshalIndent(tf, "", "  ")
	if err != nil {
		return fmt.Errorf("auth: encoding the tokens: %w", err)
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("auth: creating the token directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("auth: writing the token file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("auth: writing the token file: %w", err)
	}
	if _, err = tmp.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("auth: writing the token file: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("auth: writing the token file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("auth: writing the token file: %w", err)
	}
	if err = f.rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("auth: replacing the token file: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not supported everywhere (Windows); the rename is done either way
		d.Close()
	}
}
