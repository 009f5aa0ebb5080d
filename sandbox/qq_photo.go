package sandbox

import (
	"strconv"
	"unicode/utf8"
)

// The QQ Zone album APIs. Uploaded photos are kept in memory; upload_pic
// answers, besides QQ's fields, the received byte count (size) and md5 so a
// test can check the stream arrived whole.

// findAlbum returns one of the user's albums. The caller holds p.mu.
func (p *qqPlatform) findAlbum(user, id string) *qqAlbum {
	for _, a := range p.albums[user] {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func qqPhotoURL(openid, loc, size string) string {
	return "http://a1.qpic.cn/psb?/" + openid + "/" + loc + "/" + size + "/"
}

// listAlbum: photo/list_album.
func (p *qqPlatform) listAlbum(c *qqCall) qqReply {
	p.mu.Lock()
	defer p.mu.Unlock()
	albums := []map[string]any{}
	for _, a := range p.albums[c.user.ID] {
		cover := ""
		if len(a.Photos) > 0 {
			cover = qqPhotoURL(c.user.OpenID, a.Photos[0].Sloc, "m")
		}
		albums = append(albums, map[string]any{
			"albumid": a.ID, "classid": 100, "createtime": a.Created, "desc": a.Desc,
			"name": a.Name, "coverurl": cover, "picnum": len(a.Photos), "priv": a.Priv,
		})
	}
	return qqReply{"albumnum": len(albums), "album": albums}
}

// addAlbum: photo/add_album (albumname, albumdesc, priv).
func (p *qqPlatform) addAlbum(c *qqCall) qqReply {
	name := c.param("albumname")
	if name == "" || utf8.RuneCountInString(name) > 30 {
		return qqFail(-1, "client request's parameters are invalid, albumname must have 1 to 30 characters")
	}
	priv := 1
	if s := c.param("priv"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || (v != 1 && v != 3 && v != 4 && v != 5) {
			return qqFail(-1, "client request's parameters are invalid, priv must be 1, 3, 4 or 5")
		}
		priv = v
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	a := &qqAlbum{
		ID: "V10SBX" + p.nextID(), Name: name, Desc: c.param("albumdesc"),
		Priv: priv, Created: p.env.now().Unix(),
	}
	p.albums[c.user.ID] = append(p.albums[c.user.ID], a)
	return qqReply{
		"albumid": a.ID, "classid": 100, "createtime": a.Created, "desc": a.Desc,
		"name": a.Name, "priv": a.Priv,
	}
}

// uploadPic: photo/upload_pic, multipart with the file in field "picture"
// (photodesc, title, albumid; without albumid the first album).
func (p *qqPlatform) uploadPic(c *qqCall) qqReply {
	img, err := readImagePart(c.r, "picture")
	if err != nil {
		return qqFail(-1, "client request's parameters are invalid, picture: "+err.Error())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var album *qqAlbum
	if id := c.param("albumid"); id != "" {
		album = p.findAlbum(c.user.ID, id)
	} else if as := p.albums[c.user.ID]; len(as) > 0 {
		album = as[0]
	}
	if album == nil {
		return qqFail(-1, "client request's parameters are invalid, album does not exist")
	}
	id := p.nextID()
	ph := &qqPhoto{
		Lloc: "NDN0sbxL" + id, Sloc: "NDN0sbxS" + id, Name: c.param("title"), Desc: c.param("photodesc"),
		Width: img.Width, Height: img.Height, Uploaded: p.env.now().Unix(), Data: img.Data,
	}
	if ph.Name == "" {
		ph.Name = img.Filename
	}
	album.Photos = append(album.Photos, ph)
	return qqReply{
		"albumid": album.ID, "lloc": ph.Lloc, "sloc": ph.Sloc,
		"large_url": qqPhotoURL(c.user.OpenID, ph.Lloc, "b"), "small_url": qqPhotoURL(c.user.OpenID, ph.Sloc, "m"),
		"width": ph.Width, "height": ph.Height, "size": len(img.Data), "md5": img.MD5,
	}
}

// listPhoto: photo/list_photo (albumid).
func (p *qqPlatform) listPhoto(c *qqCall) qqReply {
	id := c.param("albumid")
	if id == "" {
		return qqFail(-1, "client request's parameters are invalid, albumid is empty")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	album := p.findAlbum(c.user.ID, id)
	if album == nil {
		return qqFail(-1, "client request's parameters are invalid, album does not exist")
	}
	photos := []map[string]any{}
	for _, ph := range album.Photos {
		large := qqPhotoURL(c.user.OpenID, ph.Lloc, "b")
		small := qqPhotoURL(c.user.OpenID, ph.Sloc, "m")
		photos = append(photos, map[string]any{
			"name": ph.Name, "desc": ph.Desc, "lloc": ph.Lloc, "sloc": ph.Sloc,
			"large_url": large, "small_url": small, "uploaded_time": ph.Uploaded,
			"large_image": map[string]any{"url": large, "width": ph.Width, "height": ph.Height},
			"small_image": map[string]any{"url": small, "width": min(ph.Width, 200), "height": min(ph.Height, 150)},
		})
	}
	return qqReply{"total": len(photos), "photos": photos}
}
