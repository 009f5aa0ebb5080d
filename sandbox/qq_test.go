package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func qqSandbox(t *testing.T) (*Server, *Clock) {
	t.Helper()
	clock := NewClock(time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC))
	s, err := New(WithClock(clock.Now))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s, clock
}

// qqTestPNG makes a w x h PNG of noise, which does not compress: about
// 3*w*h bytes.
func qqTestPNG(t *testing.T, w, h int, seed int64) []byte {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(rng.Intn(256)), uint8(rng.Intn(256)), uint8(rng.Intn(256)), 255})
		}
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

// qqTestMultipart builds a multipart body with fields and, when fileField is
// set, one file part.
func qqTestMultipart(t *testing.T, fields url.Values, fileField, filename string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	body, ctype, err := qqMultipart(fields, fileField, filename, data)
	require.NoError(t, err)
	return body, ctype
}

func qqMultipart(fields url.Values, fileField, filename string, data []byte) (*bytes.Buffer, string, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				return nil, "", err
			}
		}
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, filename)
		if err != nil {
			return nil, "", err
		}
		if _, err := fw.Write(data); err != nil {
			return nil, "", err
		}
	}
	return &b, mw.FormDataContentType(), mw.Close()
}

// qqDo sends a request and returns status, content type and body. It is
// safe to call from any goroutine.
func qqDo(method, u, ctype string, body io.Reader) (int, string, string, error) {
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return 0, "", "", err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := wxNoRedirect.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b), err
}

// qqAPI calls an OpenAPI method with the common parameters of c, GET in the
// query or POST in a form body, and decodes the reply. It checks that the
// reply is served as text/html.
func qqAPI(t *testing.T, s *Server, method, path string, c Credentials, params url.Values) map[string]any {
	t.Helper()
	m, err := qqTryAPI(s, method, path, c, params)
	require.NoError(t, err)
	return m
}

// qqCommon adds the common parameters of every OpenAPI call to params.
func qqCommon(c Credentials, params url.Values) url.Values {
	q := url.Values{"access_token": {c.AccessToken}, "oauth_consumer_key": {qqAppID}, "openid": {c.OpenID}, "format": {"json"}}
	for k, v := range params {
		q[k] = v
	}
	return q
}

func qqTryAPI(s *Server, method, path string, c Credentials, params url.Values) (map[string]any, error) {
	q := qqCommon(c, params)
	u, ctype, body := s.URL(QQ)+path+"?"+q.Encode(), "", ""
	if method == http.MethodPost {
		u, ctype, body = s.URL(QQ)+path, "application/x-www-form-urlencoded", q.Encode()
	}
	status, ct, reply, err := qqDo(method, u, ctype, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	return qqDecode(path, status, ct, reply)
}

// qqDecode checks the content type of an OpenAPI reply and decodes it.
func qqDecode(path string, status int, ct, reply string) (map[string]any, error) {
	if status != http.StatusOK && status != http.StatusNotFound {
		return nil, fmt.Errorf("%s: status %d: %s", path, status, reply)
	}
	if ct != "text/html; charset=utf-8" {
		return nil, fmt.Errorf("%s: Content-Type %q, want text/html; charset=utf-8", path, ct)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(reply), &m); err != nil {
		return nil, fmt.Errorf("%s: %v: %s", path, err, reply)
	}
	return m, nil
}

func qqWantRet(t *testing.T, m map[string]any, ret int) {
	t.Helper()
	require.Equal(t, float64(ret), m["ret"], "reply %v", m)
	if ret != 0 {
		assert.NotEmpty(t, m["msg"], "an error carries a msg")
	}
}

var qqHex32 = regexp.MustCompile(`^[0-9A-F]{32}$`)

func TestQQIssueToken(t *testing.T) {
	s, _ := qqSandbox(t)
	assert.Equal(t, App{ID: qqAppID, Secret: qqAppKey}, s.App(QQ))
	c, err := s.IssueToken(QQ, TokenOptions{UserID: "2", Scope: []string{"get_user_info", "get_vip_info"}})
	require.NoError(t, err)
	assert.Equal(t, "6F1E2D3C4B5A69788796A5B4C3D2E1F0", c.OpenID)
	assert.Equal(t, "get_user_info,get_vip_info", c.Scope)
	assert.Regexp(t, qqHex32, c.AccessToken)
	assert.Equal(t, time.Date(2024, 5, 30, 10, 0, 0, 0, time.UTC), c.ExpiresAt.UTC(), "90 days")

	vip := qqAPI(t, s, http.MethodGet, "/user/get_vip_info", c, nil)
	assert.Equal(t, "2", vip["qq_vip_level"])
	assert.Equal(t, "1", vip["is_qq_year_vip"])
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/photo/list_album", c, nil), 100030)

	for _, o := range []TokenOptions{{UserID: "9"}, {Service: true}, {Scope: []string{"read_minds"}}} {
		_, err := s.IssueToken(QQ, o)
		assert.Error(t, err, "IssueToken(%+v)", o)
	}
}

func TestQQConcurrentCalls(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	pic := qqTestPNG(t, 64, 64, 3)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]bool{}
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			m, err := qqTryAPI(s, http.MethodPost, "/t/add_t", c, url.Values{"content": {fmt.Sprint("并发 ", i)}})
			var up map[string]any
			if err == nil {
				var body *bytes.Buffer
				var ctype string
				body, ctype, err = qqMultipart(qqCommon(c, nil), "picture", "p.png", pic)
				if err == nil {
					var status int
					var ct, reply string
					status, ct, reply, err = qqDo(http.MethodPost, s.URL(QQ)+"/photo/upload_pic", ctype, body)
					if err == nil {
						up, err = qqDecode("/photo/upload_pic", status, ct, reply)
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if !assert.NoError(t, err) {
				return
			}
			id, _ := m["data"].(map[string]any)["id"].(string)
			assert.NotEmpty(t, id)
			assert.False(t, ids[id], "tweet id %s handed out twice", id)
			assert.Equal(t, float64(len(pic)), up["size"])
			ids[id] = true
		}(i)
	}
	wg.Wait()
	photos := qqAPI(t, s, http.MethodGet, "/photo/list_photo", c, url.Values{"albumid": {"V10SBX00000001"}})
	assert.Len(t, ids, 16)
	assert.Equal(t, float64(2+16), photos["total"], "2 seeded photos and 16 uploads")
}

func TestQQSurvivesGarbage(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	for _, u := range []string{"/", "/oauth2.0/", "/oauth2.0/authorize", "/oauth2.0/token", "/oauth2.0/me?access_token=%zz",
		"/t/", "/user/get_user_info?access_token=" + c.AccessToken + "&openid=" + c.OpenID + "&oauth_consumer_key=" + qqAppID + "&format=%00"} {
		status, _, body, err := qqDo(http.MethodGet, s.URL(QQ)+u, "", nil)
		require.NoError(t, err)
		assert.Less(t, status, 500, u)
		assert.NotEmpty(t, body, u)
	}
	// a multipart upload without its file
	body, ctype := qqTestMultipart(t, qqCommon(c, nil), "", "", nil)
	status, ct, reply, err := qqDo(http.MethodPost, s.URL(QQ)+"/photo/upload_pic", ctype, body)
	require.NoError(t, err)
	m, err := qqDecode("/photo/upload_pic", status, ct, reply)
	require.NoError(t, err)
	qqWantRet(t, m, -1)
}
