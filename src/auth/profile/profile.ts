/**
 * A token profile: the one place that reads claims. The verifier checks the signature and the
 * registered claims (`exp`, `nbf`, `iat`, `aud`, `iss`, and the presence of `requiredClaims`),
 * then calls `check` once, synchronously, on the parsed payload; policy, table, issuer and refresh
 * read the verified claims only through the profile's functions. Two ship: `taskInstanceProfile`
 * (Airflow's task tokens) and `accessTokenProfile` (RFC 9068 OAuth 2.0 access tokens).
 */
export interface TokenProfile<
  Claims extends object = Record<string, unknown>,
  Types extends string = string,
  Alias extends string = string,
  Variable extends 'token' | 'tiToken' = 'token' | 'tiToken',
> {
  /** A name for messages: `'task-instance'`, `'access-token'`. */
  readonly name: string
  /** The `c.var` member that holds the verified claims. */
  readonly variable: Variable
  /** `realm` of the challenges when the options name none. */
  readonly realm: string
  /** `typ` header values accepted when the options name none (RFC 8725 §3.11). Default: `['JWT']`. */
  readonly types?: readonly string[]
  /** Audiences accepted when the options name none; `undefined`: `aud` is not checked. */
  readonly audience: readonly string[] | undefined
  /** Claims every token must carry (the verifier refuses a token without one). */
  readonly requiredClaims: readonly string[]
  /**
   * Checks the claims the verifier has already parsed and verified, in place: gives `undefined`
   * when they are this profile's claims (the payload is then a `Claims`, defaults filled in), or a
   * description of what is wrong (an `error_description`, never quoting the token).
   */
  readonly check: (payload: Record<string, unknown>) => string | undefined
  /** The token types, in the order `token:` scopes name them; empty: the profile has none. */
  readonly tokenTypes: readonly Types[]
  /** The types a route allows when its effective scopes declare none. */
  readonly defaultTokenTypes: readonly Types[]
  /** The type of a verified token (`undefined` when the profile has no types). */
  readonly tokenType: (claims: Claims) => Types | undefined
  /** The type refreshed near expiry and that exchange routes hand out; `undefined`: every type refreshes, keeping its type. */
  readonly refreshType: Types | undefined
  /** The subject: what `self:<param>` compares with the path parameter. */
  readonly subject: (claims: Claims) => string
  /** Whether `self:` scopes compare subjects as UUIDs (case, hyphens, braces, `urn:uuid:` ignored). */
  readonly uuidSubjects: boolean
  /** Whether a token grants scopes; if not, a scope that is not built in needs a checker. */
  readonly grantsScopes: boolean
  /** Whether the token grants `scope` (only asked when `grantsScopes`). */
  readonly grants: (claims: Claims, scope: string) => boolean
  /** Built-in spellings of `self:` scopes (`'ti:self'` → `'task_instance_id'`), with their own refusal. */
  readonly aliases: { readonly [K in Alias]: string }
  /** The claims the issuer writes for a token of `type` granting `scopes`. */
  mintClaims(
    type: Types | undefined,
    scopes: readonly string[] | undefined,
  ): Record<string, unknown>
  /** Claims the issuer sets itself; all others are carried over on refresh. */
  readonly managedClaims: ReadonlySet<string>
  /** Types only, never present: the claims, token types and aliases, for inference. */
  readonly '~types'?: { readonly claims: Claims; readonly tokenType: Types; readonly alias: Alias }
}

/** Any profile, whatever its claims. */
// biome-ignore lint/suspicious/noExplicitAny: any profile's claims and types
export type AnyProfile = TokenProfile<any, any, any, any>

/** The verified claims of a profile. */
export type ClaimsOf<P> = P extends { '~types'?: { claims: infer C } } ? C : never

/** The token types of a profile (`never` when it has none). */
export type TokenTypeOf<P> = P extends { '~types'?: { tokenType: infer T extends string } }
  ? T
  : never

/** The built-in `self:` spellings of a profile (`'ti:self'`). */
export type AliasOf<P> = P extends { '~types'?: { alias: infer A } } ? A : never

/** What the middleware puts on `c.var`: the verified claims, under the profile's name. */
export type TokenVariables<P> = P extends { variable: infer K extends string }
  ? { [Key in K]: ClaimsOf<P> }
  : never

/** Registered claims the verifier itself checks, and the issuer sets. */
export const registeredClaimNames: readonly string[] = [
  'aud',
  'iss',
  'exp',
  'iat',
  'nbf',
  'jti',
  'sub',
]

/** The claims a profile manages itself: the registered ones and `extra` (never carried over on refresh). */
export const managedClaimsWith = (...extra: string[]): ReadonlySet<string> =>
  new Set([...registeredClaimNames, ...extra])

// A NumericDate or string member, when present.
export const optionalString = (value: unknown): boolean =>
  value === undefined || typeof value === 'string'
