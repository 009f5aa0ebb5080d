package platforms

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"time"

	"github.com/snskit/snskit"
	"github.com/tidwall/gjson"
)

// VKUserLongPollVersion is the User Long Poll version sent when
// VKUserLongPoll.Version is 0.
const VKUserLongPollVersion = 3

// The bits of VKUserLongPoll.Mode.
const (
	VKModeAttachments = 2   // attachments in message events
	VKModeExtended    = 8   // extended events
	VKModePts         = 32  // return pts
	VKModeExtra       = 64  // extra data for event 8 (a friend online)
	VKModeRandomID    = 128 // random_id in message events
)

// VKUserLongPoll is the User Long Poll of the client's user
// (messages.getLongPollServer, then act=a_check with mode and version).
// Its events are VK's update arrays: VKEvent.Type is the update's code and
// VKEvent.Object the whole array; they carry no event_id, so repeats cannot
// be told apart. Resuming with TS and OnTS works as for VKBotsLongPoll.
type VKUserLongPoll struct {
	// GroupID, when set, reads a community's messages (with its token).
	GroupID int64
	// Mode is a sum of the VKMode bits.
	Mode int
	// Version is the update format (VKUserLongPollVersion when 0).
	Version int
	// Wait is as for VKBotsLongPoll.
	Wait time.Duration
	// TS is where to start: a position OnTS gave; empty starts from now.
	TS string
	// OnTS is as for VKBotsLongPoll.
	OnTS func(ts string)
}

// Events returns the user's updates, polled through api until ctx is done
// (then it yields ctx's error, wrapped, as VKBotsLongPoll.Events does). A
// version VK does not take (failed 4) ends the loop with an error.
func (lp VKUserLongPoll) Events(ctx context.Context, api *snskit.API) iter.Seq2[VKEvent, error] {
	version := lp.Version
	if version == 0 {
		version = VKUserLongPollVersion
	}
	p := &vkPoller{api: api, name: "user long poll", wait: lp.Wait, start: lp.TS, onTS: lp.OnTS,
		query: url.Values{"mode": {strconv.Itoa(lp.Mode)}, "version": {strconv.Itoa(version)}},
		server: func(ctx context.Context) (gjson.Result, error) {
			params := snskit.Params{"lp_version": version}
			if lp.GroupID != 0 {
				params["group_id"] = lp.GroupID
			}
			return api.Method("messages.getLongPollServer").DoContext(ctx, params)
		},
		event: func(u gjson.Result) VKEvent {
			return VKEvent{Type: u.Get("0").String(), Object: u}
		}}
	switch {
	case lp.Mode < 0 || lp.Mode > 1023:
		p.err = fmt.Errorf("snskit: vk user long poll: VKUserLongPoll.Mode %d: want a sum of the VKMode bits", lp.Mode)
	case lp.Version < 0:
		p.err = fmt.Errorf("snskit: vk user long poll: VKUserLongPoll.Version %d: want 0 (for %d) or a positive version", lp.Version, VKUserLongPollVersion)
	case lp.GroupID < 0:
		p.err = fmt.Errorf("snskit: vk user long poll: VKUserLongPoll.GroupID %d: want a community's id, a positive number", lp.GroupID)
	}
	return p.run(ctx)
}
