// Package catalog is a platform's list of API methods: each method's
// parameters (name, type, required flag, bounds, enum, default), the kinds
// of token it accepts and how it pages. It knows no platform: the catalogs
// themselves are data files in the platforms package, reached through a
// platform's Catalog method (the optional capability driver.Cataloger).
//
// A catalog answers three kinds of question:
//
//   - lookup and listing: Method("users.get"), Methods("users.") (sorted,
//     by prefix), Common() (the parameters every method takes);
//   - suggestions for a mistyped name: SuggestMethods("users.gett") and
//     SuggestParams(m, "user_id"), by edit distance without regard to case;
//   - checks of a call before it is sent: Check(method, params) returns
//     typed Problems (UnknownMethod, UnknownParam, MissingParam, WrongType,
//     OutOfRange, NotInEnum) whose text says what to fix, and never shows a
//     parameter's string value. snskit.WithCatalogChecks runs it on every
//     call.
//
// Paging tells a list walker which parameters to advance: an offset and a
// count (VK offset/count, Kaixin start/num), a cursor taken from the reply
// (VK start_from/next_from), or a page number (Renren pageNumber/pageSize).
//
// Catalogs lag the live APIs: VK's is generated from VK's own schema, which
// misses methods and parameters the API takes. Treat problems as warnings
// unless you know better.
//
// A Catalog is parsed once, on first use, and immutable after: it is safe
// for concurrent use, and its checks allocate nothing when a call is fine.
// The values it returns are shared: do not modify them.
//
// The format, written by Format and read by New and Parse, is line-based
// text; see Format.
package catalog
