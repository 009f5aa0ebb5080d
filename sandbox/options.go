package sandbox

import "fmt"

// tuning holds the limits and behaviours tests may change through Options,
// shared by config and env.
type tuning struct {
	vkExecLimit int // bytes of an execute reply
}

func defaultTuning() tuning {
	return tuning{vkExecLimit: VKExecuteLimit}
}

// VKExecuteLimit is the default size limit, in bytes, of what one VK
// execute call may answer: VK's 5 MB. A reply over the limit is error 13
// "Runtime error occurred during code invocation: response size is too big".
const VKExecuteLimit = 5 << 20

// WithVKExecuteLimit sets the size limit of VK execute replies (the JSON of
// its response), so a test can reach error 13 with a small batch. n must be
// positive.
func WithVKExecuteLimit(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("sandbox: WithVKExecuteLimit(%d): the limit must be a positive number of bytes", n)
		}
		c.vkExecLimit = n
		return nil
	}
}
