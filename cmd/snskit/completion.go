package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

func completionCommand() *command {
	return &command{
		name:    "completion",
		summary: "print a shell completion script (bash, zsh, fish)",
		usage:   "snskit completion bash | zsh | fish",
		about:   "Prints a script that completes snskit's commands, flags, platforms, methods and their parameter names (from the method catalog). The script asks snskit itself for the words, so it stays right as snskit changes.",
		examples: []string{
			`source <(snskit completion bash)          # in ~/.bashrc`,
			`snskit completion zsh > "${fpath[1]}/_snskit"`,
			"snskit completion fish > ~/.config/fish/completions/snskit.fish",
		},
		run: runCompletion,
	}
}

// runCompletion runs "snskit completion SHELL".
func runCompletion(_ context.Context, args []string, con console, _ func(string) string) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		printCommandHelp(con.stdout, "completion")
		return exitOK
	}
	if len(args) != 1 {
		fmt.Fprintf(con.stderr, "snskit: completion needs one shell: bash, zsh or fish\n%s", usageHint)
		return exitUsage
	}
	script, ok := map[string]string{"bash": bashCompletion, "zsh": zshCompletion, "fish": fishCompletion}[args[0]]
	if !ok {
		hint := didYouMean(args[0], []string{"bash", "zsh", "fish"}, func(s string) string { return s })
		fmt.Fprintf(con.stderr, "snskit: completion: unknown shell %q%s; want bash, zsh or fish\n%s", args[0], hint, usageHint)
		return exitUsage
	}
	io.WriteString(con.stdout, script)
	return exitOK
}

// runComplete runs the hidden command "snskit __complete WORD...": the
// words of the command line after "snskit", the last one being the word
// under the cursor (maybe empty). It prints the candidates, one a line.
func runComplete(args []string, w io.Writer) int {
	for _, c := range completions(args) {
		fmt.Fprintln(w, c)
	}
	return exitOK
}

// completions returns the candidates for the last of words.
func completions(words []string) []string {
	if len(words) == 0 {
		words = []string{""}
	}
	cur := words[len(words)-1]
	if len(words) == 1 {
		return withPrefix(cur, append(commandNames(), "-h"))
	}
	c := lookupCommand(words[0])
	if c == nil {
		return nil
	}
	var fs *flag.FlagSet
	if c.flags != nil {
		fs = c.flags()
	}
	if strings.HasPrefix(cur, "-") {
		if fs == nil {
			return nil
		}
		var names []string
		for _, n := range flagNames(fs) {
			names = append(names, "-"+n)
		}
		return withPrefix(cur, names)
	}
	// Positional arguments so far, skipping flags and their values.
	var pos []string
	for i := 1; i < len(words)-1; i++ {
		wd := words[i]
		if strings.HasPrefix(wd, "-") && wd != "-" {
			if fs != nil && !strings.Contains(wd, "=") && takesValue(fs, strings.TrimLeft(wd, "-")) {
				i++
			}
			continue
		}
		pos = append(pos, wd)
	}
	if prev := words[len(words)-2]; strings.HasPrefix(prev, "-") && fs != nil && takesValue(fs, strings.TrimLeft(prev, "-")) {
		return nil // a flag's value: let the shell complete files
	}
	platforms := []string{"vk", "renren", "renren1", "weixin", "wechat", "qq", "kaixin"}
	switch c.name {
	case "call":
		switch len(pos) {
		case 0:
			return withPrefix(cur, platforms)
		case 1:
			return catalogMethods(pos[0], cur)
		default:
			return catalogParams(pos[0], pos[1], cur)
		}
	case "methods":
		switch len(pos) {
		case 0:
			return withPrefix(cur, platforms)
		case 1:
			return catalogMethods(pos[0], cur)
		}
	case "login", "logout", "token":
		if len(pos) == 0 {
			return withPrefix(cur, platforms)
		}
	case "help":
		switch len(pos) {
		case 0:
			names := commandNames()
			for _, t := range topics() {
				names = append(names, t.name)
			}
			return withPrefix(cur, append(names, platforms...))
		case 1:
			return catalogMethods(pos[0], cur)
		}
	case "completion":
		if len(pos) == 0 {
			return withPrefix(cur, []string{"bash", "zsh", "fish"})
		}
	}
	return nil
}

// takesValue reports whether the flag name of fs takes a value (is not a
// boolean).
func takesValue(fs *flag.FlagSet, name string) bool {
	fl := fs.Lookup(name)
	if fl == nil {
		return false
	}
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// withPrefix returns the words that start with prefix, sorted.
func withPrefix(prefix string, words []string) []string {
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

const bashCompletion = `# bash completion for snskit; source it: source <(snskit completion bash)
_snskit() {
	local IFS=$'\n'
	local cur="${COMP_WORDS[COMP_CWORD]}"
	local words=("${COMP_WORDS[@]:1:COMP_CWORD}")
	local out
	out=$(snskit __complete "${words[@]}" 2>/dev/null)
	if [ -z "$out" ]; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -W "$out" -- "$cur"))
	[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace
}
complete -o default -F _snskit snskit
`

const zshCompletion = `#compdef snskit
# zsh completion for snskit: snskit completion zsh > "${fpath[1]}/_snskit"
_snskit() {
	local -a out
	out=("${(@f)$(snskit __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
	if [[ -z "${out[1]}" ]]; then
		_files
		return
	fi
	compadd -S '' -- "${out[@]:#*[^=]}"
	compadd -- "${out[@]:#*=}"
}
compdef _snskit snskit
`

const fishCompletion = `# fish completion for snskit: snskit completion fish > ~/.config/fish/completions/snskit.fish
function __snskit_complete
	set -l words (commandline -opc)[2..-1] (commandline -ct)
	snskit __complete $words 2>/dev/null
end
complete -c snskit -f -a '(__snskit_complete)'
`
