package sandbox

// vkMoreMethods() are the methods of the sandbox's later VK files (uploads,
// lists), by lower-case name; vkLookup falls back on it.
func vkMoreMethods() map[string]vkMethod {
	userOnly, userGroup := vkUserTok, vkUserTok|vkGroupTok
	return map[string]vkMethod{
		"photos.getuploadserver":         {kinds: userOnly, scope: "photos", run: (*vkPlatform).photosGetUploadServer},
		"photos.save":                    {kinds: userOnly, scope: "photos", run: (*vkPlatform).photosSave},
		"photos.getmessagesuploadserver": {kinds: userGroup, scope: "photos", run: (*vkPlatform).photosGetMessagesUploadServer},
		"photos.savemessagesphoto":       {kinds: userGroup, scope: "photos", run: (*vkPlatform).photosSaveMessagesPhoto},
		"docs.getuploadserver":           {kinds: userOnly, scope: "docs", run: (*vkPlatform).docsGetUploadServer},
		"docs.getwalluploadserver":       {kinds: userGroup, scope: "docs", run: (*vkPlatform).docsGetWallUploadServer},
		"docs.getmessagesuploadserver":   {kinds: userGroup, scope: "docs", run: (*vkPlatform).docsGetMessagesUploadServer},
		"docs.save":                      {kinds: userGroup, scope: "docs", run: (*vkPlatform).docsSave},
	}
}

func vkMoreMethod(name string) (vkMethod, bool) {
	m, ok := vkMoreMethods()[name]
	return m, ok
}
