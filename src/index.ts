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
  type Algorithm,
  type CryptoKeyEntry,
  type KeyOptions,
  type KeyResolver,
  supportedAlgorithms,
} from './auth/keys/keys'
export { type PublishedKeysOptions, publishedKeys } from './auth/keys/published-keys'
export {
  createRemoteKeySet,
  type RemoteKeySet,
  type RemoteKeySetOptions,
} from './auth/keys/remote-keys'
export {
  createIssuer,
  generateSigningJwk,
  type Issuer,
  type IssuerOptions,
  type MintOptions,
} from './auth/mint/issuer'
export {
  needsRefresh,
  type RefreshOptions,
  refreshedTokenHeader,
  refreshThreshold,
  tokenRefresh,
} from './auth/mint/refresh'
export { compilePolicy, guard, type RoutePolicy, type ScopeChecker } from './auth/policy/policy'
export {
  allowedTokenTypes,
  type BuiltinScope,
  type CheckScopes,
  mergeScopes,
} from './auth/policy/scopes'
export {
  type TIToken,
  type TokenType,
  tiClaimsSchema,
  tokenTypes,
} from './auth/profile/task-instance'
export {
  documentedScopes,
  type OpenApiDocument,
  type OpenApiOptions,
  openApiDocument,
} from './auth/table/openapi'
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
} from './auth/table/route'
export {
  type RouteTable,
  type RouteTableOptions,
  routeTable,
  type TableRoute,
} from './auth/table/table'
export type { CheckTable, Mounted, TableSchema } from './auth/table/table-types'
export { type ValidationIssue, validate, validationFailed } from './auth/table/validation'
export { readBearer } from './auth/token/bearer'
export { type KeySetEvents, TokenCache, type TokenCacheOptions } from './auth/verify/cache'
export {
  currentToken,
  type JwtAuth,
  type JwtAuthVariables,
  jwtAuth,
} from './auth/verify/middleware'
export {
  createJwsVerifier,
  createVerifier,
  defaultAudience,
  defaultRealm,
  type SignatureOptions,
  type VerifiedJws,
  type Verifier,
  type VerifyOptions,
} from './auth/verify/verify'
