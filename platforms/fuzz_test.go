package platforms_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/platforms"
)

// FuzzDecode feeds every platform's Decode arbitrary replies: whatever a
// server sends, Decode returns a result or an error, never a panic.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"response":[{"id":1}]}`,
		`{"error":{"error_code":14,"error_msg":"Captcha needed","captcha_sid":"1"}}`,
		`{"response":[1],"execute_errors":[{"method":"a","error_code":1}]}`,
		`{"error":{"code":"invalid_authorization.EXPIRED-TOKEN","message":"x"}}`,
		`{"errcode":42001,"errmsg":"expired, hints: [ req_id: x ]"}`,
		`callback( {"error":100016,"error_description":"x"} );`,
		`{"ret":1002,"msg":"请先登录"}`,
		`{"error_code":"40102","error":"x","request":"/friends/me.json"}`,
		`[{"uid":1}]`, `<html><title>502</title></html>`, ``, `{"a":`, "\xff\xfe", `null`, `"str"`, `1e999`,
		`{"response":1}{"response":2}`, `{"response":1} x`, `{"\u0065rror":{"error_code":5}}`,
		strings.Repeat("[", 20000), strings.Repeat(`{"a":`, 20000), strings.Repeat(`[{"a":[`, 5000),
		`{"response":` + strings.Repeat("[", 20000), `callback( ` + strings.Repeat(`{"ret":`, 20000) + ` );`,
	} {
		f.Add(seed, 200)
		f.Add(seed, 502)
	}
	ps := []snskit.Platform{platforms.VK(), platforms.Renren(), platforms.Renren1(), platforms.Weixin(), platforms.QQ(), platforms.Kaixin()}
	f.Fuzz(func(t *testing.T, body string, status int) {
		for _, p := range ps {
			r := &snskit.Response{Platform: p.Name(), Method: "a.b", StatusCode: status, Header: http.Header{}, Body: body}
			res, err := p.Decode(r)
			if err != nil && res.Exists() {
				// Only a partial error may come with a result.
				if _, ok := err.(*snskit.PartialError); !ok {
					t.Errorf("%s: result %q beside error %v", p.Name(), res.Raw, err)
				}
			}
			if err != nil && err.Error() == "" {
				t.Errorf("%s: empty error message", p.Name())
			}
		}
	})
}
