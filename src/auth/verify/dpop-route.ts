import type { Context } from 'hono'
import { asDpopError, challengeFor, dpopRequired } from '../dpop-errors'
import { InvalidTokenError } from '../errors'
import { boundKey, type DpopMode, type DpopRule, type DpopSettings } from './bound'
import { sendFreshNonce } from './dpop-nonces'

/**
 * The DPoP rule of one route, computed once: the route's mode (its last `dpop:` scope, else the
 * auth's default), enforced on the verified token, and the challenge of a request without a
 * token re-issued for that mode.
 */
export const dpopRouteRule = (
  dpop: Omit<DpopSettings, 'rule'>,
  realm: string,
  declared: DpopMode | undefined,
): DpopRule => {
  const mode = declared ?? dpop.mode
  const algs = dpop.algorithms
  return {
    check(token: unknown): void {
      const bound = boundKey(token) !== undefined
      if (mode === 'required' && !bound) throw dpopRequired(realm, algs)
      if (mode === 'off' && bound) {
        throw new InvalidTokenError(realm, 'This endpoint takes bearer tokens only, not DPoP')
      }
    },
    answer(error: unknown, token: unknown): unknown {
      // A bound, so proven, token used the DPoP scheme.
      const used = boundKey(token) === undefined ? error : asDpopError(error, algs)
      return challengeFor(used, mode, algs)
    },
    after(c: Context): void {
      sendFreshNonce(c, dpop)
    },
    refusal(error: unknown): unknown {
      return mode === dpop.mode ? error : challengeFor(error, mode, algs)
    },
  }
}
