package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVKBotEchoesInTheSandbox(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out, func(string) string { return "" }))
	got := out.String()
	for _, m := range []string{"hello", "how are you?", "bye"} {
		assert.Contains(t, got, "user 2: "+m+"\n")
		assert.Contains(t, got, "bot: "+m+"\n")
	}
	assert.NotContains(t, got, "could not answer")
}

func TestVKBotNeedsTheGroupID(t *testing.T) {
	env := map[string]string{"VK_GROUP_TOKEN": "t"}
	err := run(context.Background(), &strings.Builder{}, func(k string) string { return env[k] })
	assert.ErrorContains(t, err, "VK_GROUP_ID")
}
