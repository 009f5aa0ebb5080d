package sandbox

import (
	"net/http"
	"strings"
)

// vkCallToken returns the access token of an API request. VK takes it as
// the access_token parameter or as an "Authorization: Bearer <token>"
// header (https://dev.vk.com/ru/api/api-requests); the parameter wins when
// both are sent. Another scheme in the header carries no token.
func vkCallToken(r *http.Request, params map[string]string) string {
	if tok := params["access_token"]; tok != "" {
		return tok
	}
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}
