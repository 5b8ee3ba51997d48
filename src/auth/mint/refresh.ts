import type { Context, MiddlewareHandler } from 'hono'
import { InvalidTokenError } from '../errors'
import { policyRefused } from '../policy/policy'
import type { AnyProfile } from '../profile/profile'
import type { TIToken } from '../profile/task-instance'
import type { Issuer } from './issuer'

/** The response header that carries a new execution token. */
export const refreshedTokenHeader = 'Refreshed-API-Token'

export interface RefreshOptions {
  /** Mints the new tokens; its profile says which tokens refresh and which are exchanged. */
  // biome-ignore lint/suspicious/noExplicitAny: an issuer of any profile
  issuer: Issuer<any>
  /** Exchange a workload token for an execution token on a successful (2xx) answer. Default: `false`. */
  exchange?: boolean
  /**
   * Which verified tokens this issuer may re-issue. Default: all. With several issuers, the route
   * table passes those of the issuer whose `iss` it mints: another issuer's token re-minted here
   * would become a token of this one (and pass its `iss:` routes).
   */
  reissues?: (token: Record<string, unknown>) => boolean
}

/** Seconds before `exp` from which an execution token is re-issued: `max(floor(0.2 × lifetime), 30)`. */
export const refreshThreshold = (token: { exp: number; iat?: number }): number =>
  token.iat === undefined ? 30 : Math.max(Math.floor(0.2 * (token.exp - token.iat)), 30)

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
export const tokenRefresh = ({
  issuer,
  exchange = false,
  reissues,
}: RefreshOptions): MiddlewareHandler => {
  const profile: AnyProfile = issuer.profile
  const { variable, refreshType } = profile
  return async function tokenRefresh(c, next) {
    await next()
    const token = c.get(variable) as
      | ({ exp: number; iat?: number } & Record<string, unknown>)
      | undefined
    // A token the route's policy refused is verified but not allowed here: no fresh one for it.
    if (!token || policyRefused(c) || (reissues && !reissues(token))) return
    const type = profile.tokenType(token)
    // The refreshed type (execution) near expiry; another type (workload) only by exchange.
    const due =
      refreshType !== undefined && type !== refreshType
        ? exchange && c.res.status >= 200 && c.res.status < 300
        : token.exp - Date.now() / 1000 <= refreshThreshold(token)
    if (!due) return
    // Same subject and extra claims; the issuer sets fresh jti, iat, nbf and exp. `cnf` is an extra
    // claim, so a DPoP-bound token is refreshed into one bound to the same key: an unbound bearer
    // token in its place would be a downgrade (RFC 9449 §6.1).
    let fresh: string
    try {
      fresh = await issuer.mint({
        sub: profile.subject(token),
        type: refreshType ?? type,
        claims: token,
      })
    } catch (error) {
      // A token from another signer may re-mint longer than `maxTokenLength`: the issuer refuses
      // (RangeError, naming the limit). The request itself succeeded, and its token is still
      // valid, so a refresh is skipped; an exchange, which has no other token to give, fails.
      if (error instanceof RangeError && (refreshType === undefined || type === refreshType)) return
      throw error
    }
    setRefreshedToken(c, fresh)
  }
}

const setRefreshedToken = (c: Context, fresh: string): void => {
  try {
    c.res.headers.set(refreshedTokenHeader, fresh)
  } catch {
    // Immutable headers (a response passed through from fetch): copy it once.
    c.res = new Response(c.res.body, c.res)
    c.res.headers.set(refreshedTokenHeader, fresh)
  }
}

/**
 * The exchange of a route table's `exchange: true` route, placed after its guard: the execution
 * token is minted before the handler runs, so a workload token that cannot be exchanged (one from
 * another signer whose execution token would be over `maxTokenLength`) is refused with 401 before
 * the handler changes any state, rather than failing after it. The token goes on 2xx answers only.
 */
export const tokenExchange = (
  // biome-ignore lint/suspicious/noExplicitAny: an issuer of any profile
  issuer: Issuer<any>,
  realm: string,
  reissues?: RefreshOptions['reissues'],
): MiddlewareHandler => {
  const profile: AnyProfile = issuer.profile
  const { variable, refreshType } = profile
  return async function tokenExchange(c, next) {
    const token = c.get(variable) as Record<string, unknown> | undefined
    if (!token || refreshType === undefined || profile.tokenType(token) === refreshType) {
      return next()
    }
    // Another issuer's token is not exchanged here: the route runs, with no new token.
    if (reissues && !reissues(token)) return next()
    let fresh: string
    try {
      // Claims carried over as on refresh: a bound workload token gives a bound execution token.
      fresh = await issuer.mint({ sub: profile.subject(token), type: refreshType, claims: token })
    } catch (error) {
      if (error instanceof RangeError) {
        throw new InvalidTokenError(realm, 'The token is too long to exchange', error)
      }
      throw error
    }
    await next()
    if (c.res.status >= 200 && c.res.status < 300) setRefreshedToken(c, fresh)
  }
}
