import * as z from 'zod'

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

const numericDate: z.ZodNumber = z.number().refine(Number.isFinite, 'must be a finite NumericDate')

/**
 * The claims of a task instance token once its signature and registered claims have been checked.
 * Unknown claims are kept for handlers; `scope` defaults to `execution`, and any value other than
 * the two token types makes the token invalid.
 */
export const tiClaimsSchema: z.ZodType<TIToken> = z.looseObject({
  sub: z.uuid(),
  scope: z.enum(tokenTypes).default('execution'),
  aud: z.union([z.string(), z.array(z.string()).min(1)]),
  iss: z.string().optional(),
  exp: numericDate,
  iat: numericDate,
  nbf: numericDate.optional(),
  jti: z.string().optional(),
})

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
