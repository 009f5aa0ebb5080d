package sandbox

// vkMoreMethods() are the methods of the sandbox's later VK files (uploads,
// lists), by lower-case name; vkLookup falls back on it.
func vkMoreMethods() map[string]vkMethod {
	userOnly, userGroup, userService := vkUserTok, vkUserTok|vkGroupTok, vkUserTok|vkServiceTok
	return map[string]vkMethod{
		"photos.getuploadserver":         {kinds: userOnly, scope: "photos", run: (*vkPlatform).photosGetUploadServer},
		"photos.save":                    {kinds: userOnly, scope: "photos", run: (*vkPlatform).photosSave},
		"photos.getmessagesuploadserver": {kinds: userGroup, scope: "photos", run: (*vkPlatform).photosGetMessagesUploadServer},
		"photos.savemessagesphoto":       {kinds: userGroup, scope: "photos", run: (*vkPlatform).photosSaveMessagesPhoto},
		"docs.getuploadserver":           {kinds: userOnly, scope: "docs", run: (*vkPlatform).docsGetUploadServer},
		"docs.getwalluploadserver":       {kinds: userGroup, scope: "docs", run: (*vkPlatform).docsGetWallUploadServer},
		"docs.getmessagesuploadserver":   {kinds: userGroup, scope: "docs", run: (*vkPlatform).docsGetMessagesUploadServer},
		"docs.save":                      {kinds: userGroup, scope: "docs", run: (*vkPlatform).docsSave},
		"groups.getmembers":              {kinds: vkAnyTok, run: (*vkPlatform).groupsGetMembers},
		"users.getfollowers":             {kinds: userService, run: (*vkPlatform).usersGetFollowers},
		"photos.get":                     {kinds: userService, run: (*vkPlatform).photosGet},
		"newsfeed.get":                   {kinds: userOnly, scope: "wall", run: (*vkPlatform).newsfeedGet},
	}
}

func vkMoreMethod(name string) (vkMethod, bool) {
	m, ok := vkMoreMethods()[name]
	return m, ok
}
