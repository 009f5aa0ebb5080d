package snskit

import (
	"fmt"
	"github.com/snskit/snskit/driver"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEncodeValuesMatchesURLValuesEncode(t *testing.T) {
	cases := []url.Values{
		nil,
		{},
		{"a": {"1"}},
		{"b": {"2"}, "a": {"1", "x y"}, "ü": {"中&=?#+%"}, "empty": {""}, "k k": {"v/v"}},
	}
	many := url.Values{}
	for i := range 40 { // more keys than the stack buffer holds
		many.Set(fmt.Sprintf("key%02d", 39-i), fmt.Sprint(i))
	}
	cases = append(cases, many)
	for _, v := range cases {
		assert.Equal(t, v.Encode(), encodeValues(v))
	}
}

func TestEncodedParamsDoNotShareStorage(t *testing.T) {
	v, _, err := encodeParams(Params{"a": 1, "b": 2, "c": 3}, driver.Style{})
	assert.NoError(t, err)
	v.Add("a", "extra") // must not overwrite b or c in the shared array
	assert.Equal(t, []string{"1", "extra"}, v["a"])
	assert.Equal(t, []string{"2"}, v["b"])
	assert.Equal(t, []string{"3"}, v["c"])
}
