import { managedClaimsWith, optionalString, type TokenProfile } from './profile'

/** The audience of Airflow's task instance tokens: the task instance profile's default. */
export const defaultAudience = 'urn:airflow.apache.org:task'

/** The `realm` of the Execution API's challenges: the task instance profile's default. */
export const defaultRealm = 'execution-api'

/** The two kinds of token: `execution` on every call, `workload` only where a route opts in. */
export const tokenTypes = ['execution', 'workload'] as const

export type TokenType = (typeof tokenTypes)[number]

/** A verified task instance token: what handlers read through `currentToken(c)`. */
export interface TIToken {
  /** The task instance id, a UUID. */
  sub: string
  /** The token type; `execution` when the claim is absent. */
  scope: TokenType
  aud: string | string[]
  iss?: string
  exp: number
  iat: number
  /** Checked when present (RFC 7519 makes it optional; Airflow's validator does not require it). */
  nbf?: number
  jti?: string
  /** Any other claim, kept for handlers and carried over on refresh. */
  [claim: string]: unknown
}

/** The task instance profile: Airflow's Execution API tokens. */
export type TaskInstanceProfile = TokenProfile<TIToken, TokenType, 'ti:self', 'tiToken'>

/** Claims the library manages itself; everything else is carried over on refresh. */
export const registeredClaims: ReadonlySet<string> = /* @__PURE__ */ managedClaimsWith('scope')

// zod's `z.uuid()`: RFC 9562 versions 1-8 with the variant bits, plus the nil and max UUIDs.
const uuid =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/

const invalid = (claim: string) => `The token's "${claim}" claim is missing or invalid`

/**
 * The claims of a task instance token, in plain code (no schema library on the hot path): `sub` a
 * UUID; `scope` one of the two token types, `execution` when absent (filled in); `aud` a string or
 * a non-empty list of strings; `iss` and `jti` strings when present. Unknown claims are kept.
 */
const checkTaskInstance = (payload: Record<string, unknown>): string | undefined => {
  const { sub, scope, aud } = payload
  if (typeof sub !== 'string') return invalid('sub')
  if (!uuid.test(sub)) return `The token's "sub" claim is not a UUID`
  if (scope === undefined) payload.scope = 'execution'
  else if (scope !== 'execution' && scope !== 'workload') return invalid('scope')
  if (typeof aud !== 'string' && !(Array.isArray(aud) && aud.length > 0)) return invalid('aud')
  if (!optionalString(payload.iss)) return invalid('iss')
  if (!optionalString(payload.jti)) return invalid('jti')
  if (typeof payload.exp !== 'number') return invalid('exp')
  if (typeof payload.iat !== 'number') return invalid('iat')
  return undefined
}

/**
 * Airflow's task instance tokens (the reference Worker's; name it, it is not the default): `sub` is
 * the task instance id, the `scope` claim is the token type (`execution`, or `workload` where a
 * route opts in), `ti:self` ties a route to its `:task_instance_id`, subjects compare as UUIDs.
 * Claims in `c.var.tiToken`; default audience `urn:airflow.apache.org:task`, realm `execution-api`.
 *
 * @example
 * const auth = jwtAuth({ privateJwk, algorithms: ['EdDSA'], profile: taskInstanceProfile })
 */
export const taskInstanceProfile: TaskInstanceProfile = {
  name: 'task-instance',
  variable: 'tiToken',
  realm: defaultRealm,
  audience: [defaultAudience],
  requiredClaims: ['sub', 'aud', 'exp', 'iat'],
  check: checkTaskInstance,
  tokenTypes,
  defaultTokenTypes: ['execution'],
  tokenType: (claims) => claims.scope,
  refreshType: 'execution',
  subject: (claims) => claims.sub,
  uuidSubjects: true,
  grantsScopes: false,
  grants: () => false,
  aliases: { 'ti:self': 'task_instance_id' },
  mintClaims: (type) => ({ scope: type ?? 'execution' }),
  managedClaims: registeredClaims,
}
