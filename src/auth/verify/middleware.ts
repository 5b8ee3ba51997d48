import type { Context, MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { TIToken } from '../profile/task-instance'
import { readBearer } from '../token/bearer'
import { createVerifier, defaultRealm, type VerifyOptions } from './verify'

/** What the auth middleware puts on `c.var`. */
export type JwtAuthVariables = {
  /** The verified token of this request. */
  tiToken: TIToken
}

/** The auth middleware, plus the memoised verification that guards share. */
export type JwtAuth = MiddlewareHandler<{ Variables: JwtAuthVariables }> & {
  /** Verifies this request's bearer token once; every later call in the same request reuses the result. */
  authenticate: (c: Context) => Promise<TIToken>
  /** The realm of its challenges. */
  realm: string
}

/**
 * Reads the bearer token and verifies it, at most once per request however many times it is applied
 * or asked (a failure is not retried either), and sets `c.var.tiToken`. Crypto only: it never looks
 * at scopes or token types.
 *
 * @example
 * const auth = jwtAuth({ secret: env.JWT_SECRET, algorithms: ['HS512'] })
 * app.use('/execution/*', auth)
 */
export const jwtAuth = (options: VerifyOptions): JwtAuth => {
  const realm = options.realm ?? defaultRealm
  const verify = createVerifier(options)
  // Keyed by the request: one verification per request, none shared between requests.
  const memo = new WeakMap<Request, Promise<TIToken>>()

  const { refreshing } = verify as { refreshing?: () => Promise<void> | undefined }
  // A key set refreshing behind this request must outlive it: on Workers, through `waitUntil`.
  const keepAlive = (c: Context) => {
    const work = refreshing?.()
    if (!work) return
    try {
      c.executionCtx.waitUntil(work)
    } catch {
      // No execution context (Node, Bun, Deno, tests): the promise runs on by itself.
    }
  }

  const authenticate = (c: Context): Promise<TIToken> => {
    let verified = memo.get(c.req.raw)
    if (!verified) {
      verified = Promise.resolve()
        .then(() => verify(readBearer(c.req.header('authorization'), realm)))
        .finally(() => keepAlive(c))
      memo.set(c.req.raw, verified)
    }
    return verified
  }

  const middleware = createMiddleware<{ Variables: JwtAuthVariables }>(
    async function jwtAuth(c, next) {
      c.set('tiToken', await authenticate(c))
      await next()
    },
  )
  return Object.assign(middleware, { authenticate, realm })
}

/**
 * The verified token of the current request (the reference's `CurrentTIToken`). Throws when called
 * on a route that has no auth, which is a programming error.
 *
 * @example
 * app.get('/me', auth, (c) => c.json({ sub: currentToken(c).sub }))
 */
export const currentToken = (c: Context): TIToken => {
  const token = c.get('tiToken') as TIToken | undefined
  if (!token) throw new Error('currentToken() called on a route without token auth')
  return token
}
