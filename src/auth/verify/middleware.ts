import type { Context, Env, MiddlewareHandler } from 'hono'
import { type DefaultClaims, type DefaultProfile, defaultProfile } from '../profile/default'
import type { AnyProfile, ClaimsOf, TokenVariables } from '../profile/profile'
import { type TokenSourceOptions, tokenReader } from '../token/source'
import { type DpopSettings, refuseBoundBearer } from './bound'
import type { Dpop } from './dpop'
import type { IssuersVerifier, IssuerVariables, TrustedIssuers, WithIssuers } from './issuers'
import { createVerifier, type VerifyOptions } from './verify'

/**
 * What the auth middleware puts on `c.var`: the claims, as `tiToken` (task instance) or `token`;
 * with several issuers, also `issuer`, the name of the one that verified the token.
 */
export type JwtAuthVariables<P extends AnyProfile = DefaultProfile> = TokenVariables<P> &
  IssuerVariables<P>

/** The auth middleware, plus the memoised verification that guards share. */
export type JwtAuth<P extends AnyProfile = DefaultProfile> = MiddlewareHandler<{
  Variables: JwtAuthVariables<P>
}> & {
  /** Verifies this request's token once; every later call in the same request reuses the result. */
  authenticate: (c: Context) => Promise<ClaimsOf<P>>
  /** The realm of its challenges. */
  realm: string
  /** The profile that reads the claims (absent on a hand-made `JwtAuth`: the default, access-token profile). */
  profile?: P
  /** With several issuers: their names, which `iss:<name>` scopes may name. */
  issuers?: readonly string[]
  /** With several issuers: each one's `iss`, by name. */
  issuerIds?: Readonly<Record<string, string>>
  /** With several issuers: the name of the one that verified these claims. */
  issuerOf?: (claims: object) => string | undefined
  /** Its DPoP mode and proof algorithms, when it takes DPoP-bound tokens (the `dpop` option). */
  dpop?: DpopSettings
}

/** Options of `jwtAuth`: verification, and where the token is read from. */
export interface JwtAuthOptions<P extends AnyProfile = DefaultProfile, I extends string = never>
  extends VerifyOptions<P>,
    TokenSourceOptions {
  /**
   * Several trusted issuers by name, `trustedIssuers({ corp: …, partners: … })`
   * (`hono-scoped-jwt/issuers`), each with its own keys and audience: a token's `iss` selects one,
   * which alone verifies it; `c.var.issuer` names it. The key options and `issuer` then go in each
   * issuer, not here. Default: none (one issuer, from the key options).
   */
  issuers?: TrustedIssuers<I>
  /**
   * Take DPoP-bound tokens (RFC 9449), `dpop({ mode, … })` (`hono-scoped-jwt/dpop`):
   * `Authorization: DPoP <token>` with a `DPoP` proof, and the default mode of routes. Default:
   * none; bearer tokens only, and a DPoP-bound token is refused.
   */
  dpop?: Dpop
}

// Cloudflare Workers (workerd) say so in `navigator.userAgent`. A function: nothing read at import.
const onWorkers = () =>
  (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ===
  'Cloudflare-Workers'

/**
 * Reads the token and verifies it, at most once per request however many times it is applied
 * or asked (a failure is not retried either), and sets the claims on `c.var` (`tiToken` for the
 * task instance profile, `token` for others). Crypto and claims only: it never looks at scopes or
 * token types.
 *
 * @example
 * const auth = jwtAuth({ secret: env.JWT_SECRET, algorithms: ['HS512'], audience: 'https://api.example.com' })
 * app.use('/api/*', auth)
 */
export const jwtAuth = <P extends AnyProfile = DefaultProfile, const I extends string = never>(
  options: JwtAuthOptions<P, I>,
): JwtAuth<WithIssuers<P, I>> => {
  const profile = (options.profile ?? defaultProfile()) as P
  const realm = options.realm ?? profile.realm
  if (options.issuers !== undefined && typeof options.issuers?.create !== 'function') {
    throw new TypeError('"issuers" takes trustedIssuers({ name: { … } }) (hono-scoped-jwt/issuers)')
  }
  if (options.dpop !== undefined && typeof options.dpop?.open !== 'function') {
    throw new TypeError('"dpop" takes dpop({ … }) (hono-scoped-jwt/dpop)')
  }
  const several = options.issuers?.create({ ...options, issuers: undefined, profile } as never)
  const verify = (several ?? createVerifier({ ...options, profile })) as (
    token: string,
  ) => Promise<ClaimsOf<P>>
  const issuerOf = (several as IssuersVerifier<unknown> | undefined)?.issuerOf
  const read = tokenReader(options, realm)
  // Without `dpop`, a token bound to a key is refused: whoever sends it has shown no proof.
  const noBound = refuseBoundBearer(realm)
  const { leeway, headerName } = options
  const dpop = options.dpop?.open(verify, read, { leeway, headerName, realm })
  const verifyRequest = dpop ? dpop.verifyRequest : (c: Context) => verify(read(c)).then(noBound)
  // The auth's own mode; a route table's guards apply each route's instead.
  const rule = dpop?.settings.rule(undefined)
  const { variable } = profile
  // Keyed by the request: one verification per request, none shared between requests.
  const memo = new WeakMap<Request, Promise<ClaimsOf<P>>>()

  const { refreshing } = verify as { refreshing?: () => Promise<void> | undefined }
  // A key set refreshing behind this request must outlive it. On Workers that takes `waitUntil`;
  // a Worker that gives the app no execution context (`app.fetch(request)` alone) would cancel the
  // refresh with the request, so there the request that started it waits for it (at most the
  // fetch timeout). Node, Bun and Deno let the promise run on by itself.
  const keepAlive = (c: Context): Promise<void> | undefined => {
    const work = refreshing?.()
    if (!work) return undefined
    try {
      c.executionCtx.waitUntil(work)
      return undefined
    } catch {
      return onWorkers() ? work : undefined
    }
  }

  const authenticate = (c: Context): Promise<ClaimsOf<P>> => {
    let verified = memo.get(c.req.raw)
    if (!verified) {
      // A request refused by the token reader becomes the memo's rejection, without a microtask.
      try {
        verified = verifyRequest(c)
      } catch (error) {
        verified = Promise.reject(error)
      }
      // Only a remote key set refreshes in the background: local keys add no step.
      if (refreshing) verified = verified.finally(() => keepAlive(c))
      // Several issuers: the one that verified the token, on `c.var` as soon as it is known.
      if (issuerOf) {
        verified = verified.then((claims) => {
          c.set('issuer', issuerOf(claims as object))
          return claims
        })
      }
      memo.set(c.req.raw, verified)
    }
    return verified
  }

  // A plain function (not `hono/factory`'s `createMiddleware`, which only returns it but imports
  // all of Hono's core with it: ~8 ms more to import the package in Node).
  const middleware: MiddlewareHandler = async function jwtAuth(c, next) {
    const token = await authenticate(c)
    rule?.check(token)
    c.set(variable, token)
    await next()
    rule?.after(c)
  }
  const issuers = several && {
    issuers: several.issuers,
    issuerIds: several.issuerIds,
    issuerOf: several.issuerOf,
  }
  return Object.assign(middleware, {
    authenticate,
    realm,
    profile,
    dpop: dpop?.settings,
    ...issuers,
  }) as JwtAuth<WithIssuers<P, I>>
}

// `any` (an untyped context) reads as the default profile's token.
type IsAny<T> = 0 extends 1 & T ? true : false

/** The verified token a context holds: `c.var.token`, else `c.var.tiToken` (an untyped context: the default profile's claims). */
export type TokenOf<E extends Env> =
  IsAny<E['Variables']> extends true
    ? DefaultClaims
    : E['Variables'] extends { token: infer T }
      ? T
      : E['Variables'] extends { tiToken: infer T }
        ? T
        : DefaultClaims

/**
 * The verified token of the current request (the reference's `CurrentTIToken`), typed from the
 * route's profile. Throws when called on a route that has no auth, which is a programming error.
 *
 * @example
 * app.get('/me', auth, (c) => c.json({ sub: currentToken(c).sub }))
 */
// biome-ignore lint/suspicious/noExplicitAny: any path and input
export const currentToken = <E extends Env = any>(c: Context<E, any, any>): TokenOf<E> => {
  const vars = c as unknown as Context
  const token = vars.get('token') ?? vars.get('tiToken')
  if (!token) throw new Error('currentToken() called on a route without token auth')
  return token as TokenOf<E>
}
