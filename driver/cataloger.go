package driver

import "github.com/snskit/snskit/catalog"

// Cataloger is an optional capability of a Platform: a platform that knows
// its methods (their parameters, types, limits, token kinds and paging)
// implements it. snskit checks calls against the catalog when the client is
// built with snskit.WithCatalogChecks, and tools list, describe and suggest
// methods from it.
type Cataloger interface {
	// Catalog returns the platform's method catalog, the same one on every
	// call; it must be cheap (parse the catalog once, lazily).
	Catalog() *catalog.Catalog
}
