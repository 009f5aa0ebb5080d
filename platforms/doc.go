// Package platforms holds the wire rules of every platform snskit speaks,
// one file each: VK, Renren (API 2.0) and Renren1 (API 1.0), Weixin (WeChat
// web login), QQ (QQ Connect) and Kaixin (Kaixin001). Each constructor
// returns a snskit.Platform to pass to snskit.New. Platform values are safe
// for concurrent use and may be shared by many clients.
package platforms
