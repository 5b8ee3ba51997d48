import type { Context } from 'hono'
import { asDpopError, challengeFor, dpopRequired } from '../dpop-errors'
import { InvalidTokenError } from '../errors'
import { boundKey, type DpopMode, type DpopSettings } from '../verify/dpop'
import { sendFreshNonce } from '../verify/dpop-nonces'

/**
 * The DPoP rule of one route, computed once: the route's mode (its last `dpop:` scope, else the
 * auth's default), enforced on the verified token, and the challenge of a request without a
 * token re-issued for that mode. `undefined` when there is nothing to enforce.
 */
export const routeDpopRule = (
  auth: { realm: string; dpop?: DpopSettings },
  declared: DpopMode | undefined,
  where: string,
) => {
  const { realm, dpop } = auth
  if (!dpop) {
    if (declared && declared !== 'off') {
      throw new Error(`"dpop:${declared}" needs jwtAuth's "dpop" option (${where})`)
    }
    return undefined
  }
  const mode = declared ?? dpop.mode
  const algs = dpop.algorithms
  return {
    /** Refuses a token this route does not take; the token is verified, so bound means proven. */
    check(token: unknown): void {
      const bound = boundKey(token) !== undefined
      if (mode === 'required' && !bound) throw dpopRequired(realm, algs)
      if (mode === 'off' && bound) {
        throw new InvalidTokenError(realm, 'This endpoint takes bearer tokens only, not DPoP')
      }
    },
    /**
     * A policy refusal, under the scheme the request used (a bound, so proven, token: DPoP) and
     * the challenges of this route's mode.
     */
    answer(error: unknown, token: unknown): unknown {
      const used = boundKey(token) === undefined ? error : asDpopError(error, algs)
      return challengeFor(used, mode, algs)
    },
    /** After the handler: a newer server nonce on a successful answer (RFC 9449 §8.2). */
    after(c: Context): void {
      sendFreshNonce(c, dpop)
    },
    /** A refusal of the verification (rendered for the auth's mode), as this route's mode has it. */
    refusal(error: unknown): unknown {
      return mode === dpop.mode ? error : challengeFor(error, mode, algs)
    },
  }
}
