package platforms

import (
	_ "embed"

	"github.com/snskit/snskit/catalog"
)

// weixinCatalogText is the catalog's text, weixin_catalog.txt.
//
//go:embed weixin_catalog.txt
var weixinCatalogText string

// weixinCatalog is parsed on first use and immutable after.
var weixinCatalog = catalog.New(weixinCatalogText)

// Catalog returns WeChat's sns.* methods (sns.userinfo, sns.auth and the
// token endpoints sns.oauth2.access_token and sns.oauth2.refresh_token).
func (weixin) Catalog() *catalog.Catalog { return weixinCatalog }
