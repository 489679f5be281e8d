// Package saasproto is the SaaS integration protocol between the marketplace platform
// and a merchant's production address: V1 (GET with authToken, replies signed with
// Body-Sign), V2 (POST JSON with a URL signature), the joint-operation kit sync calls
// (V1 authToken header, V2 x-sign), the AES encryption of sensitive fields with Java's
// SHA1PRNG key derivation, RSA-OAEP for app secrets, and APIG SDK-HMAC-SHA256 for the
// open APIs merchants call.
//
// It builds signed requests for every activity, verifies requests as a merchant does
// (timestamp window, nonce replay), and checks a merchant's reply the way the platform
// does, with the protocol's exact messages. It imports nothing of the application's.
package saasproto

// Unified login's endpoints on the platform (saas-protocol.md §9): the platform serves
// them, the merchant's app calls them.
const (
	OAuthAuthorizePath = "/oauth2/authorize"
	OAuthTokenPath     = "/api/v1/oauth2/token"
	OAuthUserInfoPath  = "/api/v1/oauth2/userinfo"
)
