//go:build !race

package platforms_test

// raceSlow is how much slower the race detector makes the tests that hold a
// call to a deadline: not at all without -race.
const raceSlow = 1
