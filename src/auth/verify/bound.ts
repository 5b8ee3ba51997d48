import type { Context } from 'hono'
import { InvalidTokenError } from '../errors'

// What every auth knows of DPoP (RFC 9449) without taking it: a token bound to a key is never a
// bearer token. The proofs themselves are checked by `dpop()` (hono-scoped-jwt/dpop).

/**
 * What a route takes: `required` DPoP-bound tokens with a proof only; `optional` those or
 * unbound bearer tokens; `off` unbound bearer tokens only. A bound token sent as `Bearer` is
 * refused in every mode (no downgrade).
 */
export type DpopMode = 'required' | 'optional' | 'off'

/** The DPoP rule of one route: its mode enforced on the verified token, its refusals rendered. */
export interface DpopRule {
  /** Refuses a token this route does not take; the token is verified, so bound means proven. */
  check(token: unknown): void
  /** A policy refusal, under the scheme the request used and the challenges of this route's mode. */
  answer(error: unknown, token: unknown): unknown
  /** After the handler: a newer server nonce on a successful answer (RFC 9449 §8.2). */
  after(c: Context): void
  /** A refusal of the verification (rendered for the auth's mode), as this route's mode has it. */
  refusal(error: unknown): unknown
}

/** What the guards need to know of an auth middleware's DPoP settings. */
export interface DpopSettings {
  readonly mode: Exclude<DpopMode, 'off'>
  readonly algorithms: readonly string[]
  /** The nonce to send on this request's answer: the current one, when its proof had an older one. */
  readonly freshNonce?: (c: Context) => string | undefined
  /** The rule of a route declaring `declared` (`undefined`: the auth's own mode). */
  readonly rule: (declared: DpopMode | undefined) => DpopRule
}

/** The `cnf.jkt` of verified claims (RFC 7800 §3.1, RFC 9449 §6.1), or `undefined`. */
export const boundKey = (claims: unknown): string | undefined => {
  const cnf = (claims as { cnf?: unknown }).cnf
  if (!cnf || typeof cnf !== 'object') return undefined
  const { jkt } = cnf as { jkt?: unknown }
  return typeof jkt === 'string' ? jkt : undefined
}

/**
 * Whether a token is bound to a key at all (any `cnf`: `jkt`, or mTLS's `x5t#S256`, RFC 8705): such
 * a token is never taken as a bearer token, since no bearer request proves the key.
 */
export const isBound = (claims: unknown): boolean => (claims as { cnf?: unknown }).cnf !== undefined

/** Refuses a key-bound token used as a bearer token, where no proof was asked for. */
export const refuseBoundBearer =
  (realm: string) =>
  <C>(claims: C): C => {
    if (!isBound(claims)) return claims
    throw new InvalidTokenError(
      realm,
      'The token is bound to a key and this service takes no proof',
    )
  }
