package platforms_test

import (
	"context"
	"fmt"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
)

// The seed's DirectUserAPI with a two-factor prompt, against the sandbox.
func ExampleVKDirectAuth() {
	s, err := sandbox.New()
	if err != nil {
		panic(err)
	}
	defer s.Close()
	app := s.App("vk")
	api, _ := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL("vk")), snskit.WithApp(app.ID, app.Secret))

	tok, err := platforms.VKDirectAuth(context.Background(), api, platforms.VKDirectAuthConfig{
		Username: sandbox.VKLogin2FA, Password: sandbox.VKPassword, Scope: []string{"offline"},
		TwoFactor: func(ctx context.Context, v platforms.VKValidation) (string, error) {
			fmt.Println("code sent to", v.PhoneMask)
			return sandbox.VKValidationCode, nil // read it from the user
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	user, _ := api.With(snskit.WithAuth(auth.Token(tok.AccessToken)))
	me, err := user.Method("users.get").Do(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("logged in as user", me.Get("0.id"))
	// Output:
	// code sent to +7 *** *** ** 12
	// logged in as user 2
}

// The redirect of the implicit flow for communities (the seed's
// CommunityAPI), read back.
func ExampleParseVKRedirect() {
	res, err := platforms.ParseVKRedirect("https://oauth.vk.ru/blank.html#access_token_123456=vk1.a.AAA&access_token_654321=vk1.a.BBB&expires_in=0&state=s")
	if err != nil {
		fmt.Println(err)
		return
	}
	// Check res.State with auth.CheckState, then call on behalf of a
	// community: api.With(snskit.WithAuth(res.CommunityAuth(123456))).
	fmt.Println(len(res.Communities), "community tokens; never expire:", res.Communities[654321].Expiry.IsZero())

	_, err = platforms.ParseVKRedirect("https://oauth.vk.ru/blank.html#error=access_denied&error_description=User+denied+your+request&state=s")
	fmt.Println(err)
	// Output:
	// 2 community tokens; never expire: true
	// snskit: vk authorize: error access_denied: User denied your request
}
