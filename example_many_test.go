package snskit_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
)

// Up to 25 VK calls go as one execute; each gets its own result or error.
func ExampleAPI_Batch() {
	s, _ := sandbox.New()
	defer s.Close()
	api, _ := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL(sandbox.VK)),
		snskit.WithAuth(auth.Token(s.Token(sandbox.VK).AccessToken)))

	res, err := api.Batch(context.Background(),
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 2}},
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": "nobody"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res[0].Response.Result.Get("0.id"))
	var e *snskit.Error
	if errors.As(res[1].Err, &e) {
		fmt.Println(e.Method, e.Code)
	}
	// Output:
	// 2
	// users.get 113
}

// All walks every member of a community, 25 pages of 1000 per execute.
func ExampleCall_All() {
	s, _ := sandbox.New()
	defer s.Close()
	api, _ := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL(sandbox.VK)),
		snskit.WithAuth(auth.Token(s.Token(sandbox.VK).AccessToken)))

	var stats snskit.WalkStats
	n := 0
	for _, err := range api.Method("groups.getMembers").All(context.Background(),
		snskit.Params{"group_id": sandbox.VKBigGroupID}, snskit.WalkProgress(func(s snskit.WalkStats) { stats = s })) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n++
	}
	fmt.Println(n, "members in", stats.Requests, "request")
	// Output: 25000 members in 1 request
}
