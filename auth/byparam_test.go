package auth_test

import (
	"fmt"
	"testing"

	"github.com/snskit/snskit/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestByParamPicksTheTokenOfTheCall(t *testing.T) {
	one, two := auth.Token("community-one-token"), auth.Token("community-two-token")
	tokens := map[string]*auth.OAuth2{"1": one, "2": two, "9": nil}
	p := auth.ByParam("group_id", tokens, "1")
	tokens["3"] = auth.Token("added-later-token") // the credential keeps its own copy

	assert.Equal(t, "per-parameter tokens", p.Kind())
	assert.Equal(t, "group_id", p.Param())
	assert.Equal(t, "1", p.Default())
	assert.Equal(t, []string{"1", "2"}, p.Keys(), "sorted, nil entries dropped")

	c, key, err := p.Pick("2")
	require.NoError(t, err)
	assert.Same(t, two, c)
	assert.Equal(t, "2", key)
	c, key, err = p.Pick("")
	require.NoError(t, err)
	assert.Same(t, one, c, "the default")
	assert.Equal(t, "1", key)

	_, _, err = p.Pick("3")
	assert.EqualError(t, err, `auth: no token for group_id "3"; tokens are held for group_id 1, 2`)
	_, _, err = auth.ByParam("group_id", map[string]*auth.OAuth2{"1": one}, "").Pick("")
	assert.ErrorContains(t, err, "sets no group_id and there is no default")
	_, _, err = auth.ByParam("group_id", map[string]*auth.OAuth2{"1": one}, "5").Pick("")
	assert.ErrorContains(t, err, `the default group_id "5" has no token`)
	_, _, err = auth.ByParam("group_id", nil, "").Pick("1")
	assert.ErrorContains(t, err, "(none)")
}

func TestByParamMasksTokens(t *testing.T) {
	p := auth.ByParam("group_id", map[string]*auth.OAuth2{"1": auth.Token("community-one-token")}, "1")
	shown := fmt.Sprintf("%v %+v %#v %s", p, p, p, p)
	assert.NotContains(t, shown, "community-one-token")
	assert.Contains(t, shown, "group_id")
	assert.Contains(t, shown, "default 1")
	var nilP *auth.PerParam
	assert.Equal(t, "auth.PerParam(nil)", nilP.String())
}
