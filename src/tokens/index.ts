export { issueAccessToken, newJti, type AccessTokenClaims, type IssuedAccessToken } from "./access-token";
export { accessTokenHash, issueIdToken, verifyIdTokenHint, type IdTokenInput, type VerifiedHint } from "./id-token";
export { formatOpaque, parseOpaque, hashSecret, type OpaqueKind, type OpaqueParts } from "./opaque";
