package platforms

import (
	_ "embed"

	"github.com/snskit/snskit/catalog"
)

// kaixinCatalogText is the catalog's text, kaixin_catalog.txt.
//
//go:embed kaixin_catalog.txt
var kaixinCatalogText string

// kaixinCatalog is parsed on first use and immutable after.
var kaixinCatalog = catalog.New(kaixinCatalogText)

// Catalog returns Kaixin001's documented methods (friends.me, users.me,
// users.show, app.*) with their start/num paging.
func (kaixin) Catalog() *catalog.Catalog { return kaixinCatalog }
