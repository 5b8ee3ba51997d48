// The root entry: verification (`jwtAuth`), policy (`guard`), the route table, local keys, errors
// and the access-token profile. Neither zod nor jose is loaded from here: minting is
// `hono-scoped-jwt/mint`, the Airflow profile `hono-scoped-jwt/airflow`, OpenAPI
// `hono-scoped-jwt/openapi`; remote key sets `hono-scoped-jwt/remote`, DPoP `hono-scoped-jwt/dpop`,
// several issuers `hono-scoped-jwt/issuers`, so that a Worker bundles only what it uses.
// Re-exports only.
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
export {
  type Algorithm,
  type CryptoKeyEntry,
  type KeyOptions,
  type KeyResolver,
  type KeySource,
  type KeySourceContext,
  type OpenKeySource,
  supportedAlgorithms,
} from './auth/keys/keys'
export { type LocalKeyEntry, localKeys } from './auth/keys/local-keys'
export { type PublishedKeysOptions, publishedKeys } from './auth/keys/published-keys'
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
export type { DpopMode, DpopRule, DpopSettings } from './auth/verify/bound'
export { type KeySetEvents, TokenCache, type TokenCacheOptions } from './auth/verify/cache'
export {
  currentIssuer,
  type IssuerNameOf,
  type IssuerOf,
  type IssuerVariables,
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
  createJwsVerifier,
  createVerifier,
  type SignatureOptions,
  type VerifiedJws,
  type Verifier,
  type VerifyOptions,
} from './auth/verify/verify'
