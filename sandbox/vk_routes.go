package sandbox

import (
	"net/http"
	"strings"
)

// serveMore serves the VK paths beyond classic API calls and OAuth: VK ID
// (/authorize for VKIDAppID, /oauth2/...), the not-robot captcha page and
// its sound track, the validation page and the long-poll servers. It reports whether it answered.
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
	case path == "/longpoll/bots":
		p.serveLongPoll(w, r, false)
	case path == "/longpoll/user":
		p.serveLongPoll(w, r, true)
	default:
		return false
	}
	return true
}

// close ends the long-poll waits and callback workers of the VK emulator.
func (p *vkPlatform) close() { p.events.close() }

// vkLookupMore finds the methods of the long-poll, messaging and callback
// files; name is lower case.
func vkLookupMore(name string) (vkMethod, bool) {
	run := map[string]func(p *vkPlatform, c *vkCall) (any, *vkError){
		"groups.getlongpollserver":           (*vkPlatform).groupsGetLongPollServer,
		"groups.setlongpollsettings":         (*vkPlatform).groupsSetLongPollSettings,
		"groups.getlongpollsettings":         (*vkPlatform).groupsGetLongPollSettings,
		"groups.addcallbackserver":           (*vkPlatform).groupsAddCallbackServer,
		"groups.editcallbackserver":          (*vkPlatform).groupsEditCallbackServer,
		"groups.deletecallbackserver":        (*vkPlatform).groupsDeleteCallbackServer,
		"groups.getcallbackservers":          (*vkPlatform).groupsGetCallbackServers,
		"groups.getcallbackconfirmationcode": (*vkPlatform).groupsGetCallbackConfirmationCode,
		"groups.setcallbacksettings":         (*vkPlatform).groupsSetCallbackSettings,
		"groups.getcallbacksettings":         (*vkPlatform).groupsGetCallbackSettings,
		"messages.getlongpollserver":         (*vkPlatform).messagesGetLongPollServer,
	}
	if f, ok := run[name]; ok {
		return vkMethod{kinds: vkUserTok | vkGroupTok, run: f}, true
	}
	switch name {
	case "messages.send":
		return vkMethod{kinds: vkUserTok | vkGroupTok, scope: "messages", run: (*vkPlatform).messagesSend}, true
	case "messages.gethistory":
		return vkMethod{kinds: vkUserTok | vkGroupTok, scope: "messages", run: (*vkPlatform).messagesGetHistory}, true
	}
	return vkMethod{}, false
}
