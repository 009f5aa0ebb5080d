package snskit

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
)

// CheckMode says what a client does with a call that does not match its
// platform's method catalog: an unknown method or parameter, a missing
// required parameter, a value of the wrong type, out of range or not in the
// enum.
type CheckMode int

// The check modes.
const (
	// CheckOff sends every call unchecked: the default.
	CheckOff CheckMode = iota
	// CheckWarn logs one warning line per problem (message "snskit catalog
	// check") and sends the call anyway: catalogs lag the live APIs, so a
	// check must never block a call the platform would take.
	CheckWarn
	// CheckStrict refuses a call with problems before anything is sent,
	// with a *CallError that names each problem and the closest known name
	// ("did you mean users.get?"); errors.As reaches the catalog.Problems.
	CheckStrict
)

// String returns the mode's name: "off", "warn" or "strict".
func (m CheckMode) String() string {
	switch m {
	case CheckOff:
		return "off"
	case CheckWarn:
		return "warn"
	case CheckStrict:
		return "strict"
	}
	return fmt.Sprintf("CheckMode(%d)", int(m))
}

// WithCatalogChecks checks every call (each call of a Batch too) against
// the platform's method catalog (platforms that implement driver.Cataloger;
// the others are not checked) before it is sent, after the parameters of
// WithParams are merged in; dry runs (Call.Request) are checked too. With
// CheckWarn the warnings go to the WithLogger logger, or to slog.Default()
// when the client has none; with CheckStrict a call with problems is
// refused. Parameters a platform adds itself (VK's v, QQ's openid) are
// never required from the call.
func WithCatalogChecks(mode CheckMode) Option {
	return func(cfg *config) error {
		if mode < CheckOff || mode > CheckStrict {
			return fmt.Errorf("snskit: WithCatalogChecks(%d): want snskit.CheckOff, CheckWarn or CheckStrict", int(mode))
		}
		cfg.checks = mode
		return nil
	}
}

// Catalog returns the method catalog of the client's platform, or nil when
// the platform has none (see driver.Cataloger).
func (a *API) Catalog() *catalog.Catalog {
	if c, ok := a.platform.(driver.Cataloger); ok {
		return c.Catalog()
	}
	return nil
}

// checkCatalog checks a call as WithCatalogChecks says: it returns a
// *CallError in strict mode, logs in warn mode, and does nothing when all
// is well.
func (a *API) checkCatalog(ctx context.Context, method string, params Params) error {
	if a.cfg.checks == CheckOff {
		return nil
	}
	cat := a.Catalog()
	if cat == nil {
		return nil
	}
	problems := cat.Check(method, params)
	if len(problems) == 0 && cat.Err() == nil {
		return nil
	}
	secrets := []string{a.cfg.appSecret}
	name := a.platform.Name()
	if a.cfg.checks == CheckStrict {
		var b strings.Builder
		b.WriteString("refused by the catalog check (snskit.CheckStrict): ")
		if err := cat.Err(); err != nil {
			b.WriteString("the platform's catalog cannot be read: " + err.Error())
		}
		for i, p := range problems {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(p.Text())
		}
		b.WriteString(". The catalog may lag the live API: snskit.CheckWarn sends such calls anyway")
		return &CallError{Platform: name, Method: method, Reason: driver.Redact(b.String(), secrets), Err: problems}
	}
	l := a.cfg.logger
	if l == nil {
		l = slog.Default()
	}
	if !l.Enabled(ctx, slog.LevelWarn) {
		return nil
	}
	if err := cat.Err(); err != nil {
		l.LogAttrs(ctx, slog.LevelWarn, "snskit catalog check", slog.String("platform", name), slog.String("method", method),
			slog.String("problem", "the platform's catalog cannot be read: "+err.Error()))
	}
	for _, p := range problems {
		attrs := []slog.Attr{
			slog.String("platform", name),
			slog.String("method", method),
			slog.String("kind", p.Kind.String()),
			slog.String("problem", driver.Redact(p.Text(), secrets)),
		}
		if p.Param != "" {
			attrs = append(attrs, slog.String("param", p.Param))
		}
		if p.Suggestion != "" {
			attrs = append(attrs, slog.String("suggestion", p.Suggestion))
		}
		l.LogAttrs(ctx, slog.LevelWarn, "snskit catalog check", attrs...)
	}
	return nil
}
