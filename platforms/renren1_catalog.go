package platforms

import (
	_ "embed"

	"github.com/snskit/snskit/catalog"
)

// renren1CatalogText is the catalog's text, renren1_catalog.txt.
//
//go:embed renren1_catalog.txt
var renren1CatalogText string

// renren1Catalog is parsed on first use and immutable after.
var renren1Catalog = catalog.New(renren1CatalogText)

// Catalog returns the Renren API 1.0 methods that seed 000 calls.
// Their parameters are mostly undocumented: unknown names are not flagged.
func (*renren1) Catalog() *catalog.Catalog { return renren1Catalog }
