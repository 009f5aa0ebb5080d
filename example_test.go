package snskit_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/platforms"
)

// vkStub answers like VK: users.get succeeds, wall.post asks for a captcha.
func vkStub() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/method/users.get":
			_, _ = io.WriteString(w, `{"response":[{"id":1,"first_name":"Pavel","last_name":"Durov"},{"id":2,"first_name":"Alexandra","last_name":"Vladimirova"}]}`)
		default:
			_, _ = io.WriteString(w, `{"error":{"error_code":14,"error_msg":"Captcha needed","captcha_sid":"548","captcha_img":"https://api.vk.ru/captcha.php?sid=548","request_params":[]}}`)
		}
	}))
}

// The chain names the method the way the platform's docs do; the result is a
// gjson document with VK's "response" envelope removed.
func Example() {
	srv := vkStub()
	defer srv.Close()

	api, err := snskit.New(platforms.VK(),
		snskit.WithAuth(auth.Token("vk1.a.example-token")),
		snskit.WithBaseURL(srv.URL)) // leave out to reach api.vk.ru
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := api.NS("users").M("get").Do(snskit.Params{"user_ids": []int{1, 2}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Get("0.first_name"))
	for _, u := range res.Array() {
		fmt.Println(u.Get("id"), u.Get("last_name"))
	}
	// Output:
	// Pavel
	// 1 Durov
	// 2 Vladimirova
}

// Platform errors are *snskit.Error values, classified for errors.Is across
// platforms; the platform's own error object stays reachable.
func Example_errors() {
	srv := vkStub()
	defer srv.Close()

	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("vk1.a.example-token")), snskit.WithBaseURL(srv.URL))
	_, err := api.Method("wall.post").Do(snskit.Params{"message": "hello"})

	fmt.Println(err)
	fmt.Println(errors.Is(err, snskit.ErrCaptcha), errors.Is(err, snskit.ErrRateLimited))
	var e *snskit.Error
	if errors.As(err, &e) {
		fmt.Println("resend with captcha_sid", e.Detail.Get("captcha_sid"), "and the user's captcha_key")
	}
	// Output:
	// snskit: vk wall.post: error 14: Captcha needed
	// true false
	// resend with captcha_sid 548 and the user's captcha_key
}

// Call.Request builds the exact request, signed, without sending it.
func ExampleCall_Request() {
	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("vk1.a.example-token")))
	req, err := api.Method("users.get").Request(context.Background(), snskit.Params{"user_ids": []int{1, 2}, "fields": "photo_100"})
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(req.Body)
	fmt.Println(req.Method, req.URL)
	fmt.Println(driver.RedactQuery(string(body)))
	// Output:
	// POST https://api.vk.ru/method/users.get
	// access_token=****oken&fields=photo_100&user_ids=1%2C2&v=5.199
}

// Names that cannot be a platform method fail before anything is sent.
func ExampleAPI_Method() {
	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("t")))
	_, err := api.Method("users..get").Do(nil)
	fmt.Println(err)
	_, err = api.Method("users.get").Do(snskit.Params{"user_ids": make(chan int)})
	fmt.Println(strings.SplitN(err.Error(), ";", 2)[0])
	// Output:
	// snskit: vk: invalid method name "users..get": each dot-separated name must be non-empty ASCII letters, digits, '_' or '-' (like "users.get")
	// snskit: vk users.get: parameter "user_ids": cannot encode a chan int
}
