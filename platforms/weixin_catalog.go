package platforms

import (
	_ "embed"

	"github.com/snskit/snskit/catalog"
)

// weixinCatalogText is the catalog's text, weixin_catalog.txt.
//
//go:embed weixin_catalog.txt
var weixinCatalogText string

// Catalog returns WeChat's sns.* methods (sns.userinfo, sns.auth and the
// token endpoints sns.oauth2.access_token and sns.oauth2.refresh_token).
func (w weixin) Catalog() *catalog.Catalog {
	if w.cat != nil {
		return w.cat
	}
	return catalog.New(weixinCatalogText) // a value made without its constructor
}
