export { readBearer } from './auth/bearer'
export { type KeySetEvents, TokenCache, type TokenCacheOptions } from './auth/cache'
export { type TIToken, type TokenType, tiClaimsSchema, tokenTypes } from './auth/claims'
export {
  AuthError,
  type AuthErrorCode,
  type BearerChallenge,
  ExpiredTokenError,
  InvalidTokenError,
  KeysUnavailableError,
  MalformedHeaderError,
  MissingTokenError,
  ScopeDeniedError,
  SubjectMismatchError,
  TokenTypeNotAllowedError,
} from './auth/errors'
export {
  createIssuer,
  generateSigningJwk,
  type Issuer,
  type IssuerOptions,
  type MintOptions,
} from './auth/issuer'
export {
  type Algorithm,
  type CryptoKeyEntry,
  type KeyOptions,
  type KeyResolver,
  supportedAlgorithms,
} from './auth/keys'
export { currentToken, type JwtAuth, type JwtAuthVariables, jwtAuth } from './auth/middleware'
export {
  documentedScopes,
  type OpenApiDocument,
  type OpenApiOptions,
  openApiDocument,
} from './auth/openapi'
export { compilePolicy, guard, type RoutePolicy, type ScopeChecker } from './auth/policy'
export {
  needsRefresh,
  type RefreshOptions,
  refreshedTokenHeader,
  refreshThreshold,
  tokenRefresh,
} from './auth/refresh'
export { createRemoteKeySet, type RemoteKeySet, type RemoteKeySetOptions } from './auth/remote-keys'
export {
  defineGroup,
  defineRoute,
  type GroupDef,
  type Method,
  type RouteConfig,
  type RouteDef,
  type RouteDoc,
  type RouteEnv,
  type RouteNode,
  routeBuilders,
  type Validators,
} from './auth/route'
export { allowedTokenTypes, type BuiltinScope, type CheckScopes, mergeScopes } from './auth/scopes'
export { type RouteTable, type RouteTableOptions, routeTable, type TableRoute } from './auth/table'
export type { CheckTable, Mounted, TableSchema } from './auth/table-types'
export { type ValidationIssue, validate, validationFailed } from './auth/validation'
export {
  createJwsVerifier,
  createVerifier,
  defaultAudience,
  defaultRealm,
  type SignatureOptions,
  type VerifiedJws,
  type Verifier,
  type VerifyOptions,
} from './auth/verify'
