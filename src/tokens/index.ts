export { issueAccessToken, type AccessTokenClaims, type IssuedAccessToken } from "./access-token";
