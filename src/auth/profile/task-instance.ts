import { InvalidTokenError } from '../errors'

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
  nbf: number
  jti?: string
  /** Any other claim, kept for handlers and carried over on refresh. */
  [claim: string]: unknown
}

// RFC 9562 UUIDs (versions 1-8, the variant bits), the nil and the max UUID: exactly what the
// claims schema's `z.uuid()` accepts, so that the check and the published schema agree.
const uuid =
  /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/

/**
 * The task instance profile's claim check, plain code run once per verification on the payload the
 * gate parsed, after the signature and the registered claims (`aud`, `iss`, dates, presence): `sub`
 * a UUID, `scope` one of the token types (`execution` when absent), `iss` and `jti` strings when
 * present. Gives the claims handlers see, or throws an `InvalidTokenError` naming the claim.
 *
 * @example
 * const claims = taskInstanceClaims('execution-api')(payload)
 */
export const taskInstanceClaims =
  (realm: string): ((payload: Record<string, unknown>) => TIToken) =>
  (payload) => {
    const refuse = (claim: string) =>
      new InvalidTokenError(realm, `The token's "${claim}" claim is missing or invalid`)
    const { sub, scope, iss, jti } = payload
    if (typeof sub !== 'string' || !uuid.test(sub)) throw refuse('sub')
    if (scope === undefined) payload.scope = 'execution'
    else if (scope !== 'execution' && scope !== 'workload') throw refuse('scope')
    if (iss !== undefined && typeof iss !== 'string') {
      throw new InvalidTokenError(realm, 'The token issuer is not trusted')
    }
    if (jti !== undefined && typeof jti !== 'string') throw refuse('jti')
    // `aud`, `exp`, `iat` and `nbf` are present (the required claims) and well typed (the gate).
    return payload as TIToken
  }

/** Claims the library manages itself; everything else is carried over on refresh. */
export const registeredClaims: ReadonlySet<string> = new Set([
  'sub',
  'scope',
  'aud',
  'iss',
  'exp',
  'iat',
  'nbf',
  'jti',
])
