import { managedClaimsWith, optionalString, type TokenProfile } from './profile'
import { applyClaimsSchema, type SchemaOutput, type StandardSchemaV1 } from './standard-schema'

/** The claims of an RFC 9068 access token the profile knows; a claims schema adds the rest. */
export interface AccessTokenClaims {
  /** The principal: any non-empty string (a user id, `client@clients`, an email). */
  sub: string
  exp: number
  iat?: number
  nbf?: number
  aud?: string | string[]
  iss?: string
  jti?: string
  client_id?: string
  /** Granted scopes, space-delimited (RFC 8693 §4.2, Auth0, Cloudflare Access). */
  scope?: string
  /** Granted scopes as a list or a string (Okta, Azure AD). */
  scp?: string | string[]
}

/** Token types read from a claim, for access tokens that have kinds (Cognito's `token_use`). */
export interface AccessTokenTypes<T extends string> {
  /** The claim that carries the type. */
  claim: string
  /** The types; a token with another value is invalid. */
  types: readonly T[]
  /** The type of a token without the claim. Default: none (such a token is invalid). */
  absent?: T
  /** The types a route allows when it declares no `token:` scope. Default: all of `types`. */
  routeDefault?: readonly T[]
}

/** How an access token profile reads claims. */
export interface AccessTokenProfileOptions<S, T extends string> {
  /** A Standard Schema (zod ≥ 3.24, valibot, …) for the claims beyond the registered ones; it types them. Default: none. */
  claims?: S
  /** Token types and the claim carrying them. Default: none (no `token:` scopes). */
  tokenTypes?: AccessTokenTypes<T>
  /** Compare subjects as UUIDs in `self:` scopes. Default: `false` (exact text). */
  uuidSubjects?: boolean
  /** `realm` of the challenges. Default: `'api'`. */
  realm?: string
}

/** The claims of an access token profile: the known ones, and the schema's (or any, without one). */
export type AccessClaims<S> = [S] extends [StandardSchemaV1]
  ? AccessTokenClaims & SchemaOutput<S>
  : AccessTokenClaims & { [claim: string]: unknown }

/** An access token profile with claims schema `S` and token types `T`. */
export type AccessTokenProfile<S = undefined, T extends string = never> = TokenProfile<
  AccessClaims<S>,
  T,
  never,
  'token'
>

const invalid = (claim: string) => `The token's "${claim}" claim is missing or invalid`

/** Whether a space-delimited list contains `word`, without splitting it (no allocation). */
export const hasWord = (list: string, word: string): boolean => {
  if (!word) return false
  for (let i = list.indexOf(word); i >= 0; i = list.indexOf(word, i + 1)) {
    const end = i + word.length
    const before = i === 0 || list.charCodeAt(i - 1) === 32
    if (before && (end === list.length || list.charCodeAt(end) === 32)) return true
  }
  return false
}

const grants = (claims: AccessTokenClaims, scope: string): boolean => {
  if (typeof claims.scope === 'string' && hasWord(claims.scope, scope)) return true
  const { scp } = claims
  if (typeof scp === 'string') return hasWord(scp, scope)
  return Array.isArray(scp) && scp.includes(scope)
}

/**
 * OAuth 2.0 access tokens (RFC 9068) from any issuer (Auth0, Okta, Azure AD, Cognito, Cloudflare
 * Access, `hono/jwt`'s `sign`): `sub` any non-empty string; `exp` required, `nbf`/`iat` checked
 * when present; `aud`/`iss` checked when the verifier is given them (no default audience); granted
 * scopes from `scope` (space-delimited) or `scp` (list or string); a route scope that is not built
 * in must be granted. Claims in `c.var.token`, typed from the `claims` schema when given.
 *
 * @example
 * const profile = accessTokenProfile({ claims: z.object({ org: z.string() }) })
 * const auth = jwtAuth({ jwksUrl, algorithms: ['RS256'], audience: 'https://api.example.com', profile })
 */
export const accessTokenProfile = <
  S extends StandardSchemaV1 | undefined = undefined,
  const T extends string = never,
>(
  options: AccessTokenProfileOptions<S, T> = {},
): AccessTokenProfile<S, T> => {
  const { claims: schema, tokenTypes: typed, uuidSubjects = false, realm = 'api' } = options
  if (schema !== undefined && typeof schema?.['~standard']?.validate !== 'function') {
    throw new TypeError('"claims" must be a Standard Schema (zod, valibot, …)')
  }
  const types = typed ? [...typed.types] : []
  if (typed && (!typed.claim || !types.length)) {
    throw new TypeError('"tokenTypes" needs a "claim" and at least one type')
  }
  const routeDefault = typed?.routeDefault ? [...typed.routeDefault] : types
  for (const t of [...routeDefault, ...(typed?.absent ? [typed.absent] : [])]) {
    if (!types.includes(t)) throw new TypeError(`"tokenTypes" does not declare the type "${t}"`)
  }
  const typeClaim = typed?.claim

  const check = (payload: Record<string, unknown>): string | undefined => {
    const { sub, scope, scp } = payload
    if (typeof sub !== 'string' || !sub) return invalid('sub')
    if (typeof payload.exp !== 'number') return invalid('exp')
    if (!optionalString(payload.iss)) return invalid('iss')
    if (!optionalString(payload.jti)) return invalid('jti')
    if (!optionalString(scope)) return invalid('scope')
    if (!(optionalString(scp) || (Array.isArray(scp) && scp.every((s) => typeof s === 'string')))) {
      return invalid('scp')
    }
    if (typeClaim) {
      const type = payload[typeClaim]
      if (type === undefined && typed?.absent) payload[typeClaim] = typed.absent
      else if (!(types as unknown[]).includes(type)) return invalid(typeClaim)
    }
    if (!schema) return undefined
    const failed = applyClaimsSchema(schema, payload)
    if (!failed) return undefined
    return failed.claim ? invalid(failed.claim) : 'The token claims are invalid'
  }

  const managed = typeClaim ? managedClaimsWith(typeClaim) : managedClaimsWith()
  return {
    name: 'access-token',
    // RFC 9068 access tokens say `at+jwt`; many providers still say `JWT`.
    types: ['JWT', 'at+jwt'],
    variable: 'token',
    realm,
    audience: undefined,
    requiredClaims: ['sub', 'exp'],
    check,
    tokenTypes: types as T[],
    defaultTokenTypes: routeDefault as T[],
    tokenType: typeClaim ? (claims) => claims[typeClaim as 'sub'] as unknown as T : () => undefined,
    refreshType: undefined,
    subject: (claims) => claims.sub,
    uuidSubjects,
    grantsScopes: true,
    grants,
    aliases: {},
    mintClaims: (type, scopes) => ({
      ...(scopes?.length ? { scope: scopes.join(' ') } : {}),
      ...(typeClaim && type !== undefined ? { [typeClaim]: type } : {}),
    }),
    managedClaims: managed,
  } as AccessTokenProfile<S, T>
}
