import type { Context, ErrorHandler, Hono, MiddlewareHandler } from 'hono'

// A route's handlers (refresh, guard, exchange, request checks, validators, handler) registered as
// one Hono handler rather than one each: the reference Worker's 56 routes (and their 405 answers)
// put 323 entries in the router, and a cold start paid for every insert. They run as Hono's
// own `compose` runs handlers: an error thrown by one becomes the app's error answer at that level,
// so the middleware around it still runs after `next()` (a refresh on an error answer, DPoP's
// nonce), exactly as when each was registered apart.

/** The error handler `app.onError` set, read when an error happens (it may be set after mounting). */
// biome-ignore lint/suspicious/noExplicitAny: any app, whatever its env, schema and base path
export const errorHandlerOf = (app: Hono<any, any, any>) => (): ErrorHandler =>
  // Hono keeps it in a field its types call private; its own sub-app mounting reads it the same way.
  (app as unknown as { errorHandler: ErrorHandler }).errorHandler

/** `handlers` as one handler that runs them in order, Hono's way. */
export const chain = (
  handlers: readonly MiddlewareHandler[],
  onError: () => ErrorHandler,
): MiddlewareHandler => {
  if (handlers.length === 1) return handlers[0] as MiddlewareHandler
  return function routeChain(c: Context, next) {
    let index = -1
    const dispatch = async (i: number): Promise<void> => {
      if (i <= index) throw new Error('next() called multiple times')
      index = i
      const handler = handlers[i]
      if (!handler) {
        await next()
        return
      }
      let res: Response | undefined
      let isError = false
      try {
        res = (await handler(c, () => dispatch(i + 1))) ?? undefined
      } catch (error) {
        const handle = onError()
        if (!(error instanceof Error) || !handle) throw error
        c.error = error
        res = await handle(error, c)
        isError = true
      }
      if (res && (!c.finalized || isError)) c.res = res
    }
    return dispatch(0)
  }
}
