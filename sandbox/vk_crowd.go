package sandbox

import (
	"fmt"
	"slices"
	"sort"
)

// The VK crowd: generated users and the long lists built from them, for
// walks over many pages and their benchmarks. Nothing here is stored per
// item: a user of the crowd is computed from its id, a list from its
// length, so a 25,000-member community costs a few words of memory.
//
//	user ids VKCrowdBase … VKCrowdBase+VKCrowdSize-1   "Crowd Member<n>", n = id - VKCrowdBase
//	VKBigGroupID members    the first VKBigGroupMembers crowd users, in id order
//	VKPopularUserID friends the first VKPopularFriends crowd users
//	VKPopularUserID followers VKPopularFollowers crowd users from VKCrowdBase+30000
//	VKPopularUserID wall    VKPopularPosts posts; album VKPopularAlbumID VKPopularPhotos photos
//
// Server.VKAddMembers and Server.VKRemoveMembers change a community's
// roster between two pages of a walk, so the "no item lost or repeated when
// count drifts" logic of a client can be tested.

const (
	// VKCrowdBase is the id of the first generated VK user.
	VKCrowdBase int64 = 100000000
	// VKCrowdSize is how many generated users there are.
	VKCrowdSize = 100000
	// VKBigGroupID is a community with VKBigGroupMembers members (before
	// VKAddMembers and VKRemoveMembers), administered by user 1.
	VKBigGroupID int64 = 200000
	// VKBigGroupMembers is the seeded member count of VKBigGroupID.
	VKBigGroupMembers = 25000
	// VKPopularUserID is a user with long lists: VKPopularFriends friends,
	// VKPopularFollowers followers, VKPopularPosts wall posts and an album
	// (VKPopularAlbumID) of VKPopularPhotos photos.
	VKPopularUserID int64 = 6
	// VKPopularFriends is the friend count of VKPopularUserID.
	VKPopularFriends = 12000
	// VKPopularFollowers is the follower count of VKPopularUserID.
	VKPopularFollowers = 2500
	// VKPopularPosts is the number of posts on VKPopularUserID's wall.
	VKPopularPosts = 250
	// VKPopularAlbumID is VKPopularUserID's album of VKPopularPhotos photos.
	VKPopularAlbumID int64 = 281000006
	// VKPopularPhotos is the photo count of VKPopularAlbumID.
	VKPopularPhotos = 2100
)

const vkFollowersFrom = 30000 // crowd offset of VKPopularUserID's followers

// vkCrowdUser computes a generated user.
func vkCrowdUser(id int64) (vkUser, bool) {
	n := id - VKCrowdBase
	if n < 0 || n >= VKCrowdSize {
		return vkUser{}, false
	}
	return vkUser{ID: id, First: "Crowd", Last: fmt.Sprintf("Member%d", n), Screen: fmt.Sprintf("id%d", id),
		Sex: int(1 + n%2), CityID: 1 + n%3, CityTitle: []string{"Moscow", "Saint Petersburg", "Kazan"}[n%3]}, true
}

// vkRoster is a list of ids computed on the fly: n generated ids (at(i)),
// without the removed ones, followed by the added ones.
type vkRoster struct {
	n       int
	at      func(i int) int64
	removed map[int64]bool
	added   []int64
}

func vkRange(from int64, n int) vkRoster {
	return vkRoster{n: n, at: func(i int) int64 { return from + int64(i) }}
}

func vkStatic(ids []int64) vkRoster {
	return vkRoster{n: len(ids), at: func(i int) int64 { return ids[i] }}
}

// count is the number of ids in the list.
func (r vkRoster) count() int {
	gone := 0
	for id := range r.removed {
		if r.has(id) {
			gone++
		}
	}
	return r.n - gone + len(r.added)
}

// has reports whether id is one of the generated ids.
func (r vkRoster) has(id int64) bool {
	i := sort.Search(r.n, func(i int) bool { return r.at(i) >= id })
	return i < r.n && r.at(i) == id
}

// window returns the ids at positions [offset, offset+count), counted from
// the end when desc.
func (r vkRoster) window(offset, count int, desc bool) []int64 {
	total := r.count()
	offset = max(min(offset, total), 0)
	count = max(min(count, total-offset), 0)
	lo, hi := offset, offset+count
	if desc {
		lo, hi = total-hi, total-lo
	}
	out := make([]int64, 0, hi-lo)
	pos := 0
	for i := 0; i < r.n && pos < hi; i++ {
		id := r.at(i)
		if r.removed[id] {
			continue
		}
		if pos >= lo {
			out = append(out, id)
		}
		pos++
	}
	for _, id := range r.added {
		if pos >= hi {
			break
		}
		if pos >= lo {
			out = append(out, id)
		}
		pos++
	}
	if desc {
		slices.Reverse(out)
	}
	return out
}

// vkLists holds what tests changed in community rosters, guarded by the
// platform's mu.
type vkLists struct {
	removed map[int64]map[int64]bool // group -> removed members
	added   map[int64][]int64        // group -> members joined since, in order
	next    int64                    // the next crowd user to join somewhere
}

func newVKLists() *vkLists {
	return &vkLists{removed: map[int64]map[int64]bool{}, added: map[int64][]int64{},
		next: VKCrowdBase + VKCrowdSize/2}
}

// members returns a community's roster. The caller holds mu.
func (p *vkPlatform) members(g vkGroup) vkRoster {
	r := vkStatic(g.Members)
	if g.ID == VKBigGroupID {
		r = vkRange(VKCrowdBase, VKBigGroupMembers)
	}
	r.removed, r.added = p.lists.removed[g.ID], p.lists.added[g.ID]
	return r
}

// VKAddMembers makes n more crowd users join community groupID and returns
// their ids, in join order: they come last in groups.getMembers. It returns
// nil for an unknown community.
func (s *Server) VKAddMembers(groupID int64, n int) []int64 {
	p := s.platforms[VK].(*vkPlatform)
	if _, ok := vkGroupByID(groupID); !ok || n <= 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ids := make([]int64, 0, n)
	for range n {
		ids = append(ids, p.lists.next)
		p.lists.next++
	}
	p.lists.added[groupID] = append(p.lists.added[groupID], ids...)
	return ids
}

// VKRemoveMembers makes users leave community groupID and returns how many
// of them were members.
func (s *Server) VKRemoveMembers(groupID int64, userIDs ...int64) int {
	p := s.platforms[VK].(*vkPlatform)
	g, ok := vkGroupByID(groupID)
	if !ok {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	left := 0
	for _, id := range userIDs {
		r := p.members(g)
		if i := slices.Index(r.added, id); i >= 0 {
			p.lists.added[groupID] = slices.Delete(slices.Clone(r.added), i, i+1)
			left++
			continue
		}
		if r.has(id) && !r.removed[id] {
			if p.lists.removed[groupID] == nil {
				p.lists.removed[groupID] = map[int64]bool{}
			}
			p.lists.removed[groupID][id] = true
			left++
		}
	}
	return left
}

// vkPopularWall returns VKPopularUserID's wall, oldest first.
func vkPopularWall(t0 int64) []vkPost {
	posts := make([]vkPost, VKPopularPosts)
	for i := range posts {
		posts[i] = vkPost{ID: int64(i + 1), FromID: VKPopularUserID, OwnerID: VKPopularUserID,
			Date: t0 + int64(i)*600, Text: fmt.Sprintf("Popular post %d", i+1)}
	}
	return posts
}
