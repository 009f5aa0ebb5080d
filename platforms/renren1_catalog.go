package platforms

import (
	_ "embed"

	"github.com/snskit/snskit/catalog"
)

// renren1CatalogText is the catalog's text, renren1_catalog.txt.
//
//go:embed renren1_catalog.txt
var renren1CatalogText string

// Catalog returns the Renren API 1.0 methods that seed 000 calls.
// Their parameters are mostly undocumented: unknown names are not flagged.
func (r *renren1) Catalog() *catalog.Catalog {
	if r.cat != nil {
		return r.cat
	}
	return catalog.New(renren1CatalogText) // a value made without its constructor
}
