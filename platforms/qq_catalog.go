package platforms

import (
	_ "embed"

	"github.com/snskit/snskit/catalog"
)

// qqCatalogText is the catalog's text, qq_catalog.txt.
//
//go:embed qq_catalog.txt
var qqCatalogText string

// qqCatalog is parsed on first use and immutable after.
var qqCatalog = catalog.New(qqCatalogText)

// Catalog returns QQ Connect's API list (seed 003). Only
// user.get_user_info's parameters are documented: on the other methods
// unknown names are not flagged.
func (*qq) Catalog() *catalog.Catalog { return qqCatalog }
