package snskit_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/platforms"
)

func ExampleWithCatalogChecks() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"response":[{"id":1,"first_name":"Pavel"}]}`))
	}))
	defer srv.Close()
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}))

	// Warn: the call is sent, and each problem logged.
	api, _ := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")),
		snskit.WithLogger(logger), snskit.WithCatalogChecks(snskit.CheckWarn))
	res, err := api.Method("users.get").Do(snskit.Params{"user_id": 1})
	fmt.Println(res.Get("0.first_name"), err)

	// Strict: the call is refused before sending.
	strict, _ := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")),
		snskit.WithCatalogChecks(snskit.CheckStrict))
	_, err = strict.Method("users.gett").Do(nil)
	var problems catalog.Problems
	if errors.As(err, &problems) {
		fmt.Println(problems[0].Kind, "->", problems[0].Suggestion)
	}
	// Output:
	// level=WARN msg="snskit catalog check" platform=vk method=users.get kind="unknown parameter" problem="unknown parameter \"user_id\"; did you mean user_ids?" param=user_id suggestion=user_ids
	// Pavel <nil>
	// unknown method -> users.get
}
