package main

// The help of "snskit login", "snskit logout" and "snskit token".

const helpLogin = `
snskit login [flags] PLATFORM
  Logs in to PLATFORM as you, with the application of -app-id and
  -app-secret, and stores the token for 'snskit call'. It listens on a
  loopback address for the platform's redirect (http://127.0.0.1:PORT/callback
  on a free port, or -redirect-uri, which must be on 127.0.0.1, ::1 or
  localhost and registered with the platform), prints the authorize URL to
  stderr and opens a browser when there is one, checks the redirect's state,
  exchanges the code for a token and stores it. The first redirect ends the
  login: a wrong state fails it (exit 1).
    vk -username U    VK direct auth: no browser; the password comes from
                      -password, SNSKIT_PASSWORD or the terminal, and the
                      2FA code and captcha text are asked on the terminal.
    kaixin -oauth1    Kaixin001's OAuth 1.0a three-legged login.
  Tokens are stored, readable by you only (0600), in the token file under a
  key: PLATFORM for the platform's own hosts, PLATFORM@URL with -base-url,
  PLATFORM@sandbox with -sandbox. A new login replaces the token of its key.
  Stored: the token, its refresh token, expiry, openid, user id, scope, the
  app id and the redirect URL; never the app secret or a password.
  -sandbox runs the whole loop offline against an in-process sandbox, which
  approves at once: snskit follows the authorize URL itself. That sandbox
  stops when login ends, so its token is of no further use; to log in and
  then call offline, run 'snskit sandbox' and give both commands its
  -base-url.
  Exit codes: 0 logged in; 1 the login failed (refused, wrong state, a
  platform error); 2 usage error; 3 no redirect before -timeout, a network
  failure, an interruption, or a token file that cannot be written.

  Flags (environment variables as for call):
`

const helpLogout = `
snskit logout [flags] PLATFORM | KEY | -all
  Deletes stored tokens: the one of PLATFORM (PLATFORM@URL with -base-url,
  PLATFORM@sandbox with -sandbox),
  the one of a KEY as 'snskit token' lists it (vk@sandbox), or with -all
  every one. The platform is not told: its tokens stay valid until they
  expire. Exit code 1 when nothing is stored under the key.
`

const helpToken = `
snskit token [flags] [PLATFORM]
  Lists the stored tokens, or those of PLATFORM: key, platform, app id, user,
  openid, scope, expiry, whether a refresh token is kept, and the tokens
  masked (****abcd: enough to tell two apart, never to use one). Exit code 1
  when none is stored.
`
