package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"sync"

	"golang.org/x/term"
)

// prompter asks the user questions on the terminal: it writes a prompt and
// reads a line of standard input.
type prompter struct {
	in   io.Reader
	w    io.Writer
	term *os.File // standard input, when snskit may turn its echo off

	once sync.Once
	r    *bufio.Reader
}

// line asks for a line of input and returns it without its line ending.
// It gives up when ctx is done.
func (p *prompter) line(ctx context.Context, prompt string) (string, error) {
	fmt.Fprint(p.w, prompt)
	if !p.interactive() {
		defer fmt.Fprintln(p.w) // no Enter was echoed after the prompt
	}
	return p.read(ctx)
}

// interactive reports whether standard input is a terminal, whose echo
// ends each answer with a new line.
func (p *prompter) interactive() bool {
	if p.term == nil {
		return false
	}
	return term.IsTerminal(int(p.term.Fd()))
}

// secret asks for a line of input without echoing it, when standard input
// is a terminal whose echo can be turned off.
func (p *prompter) secret(ctx context.Context, prompt string) (string, error) {
	fmt.Fprint(p.w, prompt)
	if !p.interactive() {
		defer fmt.Fprintln(p.w)
		return p.read(ctx)
	}
	defer fmt.Fprintln(p.w) // the user's Enter was not echoed
	fd := int(p.term.Fd())
	saved, err := term.GetState(fd)
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	ch := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		b, err := term.ReadPassword(fd) // echo off, restored on return
		if err != nil {
			errc <- err
			return
		}
		ch <- string(b)
	}()
	select {
	case s := <-ch:
		return s, nil
	case err := <-errc:
		return "", fmt.Errorf("reading from the terminal: %w", err)
	case <-ctx.Done():
		_ = term.Restore(fd, saved) // ReadPassword is abandoned: give the echo back now
		return "", ctx.Err()
	}
}

// read returns the next line of input. A read cannot be interrupted, so it
// runs on its own and is abandoned when ctx ends first.
func (p *prompter) read(ctx context.Context) (string, error) {
	p.once.Do(func() { p.r = bufio.NewReader(p.in) })
	type answer struct {
		s   string
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		s, err := p.r.ReadString('\n')
		ch <- answer{s, err}
	}()
	select {
	case a := <-ch:
		s := strings.TrimRight(a.s, "\r\n")
		if a.err != nil && (s == "" || !errors.Is(a.err, io.EOF)) {
			if errors.Is(a.err, io.EOF) {
				return "", errors.New("no answer: standard input ended")
			}
			return "", a.err
		}
		return s, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
