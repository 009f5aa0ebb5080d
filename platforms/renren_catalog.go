package platforms

import (
	_ "embed"

	"github.com/snskit/snskit/catalog"
)

// renrenCatalogText is the catalog's text, renren_catalog.txt.
//
//go:embed renren_catalog.txt
var renrenCatalogText string

// Catalog returns Renren API 2.0's methods, from Renren's official Java SDK
// and seed 000 (see renren_catalog.txt), with their page-number paging.
func (r renren) Catalog() *catalog.Catalog {
	if r.cat != nil {
		return r.cat
	}
	return catalog.New(renrenCatalogText) // a value made without its constructor
}
