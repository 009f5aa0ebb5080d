// Command gencatalog writes VK's method catalog from VK's API schema
// (github.com/VKCOM/vk-api-schema): every method of every section's
// methods.json with its parameters' names, types, required flags, limits,
// enums and defaults, its token types and its paging, in the format of
// package catalog. Descriptions are left out: they are VK's own sentences.
// The output is deterministic (methods sorted by name, parameters in the
// schema's order), so that it is committed and checked by a test.
//
// platforms/vk_catalog.go runs it through go generate:
//
//	go run ../internal/gencatalog -schema ../../shared/reference/vk-api-schema -out vk_catalog.txt
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	schema := flag.String("schema", "", "the directory of VK's API schema (one sub-directory per section, each with methods.json)")
	out := flag.String("out", "", "the file to write the catalog to")
	flag.Parse()
	if *schema == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gencatalog -schema DIR -out FILE")
		os.Exit(2)
	}
	if err := run(*schema, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
}

// run writes the catalog of the schema in dir to the file out.
func run(dir, out string) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("cannot read the schema directory: %w (from the repository, VK's schema is at ../shared/reference/vk-api-schema)", err)
	}
	text, err := vkCatalog(os.DirFS(dir))
	if err != nil {
		return err
	}
	return os.WriteFile(out, text, 0o644)
}
