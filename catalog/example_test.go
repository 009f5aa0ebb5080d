package catalog_test

import (
	"fmt"

	"github.com/snskit/snskit/catalog"
)

func Example() {
	c, err := catalog.Parse(`
catalog vk
common v any
method friends.get tokens=user,service
	param user_id integer min=0
	param count integer min=0 default=5000
	param offset integer min=0
	paging offset offset=offset count=count max=5000 default=5000
method users.get tokens=user,group,service
	param user_ids array:string|integer max_items=1000
	param name_case string enum=nom,gen,dat,acc,ins,abl
`)
	if err != nil {
		fmt.Println(err)
		return
	}

	// Describe a method.
	m, _ := c.Method("users.get")
	fmt.Println(m.Name, m.Tokens)
	for _, p := range m.Params {
		fmt.Printf("  %s: %s\n", p.Name, p.Summary())
	}

	// List methods by prefix, and walk a list method.
	for _, m := range c.Methods("friends.") {
		fmt.Println(m.Name, "pages by", m.Paging)
	}

	// Check a call before sending it.
	for _, p := range c.Check("users.get", map[string]any{"user_id": 1, "name_case": "loc"}) {
		fmt.Println(p.String())
	}
	fmt.Println(c.SuggestMethods("friend.get"))
	// Output:
	// users.get [user group service]
	//   user_ids: array of string|integer, at most 1000 elements
	//   name_case: string, one of nom|gen|dat|acc|ins|abl
	// friends.get pages by offset: offset, count (at most 5000, default 5000)
	// users.get: parameter "name_case" must be one of nom, gen, dat, acc, ins, abl
	// users.get: unknown parameter "user_id"; did you mean user_ids?
	// [friends.get]
}
