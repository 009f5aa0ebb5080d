package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// storeToken is a token with every extra field a platform may send.
func storeToken() *oauth2.Token {
	t := &oauth2.Token{
		AccessToken:  "access-0123456789-abcdef",
		RefreshToken: "refresh-0123456789-abcdef",
		TokenType:    "bearer",
		Expiry:       time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	return t.WithExtra(map[string]any{
		"openid": "OPENID42", "unionid": "UNION42", "user_id": float64(12345678),
		"email": "u@example.test", "scope": "friends photos",
		"user": map[string]any{"id": float64(7), "name": "Li"},
	})
}

func TestSavedRoundTripKeepsTokenAndExtras(t *testing.T) {
	ctx := context.Background()
	st := NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	s := NewSaved(storeToken())
	s.Platform, s.BaseURL, s.AppID = "weixin", "http://127.0.0.1:1/weixin", "wxapp"
	require.NoError(t, st.Save(ctx, "weixin", s))

	got, err := NewFileStore(st.Path()).Load(ctx, "weixin")
	require.NoError(t, err)
	assert.Equal(t, "weixin", got.Platform)
	assert.Equal(t, "wxapp", got.AppID)
	assert.Equal(t, "12345678", got.UserID, "a JSON number written in decimal")
	tok := got.Token()
	want := storeToken()
	assert.Equal(t, want.AccessToken, tok.AccessToken)
	assert.Equal(t, want.RefreshToken, tok.RefreshToken)
	assert.Equal(t, want.TokenType, tok.TokenType)
	assert.True(t, want.Expiry.Equal(tok.Expiry))
	assert.Equal(t, "OPENID42", tok.Extra("openid"))
	assert.Equal(t, "OPENID42", TokenSource(oauth2.StaticTokenSource(tok)).OpenID(tok), "OAuth2.OpenID reads it")
	assert.Equal(t, "UNION42", tok.Extra("unionid"))
	assert.Equal(t, "12345678", tok.Extra("user_id"))
	assert.Equal(t, "u@example.test", tok.Extra("email"))
	assert.Equal(t, "friends photos", tok.Extra("scope"))
	assert.Equal(t, map[string]any{"id": float64(7), "name": "Li"}, tok.Extra("user"))
}

func TestSavedUserIDFromRenrenUser(t *testing.T) {
	tok := (&oauth2.Token{AccessToken: "a"}).WithExtra(map[string]any{"user": map[string]any{"id": float64(3141592)}})
	assert.Equal(t, "3141592", NewSaved(tok).UserID)
}

func TestSavedStringMasksSecrets(t *testing.T) {
	s := NewSaved(storeToken())
	s.TokenSecret, s.SessionKey = "tokensecret-0123456789", "sessionkey-0123456789"
	for _, out := range []string{s.String(), fmt.Sprintf("%v %+v %#v", s, s, s)} {
		for _, secret := range []string{s.AccessToken, s.RefreshToken, s.TokenSecret, s.SessionKey} {
			assert.NotContains(t, out, secret)
		}
		assert.Contains(t, out, "****cdef")
		assert.Contains(t, out, "OPENID42")
	}
	assert.Equal(t, "oauth1 token", s.Kind())
}

func TestFileStorePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "snskit")
	st := NewFileStore(filepath.Join(dir, "tokens.json"))
	require.NoError(t, st.Save(context.Background(), "vk", &Saved{Platform: "vk", AccessToken: "x"}))

	fi, err := os.Stat(st.Path())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	di, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())

	// A file made readable by others is replaced by a private one.
	require.NoError(t, os.Chmod(st.Path(), 0o644))
	require.NoError(t, st.Save(context.Background(), "qq", &Saved{Platform: "qq", AccessToken: "y"}))
	fi, err = os.Stat(st.Path())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestFileStoreNotFoundAndDelete(t *testing.T) {
	ctx := context.Background()
	st := NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	_, err := st.Load(ctx, "vk")
	assert.ErrorIs(t, err, ErrNotFound, "a missing file holds nothing")
	keys, err := st.Keys(ctx)
	require.NoError(t, err)
	assert.Empty(t, keys)

	require.NoError(t, st.Save(ctx, "vk", &Saved{Platform: "vk", AccessToken: "a"}))
	require.NoError(t, st.Save(ctx, "qq", &Saved{Platform: "qq", AccessToken: "b"}))
	keys, err = st.Keys(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"qq", "vk"}, keys)

	require.NoError(t, st.Delete(ctx, "vk"))
	assert.ErrorIs(t, st.Delete(ctx, "vk"), ErrNotFound)
	_, err = st.Load(ctx, "vk")
	assert.ErrorIs(t, err, ErrNotFound)
	got, err := st.Load(ctx, "qq")
	require.NoError(t, err)
	assert.Equal(t, "b", got.AccessToken)
}

func TestFileStoreLoadReturnsACopy(t *testing.T) {
	ctx := context.Background()
	st := NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	s := &Saved{Platform: "vk", AccessToken: "a"}
	require.NoError(t, st.Save(ctx, "vk", s))
	s.AccessToken = "changed after saving"
	got, err := st.Load(ctx, "vk")
	require.NoError(t, err)
	assert.Equal(t, "a", got.AccessToken)
}

func TestFileStoreCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"tokens": {"vk": `), 0o600))
	_, err := NewFileStore(path).Load(context.Background(), "vk")
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrNotFound)
	assert.Contains(t, err.Error(), "fix or delete it")
}

func TestFileStoreFailedWriteLeavesTheOldFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := NewFileStore(filepath.Join(dir, "tokens.json"))
	require.NoError(t, st.Save(ctx, "vk", &Saved{Platform: "vk", AccessToken: "old"}))
	before, err := os.ReadFile(st.Path())
	require.NoError(t, err)

	st.rename = func(string, string) error { return errors.New("disk on fire") }
	err = st.Save(ctx, "vk", &Saved{Platform: "vk", AccessToken: "new"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk on fire")

	after, err := os.ReadFile(st.Path())
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "the old file is untouched")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
	assert.Equal(t, "tokens.json", entries[0].Name())
}

func TestFileStoreConcurrentSaves(t *testing.T) {
	ctx := context.Background()
	st := NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("p%02d", i)
			assert.NoError(t, st.Save(ctx, key, &Saved{Platform: key, AccessToken: "tok-" + key}))
			_, err := st.Load(ctx, key)
			assert.NoError(t, err)
			_, err = st.Keys(ctx)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	keys, err := NewFileStore(st.Path()).Keys(ctx)
	require.NoError(t, err)
	assert.Len(t, keys, n, "no save lost another")
	for _, k := range keys {
		s, err := st.Load(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, "tok-"+k, s.AccessToken)
	}
}

func TestFileStoreFileNeverHoldsAppSecretField(t *testing.T) {
	st := NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	require.NoError(t, st.Save(context.Background(), "vk", NewSaved(storeToken())))
	b, err := os.ReadFile(st.Path())
	require.NoError(t, err)
	assert.NotContains(t, strings.ToLower(string(b)), "app_secret")
	assert.NotContains(t, strings.ToLower(string(b)), "password")
	assert.Contains(t, string(b), `"version": 1`)
}

func TestDefaultTokenFile(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg-test-config")
	t.Setenv("HOME", "/tmp/home-test")
	p, err := DefaultTokenFile()
	require.NoError(t, err)
	want, _ := os.UserConfigDir()
	assert.Equal(t, filepath.Join(want, "snskit", "tokens.json"), p)
	assert.True(t, strings.HasPrefix(p, "/tmp/"), "follows the environment: %s", p)
}
