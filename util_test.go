package snskit_test

import (
	"fmt"
	"runtime"
)

func sprintf(format string, v any) string { return fmt.Sprintf(format, v) }

// heapAlloc returns the bytes allocated on the heap so far (cumulative).
func heapAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}
