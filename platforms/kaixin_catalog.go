package platforms

import (
	_ "embed"

	"github.com/snskit/snskit/catalog"
)

// kaixinCatalogText is the catalog's text, kaixin_catalog.txt.
//
//go:embed kaixin_catalog.txt
var kaixinCatalogText string

// Catalog returns Kaixin001's documented methods (friends.me, users.me,
// users.show, app.*) with their start/num paging.
func (k kaixin) Catalog() *catalog.Catalog {
	if k.cat != nil {
		return k.cat
	}
	return catalog.New(kaixinCatalogText) // a value made without its constructor
}
