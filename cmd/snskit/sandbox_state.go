package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/snskit/snskit/sandbox"
)

// sandboxStateUsage documents -sandbox-state.
const sandboxStateUsage = "the `file` the in-process sandbox keeps its tokens and data in between commands (default: sandbox-state.json in the snskit directory of the user's cache directory)"

// sandboxStateFile returns the state file of the in-process sandbox:
// -sandbox-state (or SNSKIT_SANDBOX_STATE), else snskit/sandbox-state.json
// in the user's cache directory.
func sandboxStateFile(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory to keep the sandbox's state in (%v); pass -sandbox-state FILE", err)
	}
	return filepath.Join(dir, "snskit", "sandbox-state.json"), nil
}

// startInProcessSandbox starts the in-process sandbox of -sandbox with the state
// the earlier commands left, so that a login and the calls after it see
// one sandbox.
func startInProcessSandbox(stateFlag string) (*sandbox.Server, error) {
	file, err := sandboxStateFile(stateFlag)
	if err != nil {
		return nil, err
	}
	return sandbox.New(sandbox.WithStateFile(file))
}

// closeSandbox saves the in-process sandbox's state for the next command
// and stops it; a state that cannot be saved is noted on errw.
func closeSandbox(s *sandbox.Server, errw io.Writer) {
	if err := s.SaveState(); err != nil {
		fmt.Fprintf(errw, "snskit: note: the sandbox's state was not kept for the next command: %v\n", err)
	}
	s.Close()
}

// runSandboxReset runs "snskit sandbox reset": it deletes the in-process
// sandbox's state, so that the next -sandbox command starts afresh.
func runSandboxReset(_ context.Context, stateFlag string, stdout, stderr io.Writer) int {
	file, err := sandboxStateFile(stateFlag)
	if err != nil {
		return usageFailure(stderr, err)
	}
	err = os.Remove(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(stdout, "the sandbox has no state to reset (%s does not exist)\n", file)
	case err != nil:
		fmt.Fprintf(stderr, "snskit: sandbox reset: %v\n", err)
		return exitTransport
	default:
		fmt.Fprintf(stdout, "the sandbox's state is reset (%s deleted); tokens stored by 'snskit login -sandbox' no longer work: 'snskit logout -sandbox PLATFORM' removes them\n", file)
	}
	return exitOK
}
