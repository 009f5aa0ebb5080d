package platforms

import (
	_ "embed"

	"github.com/snskit/snskit/catalog"
)

// qqCatalogText is the catalog's text, qq_catalog.txt.
//
//go:embed qq_catalog.txt
var qqCatalogText string

// Catalog returns QQ Connect's API list (seed 003). Only
// user.get_user_info's parameters are documented: on the other methods
// unknown names are not flagged.
func (q *qq) Catalog() *catalog.Catalog {
	if q.cat != nil {
		return q.cat
	}
	return catalog.New(qqCatalogText) // a value made without its constructor
}
