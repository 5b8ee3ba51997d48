// The root entry: verification (`jwtAuth`), policy (`guard`), the route table, keys, errors and
// the access-token profile. Neither zod nor jose is loaded from here: minting is
// `hono-scoped-jwt/mint`, the Airflow profile `hono-scoped-jwt/airflow`, OpenAPI
// `hono-scoped-jwt/openapi`. Re-exports only.
export { type DpopChallenge, DpopError } from './auth/dpop-errors'
export {
  AuthError,
  type AuthErrorCode,
  type BearerChallenge,
  DuplicateTokenError,
  EmptyCookieError,
  ExpiredTokenError,
  InsufficientScopeError,
  InvalidTokenError,
  IssuerNotAllowedError,
  KeysUnavailableError,
  MalformedHeaderError,
  MissingTokenError,
  OwnershipError,
  ScopeDeniedError,
  SubjectMismatchError,
  TokenTypeNotAllowedError,
} from './auth/errors'
export { createDiscoveredKeySet, IssuerMismatchError } from './auth/keys/discovery'
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
  type RemoteKeySetEvent,
  type RemoteKeySetOptions,
} from './auth/keys/remote-keys'
export { allowedIssuers } from './auth/policy/issuer-scopes'
export {
  type AnyOfScopes,
  anyOf,
  type Checkers,
  compilePolicy,
  guard,
  type RoutePolicy,
  type ScopeChecker,
} from './auth/policy/policy'
export {
  allowedTokenTypes,
  type BuiltinScope,
  type CheckScope,
  type CheckScopes,
  mergeScopes,
} from './auth/policy/scopes'
export {
  type AccessClaims,
  type AccessTokenClaims,
  type AccessTokenProfile,
  type AccessTokenProfileOptions,
  type AccessTokenTypes,
  accessTokenProfile,
} from './auth/profile/access-token'
export type {
  AnyProfile,
  ClaimsOf,
  TokenProfile,
  TokenTypeOf,
  TokenVariables,
} from './auth/profile/profile'
export type { StandardSchemaV1 } from './auth/profile/standard-schema'
export { type WithClaims, withClaims } from './auth/profile/with-claims'
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
export { type ValidationIssue, validate } from './auth/table/validation'
export { readBearer } from './auth/token/bearer'
export { type TokenReader, type TokenSourceOptions, tokenReader } from './auth/token/source'
export { type KeySetEvents, TokenCache, type TokenCacheOptions } from './auth/verify/cache'
export type {
  DpopMode,
  DpopNonces,
  DpopOptions,
  DpopSettings,
} from './auth/verify/dpop'
export { type HmacNoncesOptions, hmacNonces } from './auth/verify/dpop-nonces'
export { jwkThumbprint } from './auth/verify/dpop-proof'
export {
  createIssuersVerifier,
  currentIssuer,
  type IssuerNameOf,
  type IssuerOf,
  type IssuersVerifier,
  type IssuerVariables,
  type TrustedIssuerOptions,
  type TrustedIssuers,
  type WithIssuers,
} from './auth/verify/issuers'
export {
  currentToken,
  type JwtAuth,
  type JwtAuthOptions,
  type JwtAuthVariables,
  jwtAuth,
  type TokenOf,
} from './auth/verify/middleware'
export {
  MemoryReplayStore,
  type MemoryReplayStoreOptions,
  type ReplayStore,
} from './auth/verify/replay-store'
export {
  createJwsVerifier,
  createVerifier,
  type SignatureOptions,
  type VerifiedJws,
  type Verifier,
  type VerifyOptions,
} from './auth/verify/verify'
