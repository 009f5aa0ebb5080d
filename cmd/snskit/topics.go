package main

// topic is a help page that is not a command: 'snskit help TOPIC'.
type topic struct {
	name, summary, text string
}

// topics returns the help topics in the order of the help.
func topics() []topic {
	return []topic{
		{"params", "name=value, lists, name=@path uploads, -F values from files", topicParams},
		{"credentials", "where a call's token comes from", topicCredentials},
		{"output", "pretty JSON, -q, -raw, -all, -upload, -dry-run, -curl, -v", topicOutput},
		{"environment", "every flag from an SNSKIT_* variable", topicEnvironment},
		{"exit-codes", "what each exit code means", topicExitCodes},
	}
}

// lookupTopic returns the topic called name, or nil.
func lookupTopic(name string) *topic {
	for _, t := range topics() {
		if t.name == name {
			return &t
		}
	}
	return nil
}

const topicParams = `Parameters of 'snskit call'

  name=value      a parameter; repeat a name to send a list:
                  a=1 a=2 sends a=1,2
  name=@path      upload the file at path under the field name (a multipart
                  POST); the file name sent is path's base name
  name=@@text     a value that starts with a literal @: sends name=@text
  -F name=path    the value of name is the content of the file at path, as
                  text (VK execute code, a long message); -F name=- reads
                  it from stdin. Repeat -F for several.

  Flags may come before or after PLATFORM and METHOD; '--' ends the flags
  (needed only for a parameter whose name starts with '-').

  Examples:
    snskit call vk users.get user_ids=1 user_ids=2 fields=photo_50
    snskit call vk photos.saveWallPhoto photo=@cat.jpg
    echo 'return API.users.get({"user_ids":"1"});' | snskit call vk execute -F code=-
`

const topicCredentials = `Where a call's credential comes from

  In this order, the first that is given wins:
    1. flags: -token alone is an OAuth 2.0 access token (with -openid for QQ
       and WeChat); -token with -token-secret is an OAuth 1.0a token, signed
       with -app-id and -app-secret as consumer key and secret (Kaixin001);
       -session-key is a legacy session key (Renren 1.0, Kaixin001).
    2. the same from the environment: SNSKIT_TOKEN, SNSKIT_TOKEN_SECRET,
       SNSKIT_SESSION_KEY, SNSKIT_OPENID.
    3. the token 'snskit login PLATFORM' stored (with -base-url U, the one
       stored for PLATFORM@U), with its app id. An expired one is refreshed,
       and the new one stored, when -app-secret (or SNSKIT_APP_SECRET) is
       given, since the secret is never stored.
  -v says which one a call used. -sandbox uses the sandbox's own test app
  and a fresh token of its default user unless a credential is given.

  Renren 1.0 signs access-token calls with -app-secret alone; session-key
  calls need -app-id too.

  'snskit token' lists stored tokens masked; 'snskit token -print-token vk'
  prints one for a script, the only time snskit prints a secret.
`

const topicOutput = `Output of 'snskit call'

  The result, with the platform's envelope removed, is JSON on stdout:
  indented and coloured on a terminal, compact (one line) when piped, as jq
  and gh do. -format pretty|compact forces either; -color always|never
  forces colour (NO_COLOR in the environment turns it off).
    -q PATH    prints only the gjson path PATH of the result
               (https://github.com/tidwall/gjson/blob/master/SYNTAX.md): a
               string bare, anything else as JSON. When PATH matches
               nothing, stdout stays empty, a note goes to stderr, and the
               exit code is still 0. -q cannot be combined with -raw.
    -raw       prints the reply body exactly as received (envelope included),
               also when the platform answered with an error.
    -dry-run   prints the request instead of sending it: verb, URL, headers
               and body, secrets masked. Nothing at all is sent.
    -curl      with -dry-run, prints it as a curl command that runs: the
               secrets are read from environment variables ("$SNSKIT_TOKEN")
               instead of being printed.
    -all       walks every item of a paged list (VK offset/count, 25 pages
               per execute, and next_from cursors; Renren pageNumber; Kaixin
               start/num) and prints each item as one line of compact JSON,
               or its -q value. On a terminal, stderr shows the items, pages,
               requests and rate so far; nothing when piped. -all=N stops
               after N items. The 30s default -timeout does not apply to a
               walk; give -timeout to bound it.
    -upload KIND  uploads the name=@path files to VK in one go (get the
               upload server, POST the files, save them) and prints what the
               save method returned. KIND is album (file1=@ to file5=@),
               wall or message (one photo), doc, wall-doc or message-doc
               (one file); PLATFORM takes no METHOD then, and the other
               parameters go to the step that takes them:
                 snskit call -upload wall vk photo=@cat.jpg caption=hi
    -v         shows what curl -v shows, masked: the request line, headers
               and body, the status, the response headers, the start of the
               body and the time taken; and where each credential came from.

  Platform errors go to stderr, as "snskit: vk users.get: error 5: message",
  with what to do next when snskit knows (a captcha to answer, a flag to
  add). Secrets given to snskit are masked in all output.
`

const topicEnvironment = `Environment variables

  Every flag NAME not given on the command line is read from the variable
  SNSKIT_NAME, upper case with '-' as '_': -token from SNSKIT_TOKEN,
  -app-secret from SNSKIT_APP_SECRET, -dry-run from SNSKIT_DRY_RUN. An empty
  variable counts as unset; booleans take 1, 0, true or false. Each command's
  page lists its variables in brackets. Flags marked "command line only"
  are never read from the environment.

  NO_COLOR (any value) turns colour off, as https://no-color.org says.

  Example:
    SNSKIT_TOKEN=... SNSKIT_OPENID=... snskit call weixin sns.userinfo
`

const topicExitCodes = `Exit codes

  0  success (or help was asked for)
  1  the platform answered with an error (or a partial result: the result
     is printed, the failed sub-requests go to stderr); a login that failed;
     nothing stored under a key
  2  usage error: nothing was sent (unknown command, platform or flag, bad
     environment variable, malformed parameter, unreadable file, invalid
     method name, missing or unusable credential, unencodable parameter)
  3  no usable reply: network failure, timeout, interruption, a reply that
     is not what the platform sends (an HTML error page, truncated or
     hostile JSON), or a sandbox that cannot start
`
