package snskit

import (
	"fmt"
	"sync"
	"testing"

	"github.com/snskit/snskit/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBudgetKeysAreBudgetKey(t *testing.T) {
	var b budgetKeys
	for round := range 2 { // computed, then remembered: the same keys
		for i := range budgetKeysKept {
			cred := fmt.Sprintf("token-%d", i)
			require.Equal(t, driver.BudgetKey("vk", cred), b.key("vk", cred), "round %d", round)
		}
	}
	assert.Len(t, *b.list.Load(), budgetKeysKept)
	// The platform is part of the key.
	assert.Equal(t, driver.BudgetKey("renren", "token-1"), b.key("renren", "token-1"))
	assert.NotEqual(t, b.key("vk", "token-1"), b.key("renren", "token-1"))
	// Bounded: the oldest are forgotten, and come back right.
	for i := range 3 * budgetKeysKept {
		b.key("vk", fmt.Sprintf("more-%d", i))
	}
	assert.Len(t, *b.list.Load(), budgetKeysKept)
	assert.Equal(t, driver.BudgetKey("vk", "token-0"), b.key("vk", "token-0"))
}

func TestBudgetKeysUnderConcurrentUse(t *testing.T) {
	var b budgetKeys
	var wg sync.WaitGroup
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				cred := fmt.Sprintf("token-%d", (g+i)%12)
				if !assert.Equal(t, driver.BudgetKey("vk", cred), b.key("vk", cred)) {
					return
				}
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, len(*b.list.Load()), budgetKeysKept)
}
