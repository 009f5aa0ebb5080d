package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
)

func methodsCommand() *command {
	return &command{
		name:    "methods",
		summary: "list a platform's methods, from its catalog",
		usage:   "snskit methods PLATFORM [PREFIX]",
		about:   "Lists the methods of PLATFORM whose names start with PREFIX, with the kinds of token each takes and whether it pages. 'snskit help PLATFORM METHOD' describes one. The catalogs come from VK's own schema and from the platforms' documentation; they lag the live APIs, so a method missing here may still work.",
		examples: []string{
			"snskit methods vk users.",
			"snskit methods renren",
			"snskit help vk users.get",
		},
		run: runMethods,
	}
}

// platformCatalog returns the method catalog of the platform called name.
func platformCatalog(name string) (*catalog.Catalog, error) {
	canon, newPlatform, ok := lookupPlatform(name)
	if !ok {
		hint := didYouMean(name, []string{"vk", "renren", "renren1", "weixin", "wechat", "qq", "kaixin"}, func(s string) string { return s })
		return nil, fmt.Errorf("unknown platform %q%s; want one of %s", name, hint, platformList)
	}
	c, ok := newPlatform().(driver.Cataloger)
	if !ok || c.Catalog() == nil {
		return nil, fmt.Errorf("%s has no method catalog", canon)
	}
	cat := c.Catalog()
	if err := cat.Err(); err != nil {
		return nil, fmt.Errorf("the %s catalog cannot be read: %v", canon, err)
	}
	return cat, nil
}

// runMethods runs "snskit methods PLATFORM [PREFIX]".
func runMethods(_ context.Context, args []string, con console, _ func(string) string) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		printCommandHelp(con.stdout, "methods")
		return exitOK
	}
	if len(args) < 1 || len(args) > 2 {
		return usageFailure(con.stderr, &usageError{msg: "methods needs a PLATFORM and at most one PREFIX, as in: snskit methods vk users.", help: "snskit methods -h"})
	}
	cat, err := platformCatalog(args[0])
	if err != nil {
		return usageFailure(con.stderr, err)
	}
	prefix := ""
	if len(args) == 2 {
		prefix = args[1]
	}
	ms := cat.Methods(prefix)
	if len(ms) == 0 {
		hint := ""
		if s := cat.SuggestMethods(prefix); len(s) > 0 {
			hint = "; did you mean " + strings.Join(s, " or ") + "?"
		}
		fmt.Fprintf(con.stderr, "snskit: no %s method starts with %q%s\n", cat.Name(), prefix, hint)
		return exitPlatform
	}
	tw := tabwriter.NewWriter(con.stdout, 0, 0, 2, ' ', 0)
	for _, m := range ms {
		var notes []string
		if len(m.Tokens) > 0 {
			notes = append(notes, "token: "+strings.Join(m.Tokens, ", "))
		}
		if m.Paging.Kind != catalog.NoPaging {
			notes = append(notes, "pages")
		}
		fmt.Fprintf(tw, "%s\t%s\n", m.Name, strings.Join(notes, "; "))
	}
	tw.Flush()
	return exitOK
}

// runHelpMethod runs "snskit help PLATFORM METHOD".
func runHelpMethod(args []string, con console) int {
	if len(args) != 2 {
		return usageFailure(con.stderr, &usageError{msg: "help takes a COMMAND, a TOPIC, or a PLATFORM and a METHOD, as in: snskit help vk users.get", help: "snskit help"})
	}
	cat, err := platformCatalog(args[0])
	if err != nil {
		return usageFailure(con.stderr, err)
	}
	m, ok := cat.Method(args[1])
	if !ok {
		hint := ""
		if s := cat.SuggestMethods(args[1]); len(s) > 0 {
			hint = "; did you mean " + strings.Join(s, " or ") + "?"
		}
		fmt.Fprintf(con.stderr, "snskit: %s has no method %q in its catalog%s ('snskit methods %s' lists them)\n", cat.Name(), args[1], hint, args[0])
		return exitPlatform
	}
	printMethod(con.stdout, cat, m)
	return exitOK
}

// printMethod writes the help page of one method.
func printMethod(w io.Writer, cat *catalog.Catalog, m *catalog.Method) {
	fmt.Fprintf(w, "%s %s\n\n", cat.Name(), m.Name)
	if len(m.Tokens) > 0 {
		fmt.Fprintf(w, "Tokens: %s\n", strings.Join(m.Tokens, ", "))
	}
	fmt.Fprintf(w, "Pages:  %s\n", m.Paging)
	if m.Paging.Kind != catalog.NoPaging {
		fmt.Fprintf(w, "        'snskit call -all %s %s' walks every item\n", cat.Name(), m.Name)
	}
	fmt.Fprintln(w, "\nParameters:")
	if len(m.Params) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range m.Params {
		fmt.Fprintf(tw, "  %s\t%s\n", p.Name, p.Summary())
	}
	tw.Flush()
	if m.Open {
		fmt.Fprintln(w, "  (the catalog may not list every parameter of this method)")
	}
	if common := cat.Common(); len(common) > 0 {
		names := make([]string, len(common))
		for i, p := range common {
			names[i] = p.Name
		}
		fmt.Fprintf(w, "\nEvery method also takes: %s\n", strings.Join(names, ", "))
	}
	var req []string
	for _, p := range m.Params {
		if p.Required {
			req = append(req, p.Name+"=...")
		}
	}
	fmt.Fprintf(w, "\nExample:\n  %s\n", strings.TrimSpace("snskit call "+cat.Name()+" "+m.Name+" "+strings.Join(req, " ")))
}

// catalogMethods returns the methods of platform that start with prefix,
// from the method catalog.
func catalogMethods(platform, prefix string) []string {
	cat, err := platformCatalog(platform)
	if err != nil {
		return nil
	}
	var names []string
	for _, m := range cat.Methods(prefix) {
		names = append(names, m.Name)
	}
	return names
}

// catalogParams returns "name=" for each parameter of platform's method
// that starts with prefix, from the method catalog.
func catalogParams(platform, method, prefix string) []string {
	cat, err := platformCatalog(platform)
	if err != nil {
		return nil
	}
	m, ok := cat.Method(method)
	if !ok {
		return nil
	}
	var out []string
	for _, p := range m.Params {
		if strings.HasPrefix(p.Name+"=", prefix) {
			out = append(out, p.Name+"=")
		}
	}
	return out
}

// checkCall checks a call against the platform's catalog before it is sent:
// each problem is a warning on errw ("did you mean users.get?"), or with
// strict an error that refuses the call. Catalogs lag the live APIs, so
// only -strict blocks a call.
func checkCall(errw io.Writer, platform, method string, params map[string]any, strict bool) error {
	cat, err := platformCatalog(platform)
	if err != nil {
		return nil // a platform without a catalog is not checked
	}
	problems := cat.Check(method, params)
	if len(problems) == 0 {
		return nil
	}
	texts := make([]string, len(problems))
	for i, p := range problems {
		texts[i] = p.Text()
	}
	if strict {
		return fmt.Errorf("%s %s: %s (the method catalog says so; -strict refused the call and nothing was sent)", platform, method, strings.Join(texts, "; "))
	}
	for _, t := range texts {
		fmt.Fprintf(errw, "snskit: warning: %s %s: %s (sent anyway: the catalog may lag the API; -strict refuses such calls)\n", platform, method, t)
	}
	return nil
}
