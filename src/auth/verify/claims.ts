import { ExpiredTokenError, InvalidTokenError } from '../errors'

/** How the registered claims (RFC 7519 §4.1) of a verified payload are checked. */
export interface RegisteredClaimRules {
  realm: string
  /** Claims that must be present. */
  required: readonly string[]
  /** Accepted audiences; `aud` must name one of them. `undefined`: `aud` is not checked. */
  audience: readonly string[] | undefined
  /** The `iss` a token must carry, when set. */
  issuer: string | undefined
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. */
  leeway: number
}

/** `error_description` when a claim is refused (`missing`: absent): short, and never the token. */
export const describeClaimFailure = (claim: string | undefined, missing = false): string => {
  if (claim === 'aud') return 'The token is not meant for this audience'
  if (claim === 'iss') return 'The token issuer is not trusted'
  // Only a present `nbf` can be "not valid yet".
  if (claim === 'nbf' && !missing) return 'The token is not valid yet'
  if (claim) return `The token's "${claim}" claim is missing or invalid`
  return 'The token claims are invalid'
}

/**
 * The registered claims check, plain code on the payload the gate already parsed and typed (dates
 * finite numbers, `aud` a string or strings): presence, `iss`, `aud`, then `nbf`, `exp` with the
 * leeway against the current second, as `jose.jwtVerify` checks them (same order, same outcome),
 * and `iat` not in the future, which jose does not check.
 *
 * @example
 * const check = registeredClaims({ realm, required: ['exp'], audience: ['api'], issuer: undefined, leeway: 10 })
 * check(payload)
 */
export const registeredClaims = (
  rules: RegisteredClaimRules,
): ((payload: Record<string, unknown>) => void) => {
  const { realm, audience, issuer, leeway } = rules
  const required = [
    ...new Set([
      ...rules.required,
      ...(audience === undefined ? [] : ['aud']),
      ...(issuer === undefined ? [] : ['iss']),
    ]),
  ]
  const refuse = (claim: string, missing = false) =>
    new InvalidTokenError(realm, describeClaimFailure(claim, missing))
  return (payload) => {
    for (const name of required) if (payload[name] === undefined) throw refuse(name, true)
    if (issuer !== undefined && payload.iss !== issuer) throw refuse('iss')
    if (audience !== undefined) {
      const aud = payload.aud as string | string[]
      const known =
        typeof aud === 'string' ? audience.includes(aud) : aud.some((a) => audience.includes(a))
      if (!known) throw refuse('aud')
    }
    const nowMs = Date.now()
    const now = Math.floor(nowMs / 1000)
    const { nbf, exp, iat } = payload as { nbf?: number; exp?: number; iat?: number }
    if (nbf !== undefined && nbf > now + leeway) throw refuse('nbf')
    if (exp !== undefined && exp <= now - leeway) throw new ExpiredTokenError(realm)
    if (iat !== undefined && iat > nowMs / 1000 + leeway) {
      throw new InvalidTokenError(realm, 'The token was issued in the future')
    }
  }
}
