import type { MiddlewareHandler } from 'hono'
import { policyRefused } from '../policy/policy'
import type { TIToken } from '../profile/task-instance'
import type { Issuer } from './issuer'

/** The response header that carries a new execution token. */
export const refreshedTokenHeader = 'Refreshed-API-Token'

export interface RefreshOptions {
  /** Mints the new tokens. */
  issuer: Issuer
  /** Exchange a workload token for an execution token on a successful (2xx) answer. Default: `false`. */
  exchange?: boolean
}

/** Seconds before `exp` from which an execution token is re-issued: `max(floor(0.2 × lifetime), 30)`. */
export const refreshThreshold = (token: Pick<TIToken, 'exp' | 'iat'>): number =>
  Math.max(Math.floor(0.2 * (token.exp - token.iat)), 30)

/** Whether an execution token is due for refresh at `now` (seconds). Workload tokens never are. */
export const needsRefresh = (token: TIToken, now: number = Date.now() / 1000): boolean =>
  token.scope === 'execution' && token.exp - now <= refreshThreshold(token)

/**
 * After the handler, adds `Refreshed-API-Token` when the request's token is an execution token near
 * expiry, or a workload token on an exchange route. It reads the claims verified for this request and
 * never verifies again, so a token that expired while the handler ran is still refreshed.
 *
 * @example
 * app.use('/execution/*', auth, tokenRefresh({ issuer }))
 */
export const tokenRefresh = ({ issuer, exchange = false }: RefreshOptions): MiddlewareHandler =>
  async function tokenRefresh(c, next) {
    await next()
    const token = c.get('tiToken') as TIToken | undefined
    // A token the route's policy refused is verified but not allowed here: no fresh one for it.
    if (!token || policyRefused(c)) return
    const due =
      token.scope === 'workload'
        ? exchange && c.res.status >= 200 && c.res.status < 300
        : needsRefresh(token)
    if (!due) return
    // Same subject and extra claims; the issuer sets fresh jti, iat, nbf and exp.
    let fresh: string
    try {
      fresh = await issuer.mint({ sub: token.sub, scope: 'execution', claims: token })
    } catch (error) {
      // A token from another signer may re-mint longer than `maxTokenLength`: the issuer refuses
      // (RangeError, naming the limit). The request itself succeeded, and its token is still
      // valid, so a refresh is skipped; an exchange, which has no other token to give, fails.
      if (error instanceof RangeError && token.scope === 'execution') return
      throw error
    }
    try {
      c.res.headers.set(refreshedTokenHeader, fresh)
    } catch {
      // Immutable headers (a response passed through from fetch): copy it once.
      c.res = new Response(c.res.body, c.res)
      c.res.headers.set(refreshedTokenHeader, fresh)
    }
  }
