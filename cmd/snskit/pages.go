package main

import (
	"context"
	"flag"
)

// The help pages of the commands and topics. Each command's page is short:
// what it does, its flags, examples; the long explanations are topics.

func callCommand() *command {
	return &command{
		name:    "call",
		summary: "call one API method and print its result",
		usage:   "snskit call [flags] PLATFORM METHOD [name=value ...]",
		about: `PLATFORM is vk, renren, renren1, weixin (or wechat), qq or kaixin; METHOD is the dotted name of the platform's documentation. Parameters: name=value (repeat a name for a list), name=@path uploads a file, name=@@text sends "@text", -F name=path reads a value from a file (- for stdin). Flags may come before or after PLATFORM and METHOD; '--' ends them.

The credential comes from -token (or -session-key, or -token with -token-secret), from SNSKIT_TOKEN, or from the token 'snskit login' stored; -sandbox calls an offline sandbox with its own test token. A captcha (VK's error 14) is asked on a terminal (-captcha).`,
		flags: func() *flag.FlagSet { return newCallFlagSet(&callFlags{}) },
		examples: []string{
			"snskit call -sandbox vk users.get user_ids=1",
			`snskit call -token "$VK_TOKEN" vk users.get user_ids=1,2 fields=photo_50`,
			"snskit call vk friends.get -q items.0      # with the token 'snskit login vk' stored",
			"snskit call -sandbox vk execute -F code=script.vks",
			"snskit call -dry-run -curl vk wall.post message=hi",
		},
		seeAlso: []string{"params", "credentials", "output", "exit-codes"},
		run: func(ctx context.Context, args []string, con console, env func(string) string) int {
			return runCall(ctx, args, con, env)
		},
	}
}

func loginCommand() *command {
	return &command{
		name:    "login",
		summary: "log in to a platform and store the token for call",
		usage:   "snskit login [flags] PLATFORM",
		about: `Logs in as you with the application of -app-id and -app-secret (VK ID needs -app-id only): prints the authorize URL (and opens a browser when there is one), receives the platform's redirect on a loopback address, checks its state, exchanges the code and stores the token, readable by you only, for 'snskit call'. The app secret and passwords are never stored.

 vk                VK ID (OAuth 2.1 with PKCE); its rotating refresh token and device_id are stored, so that 'call' refreshes the one-hour token without a secret
 vk -vk-classic    the older oauth.vk.ru code flow (-app-secret needed), for applications made before VK ID
 vk -username U    VK direct auth: no browser; password and 2FA code asked
 kaixin -oauth1    Kaixin001's OAuth 1.0a three-legged login

-sandbox runs the whole login offline against an in-process sandbox, which approves at once.`,
		flags: func() *flag.FlagSet { return newLoginFlagSet(&loginFlags{}) },
		examples: []string{
			`snskit login -app-id "$VKID_APP_ID" -scope email,wall vk`,
			`snskit login -vk-classic -app-id "$VK_APP_ID" -app-secret "$VK_APP_SECRET" -scope friends,photos vk`,
			"snskit login -sandbox weixin",
			"snskit login -username +79990001122 vk",
		},
		seeAlso: []string{"credentials", "exit-codes"},
		run:     runLogin,
	}
}

func logoutCommand() *command {
	return &command{
		name:    "logout",
		summary: "delete stored tokens",
		usage:   "snskit logout [flags] PLATFORM | KEY | -all",
		about:   `Deletes the token stored for PLATFORM (PLATFORM@URL with -base-url, PLATFORM@sandbox with -sandbox), the one of a KEY as 'snskit token' lists it, or with -all every one. The platform is not told: its tokens stay valid until they expire. Exit code 1 when nothing is stored under the key.`,
		flags:   func() *flag.FlagSet { return newStoreFlagSet("logout", &storeFlags{}, true) },
		examples: []string{
			"snskit logout vk",
			"snskit logout vk@sandbox",
			"snskit logout -all",
		},
		run: func(ctx context.Context, args []string, con console, env func(string) string) int {
			return runLogout(ctx, args, con.stdout, con.stderr, env)
		},
	}
}

func tokenCommand() *command {
	return &command{
		name:    "token",
		summary: "list stored tokens, masked",
		usage:   "snskit token [flags] [PLATFORM | KEY]",
		about:   `Lists the stored tokens, or those of PLATFORM: key, platform, app id, user, openid, scope, expiry, whether a refresh token is kept, and the tokens masked (****abcd: enough to tell two apart, never to use one). -json prints the same as JSON, still masked. -print-token prints the one access token of PLATFORM or KEY and nothing else, for scripts: the only way snskit ever prints a secret. Exit code 1 when none is stored.`,
		flags:   func() *flag.FlagSet { return newStoreFlagSet("token", &storeFlags{}, false) },
		examples: []string{
			"snskit token",
			"snskit token -json vk",
			`curl -d access_token="$(snskit token -print-token vk)" -d v=5.199 https://api.vk.ru/method/users.get`,
		},
		run: func(ctx context.Context, args []string, con console, env func(string) string) int {
			return runToken(ctx, args, con.stdout, con.stderr, env)
		},
	}
}

func sandboxCommand() *command {
	return &command{
		name:    "sandbox",
		summary: "serve the offline sandbox of every platform",
		usage:   "snskit sandbox [-addr 127.0.0.1:PORT]\nsnskit sandbox reset",
		about: `Serves snskit's offline sandbox until interrupted (Ctrl-C), and prints each platform's base URL with a test app, a token and a command that works against it. Its credentials are fake, valid only against it.

'call -sandbox' and 'login -sandbox' need no running sandbox: they start one in the process, which keeps its tokens and data in a state file under the user's cache directory, so that one command's login is the next command's token. 'snskit sandbox reset' deletes that state.`,
		flags: func() *flag.FlagSet {
			var addr, state string
			return newSandboxFlagSet(&addr, &state)
		},
		examples: []string{
			"snskit sandbox -addr 127.0.0.1:8080",
			"snskit login -sandbox vk && snskit call -sandbox vk users.get",
			"snskit sandbox reset",
		},
		run: func(ctx context.Context, args []string, con console, env func(string) string) int {
			return runSandbox(ctx, args, con.stdout, con.stderr, env)
		},
	}
}
