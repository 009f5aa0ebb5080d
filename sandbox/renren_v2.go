package sandbox

import (
	"net/http"
	"strconv"
	"strings"
)

// Renren API 2.0: https://api.renren.com/v2/<ns>/<m>, the token in an
// "Authorization: Bearer" header (an access_token parameter is accepted
// too). Success is {"response": X}; errors are {"error": {"code": "<type>.<CODE>",
// "message"}} with a matching HTTP status.

// rrError is an API 2.0 error.
type rrError struct {
	Status  int
	Code    string
	Message string
}

func rrMissing(name string) *rrError {
	return &rrError{http.StatusBadRequest, "invalid_request.PARAM-MISSING", "missing parameter: " + name}
}

func rrInvalid(name string) *rrError {
	return &rrError{http.StatusBadRequest, "invalid_request.INVALID-PARAM", "invalid parameter: " + name}
}

func rrNoUser() *rrError {
	return &rrError{http.StatusNotFound, "operation_failure.USER_NOT_EXIST", "user does not exist"}
}

// rrCall is one API 2.0 call.
type rrCall struct {
	r     *http.Request
	grant grant
	base  string
}

// rrRoute is one API 2.0 endpoint: its verb, the scope it needs, its work.
type rrRoute struct {
	verb  string
	scope string
	run   func(p *renrenPlatform, c *rrCall) (any, *rrError)
}

func rrV2Route(path string) (rrRoute, bool) {
	switch path {
	case "/v2/user/get":
		return rrRoute{http.MethodGet, "", (*renrenPlatform).v2UserGet}, true
	case "/v2/user/login/get":
		return rrRoute{http.MethodGet, "", (*renrenPlatform).v2LoginGet}, true
	case "/v2/user/friend/list":
		return rrRoute{http.MethodGet, "", (*renrenPlatform).v2FriendList}, true
	case "/v2/status/list":
		return rrRoute{http.MethodGet, "read_user_status", (*renrenPlatform).v2StatusList}, true
	case "/v2/status/put":
		return rrRoute{http.MethodPost, "status_update", (*renrenPlatform).v2StatusPut}, true
	case "/v2/photo/upload":
		return rrRoute{http.MethodPost, "photo_upload", (*renrenPlatform).v2PhotoUpload}, true
	case "/v2/photo/list":
		return rrRoute{http.MethodGet, "read_user_photo", (*renrenPlatform).v2PhotoList}, true
	case "/v2/friend/list":
		return rrRoute{http.MethodGet, "", (*renrenPlatform).v2FriendIDs}, true
	case "/v2/album/list":
		return rrRoute{http.MethodGet, "read_user_album", (*renrenPlatform).v2AlbumList}, true
	case "/v2/blog/list":
		return rrRoute{http.MethodGet, "read_user_blog", (*renrenPlatform).v2BlogList}, true
	case "/v2/checkin/list":
		return rrRoute{http.MethodGet, "", (*renrenPlatform).v2CheckinList}, true
	}
	return rrRoute{}, false
}

// serveV2 checks, in order: the endpoint exists, the verb, the token
// (present, known, unexpired), the scope; then runs the endpoint.
func (p *renrenPlatform) serveV2(w http.ResponseWriter, r *http.Request) {
	res, err := p.v2(r)
	if err != nil {
		writeJSON(w, err.Status, "", map[string]any{"error": map[string]string{"code": err.Code, "message": err.Message}})
		return
	}
	writeJSON(w, http.StatusOK, "", map[string]any{"response": res})
}

func (p *renrenPlatform) v2(r *http.Request) (any, *rrError) {
	route, ok := rrV2Route(strings.TrimSuffix(r.URL.Path, "/"))
	if !ok {
		// (unverified) the code Renren gave an unknown API.
		return nil, &rrError{http.StatusNotFound, "invalid_request.API-NOT-EXIST", "no such API: " + r.URL.Path}
	}
	if r.Method != route.verb {
		// (unverified) the code Renren gave a wrong verb.
		return nil, &rrError{http.StatusMethodNotAllowed, "invalid_request.METHOD-NOT-ALLOWED",
			r.Method + " is not allowed here; use " + route.verb}
	}
	tok := r.Form.Get("access_token")
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, t, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return nil, &rrError{http.StatusUnauthorized, "invalid_authorization.INVALID-TOKEN", "only Bearer tokens are supported by the sandbox"}
		}
		tok = strings.TrimSpace(t)
	}
	if tok == "" {
		return nil, &rrError{http.StatusUnauthorized, "invalid_authorization.INVALID-TOKEN", "access token is missing"}
	}
	g, ok := p.tokens.lookup(tok)
	if !ok || g.Revoked {
		return nil, &rrError{http.StatusUnauthorized, "invalid_authorization.INVALID-TOKEN", "invalid access token"}
	}
	if g.Expired(p.env.now()) {
		return nil, &rrError{http.StatusUnauthorized, "invalid_authorization.EXPIRED-TOKEN", "access token has expired"}
	}
	if route.scope != "" && !g.Allows(route.scope) {
		return nil, &rrError{http.StatusForbidden, "forbidden.PERMISSION-NEED", "the token lacks the permission " + route.scope}
	}
	return route.run(p, &rrCall{r: r, grant: g, base: rrBase(r)})
}

// int reads an integer parameter: required ones answer PARAM-MISSING when
// absent; def is used otherwise.
func (c *rrCall) int(name string, required bool, def int64) (int64, *rrError) {
	s := strings.TrimSpace(c.r.Form.Get(name))
	if s == "" {
		if required {
			return 0, rrMissing(name)
		}
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, rrInvalid(name)
	}
	return n, nil
}

// page reads pageSize (1 to 100, default 20) and pageNumber (from 1), the
// rule of most lists (renren_lists.go).
func (c *rrCall) page() (page, size int64, err *rrError) {
	return c.paging(rrPaging{"pageNumber", 20, 100, "PAGE_SIZE_NOT_IN_RANGE"})
}

// user reads a user id parameter that must name an existing user.
func (c *rrCall) user(name string) (rrUser, *rrError) {
	id, err := c.int(name, true, 0)
	if err != nil {
		return rrUser{}, err
	}
	u, ok := rrUserByID(id)
	if !ok {
		return rrUser{}, rrNoUser()
	}
	return u, nil
}

func (c *rrCall) me() int64 {
	n, _ := strconv.ParseInt(c.grant.User, 10, 64)
	return n
}

func (p *renrenPlatform) v2UserGet(c *rrCall) (any, *rrError) {
	u, err := c.user("userId")
	if err != nil {
		return nil, err
	}
	return u.v2(), nil
}

func (p *renrenPlatform) v2LoginGet(c *rrCall) (any, *rrError) {
	u, ok := rrUserByID(c.me())
	if !ok {
		return nil, rrNoUser()
	}
	return u.v2(), nil
}

func (p *renrenPlatform) v2FriendList(c *rrCall) (any, *rrError) {
	u, err := c.user("userId")
	if err != nil {
		return nil, err
	}
	page, size, err := c.paging(rrPaging{"pageNumber", 20, 100, "PAGESIZE_NOT_IN_RANGE"})
	if err != nil {
		return nil, err
	}
	friends := rrFriendsOf(u)
	lo, hi := rrPage(len(friends), page, size)
	out := make([]map[string]any, 0, hi-lo)
	for _, id := range friends[lo:hi] {
		f, _ := rrUserByID(id)
		out = append(out, f.v2())
	}
	return out, nil
}

func (p *renrenPlatform) v2StatusList(c *rrCall) (any, *rrError) {
	u, err := c.user("ownerId")
	if err != nil {
		return nil, err
	}
	page, size, err := c.page()
	if err != nil {
		return nil, err
	}
	all := p.statusesOf(u.ID)
	lo, hi := rrPage(len(all), page, size)
	out := make([]map[string]any, 0, hi-lo)
	for _, s := range all[lo:hi] {
		out = append(out, s.v2())
	}
	return out, nil
}

func (p *renrenPlatform) v2StatusPut(c *rrCall) (any, *rrError) {
	content := c.r.Form.Get("content")
	if content == "" {
		return nil, rrMissing("content")
	}
	if !rrValidStatus(content) {
		return nil, rrInvalid("content")
	}
	return p.addStatus(c.me(), content).v2(), nil
}

// v2PhotoUpload takes a multipart "file" and answers the photo, plus the
// byte size the sandbox received ("size"), for tests to check.
func (p *renrenPlatform) v2PhotoUpload(c *rrCall) (any, *rrError) {
	mf := c.r.MultipartForm
	if mf == nil || len(mf.File["file"]) == 0 {
		return nil, rrMissing("file")
	}
	album, err := c.int("albumId", false, 0)
	if err != nil {
		return nil, err
	}
	ph, ok, rerr := p.addPhoto(c.me(), album, c.r.Form.Get("description"), mf.File["file"][0])
	switch {
	case !ok:
		return nil, rrInvalid("albumId")
	case rerr != nil:
		return nil, &rrError{http.StatusServiceUnavailable, "operation_failure.SERVICE_BUSY", "upload failed: " + rerr.Error()}
	}
	out := ph.v2(c.base)
	out["size"] = len(ph.Data)
	return out, nil
}

func (p *renrenPlatform) v2PhotoList(c *rrCall) (any, *rrError) {
	u, err := c.user("ownerId")
	if err != nil {
		return nil, err
	}
	album, err := c.int("albumId", false, 0)
	if err != nil {
		return nil, err
	}
	if a, ok := rrAlbumByID(album); album != 0 && (!ok || a.Owner != u.ID) {
		return nil, rrInvalid("albumId")
	}
	page, size, err := c.page()
	if err != nil {
		return nil, err
	}
	all := p.photosOf(u.ID, album)
	if album == RenrenPopularAlbumID {
		all = append(all, rrPopularPhotos()...)
	}
	lo, hi := rrPage(len(all), page, size)
	out := make([]map[string]any, 0, hi-lo)
	for _, ph := range all[lo:hi] {
		out = append(out, ph.v2(c.base))
	}
	return out, nil
}
