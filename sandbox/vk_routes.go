package sandbox

import (
	"net/http"
	"strings"
)

// serveMore serves the VK paths beyond classic API calls and OAuth: VK ID
// (/authorize for VKIDAppID, /oauth2/...), the not-robot captcha page and
// its sound track, and the validation page. It reports whether it answered.
func (p *vkPlatform) serveMore(w http.ResponseWriter, r *http.Request) bool {
	path := r.URL.Path
	switch {
	case path == "/authorize" && r.Form.Get("client_id") == VKIDAppID:
		p.serveIDAuthorize(w, r)
	case strings.HasPrefix(path, "/oauth2/"):
		p.serveOAuth2(w, r, strings.TrimPrefix(path, "/oauth2/"))
	case path == "/not_robot_captcha":
		p.serveNotRobot(w, r)
	case path == "/sound_captcha.php":
		vkServeSoundCaptcha(w)
	case path == "/validate":
		p.serveValidate(w, r)
	default:
		return false
	}
	return true
}
