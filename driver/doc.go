// Package driver is the contract between snskit and the platforms it
// speaks, as database/sql/driver is to database/sql: what a platform
// implements (Platform, and the optional capabilities it may add), what
// snskit hands it (a Draft of each call, a Client for side requests, a
// Login for OAuth flows), and the helpers platforms share (ParseJSON and
// ParseJSONFields, which check a reply in one pass with its nesting bounded
// by MaxJSONDepth and read the envelope in the same pass; ObjectFields;
// UnwrapJSONP; the Redact functions).
//
// Applications use package snskit and the platforms package; they need
// this package only to write a platform of their own.
//
// The errors (Error, Class, PartialError, ReplyError, CallError,
// TransportError), Response and File are defined here, because platforms
// create them, and snskit gives them the same names (snskit.Error is
// driver.Error), because applications inspect them: one type with two
// names, so nothing is converted or lost between the two packages.
//
// Nothing in this package holds mutable state of its own; Draft values
// belong to one call and are not shared between goroutines.
package driver
