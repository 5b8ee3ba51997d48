import type { Context, Hono, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { matchedRoutes } from 'hono/route'
import { TrieRouter } from 'hono/router/trie-router'
import type { RouteDef } from './route'

/** Largest request body a route takes unless it says otherwise: 1 MiB. */
export const defaultBodyLimit = 1_048_576

/** `Content-Type`s a JSON route reads (as Hono's validator does): `application/json`, `…+json`. */
const jsonMediaType = /^application\/([\w.-]+\+)?json$/i

const mediaType = (contentType: string) => contentType.split(';')[0]?.trim() ?? ''

/**
 * The checks a route's request passes before its validators: the body limit (413 over it, counted
 * as the body streams in when there is no `Content-Length`) and, on a route that validates a JSON
 * body, the content type (415 without `application/json`, rather than one 422 per missing field).
 * Throws when the route's `bodyLimit` is not a whole number of bytes.
 */
export const requestChecks = (
  route: Pick<RouteDef, 'method' | 'validate'> & { bodyLimit?: number },
  defaultLimit: number,
  where: string,
): { bodyLimit: number; handlers: MiddlewareHandler[] } => {
  const limit = route.bodyLimit ?? defaultLimit
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new TypeError(`${where}: bodyLimit must be a whole number of bytes, not ${limit}`)
  }
  const handlers: MiddlewareHandler[] = []
  if (route.method !== 'get') handlers.push(limitBody(limit))
  if (route.validate.json) handlers.push(requireJson)
  return { bodyLimit: limit, handlers }
}

const limitBody = (maxSize: number): MiddlewareHandler =>
  bodyLimit({
    maxSize,
    onError: (c) => c.json({ detail: `Request body too large: at most ${maxSize} bytes` }, 413),
  })

const requireJson: MiddlewareHandler = async function requireJson(c, next) {
  const type = c.req.header('content-type')
  if (type !== undefined && jsonMediaType.test(mediaType(type))) return next()
  const sent = type === undefined ? 'no Content-Type' : `Content-Type '${mediaType(type)}'`
  return c.json(
    { detail: `Unsupported Media Type: ${sent}; this route takes application/json` },
    415,
  )
}

/**
 * Registers, after a table's routes, the answer for the methods a table path does not serve: 405
 * `{"detail": "Method Not Allowed"}` with `Allow` listing those it does (HEAD with GET, as Hono
 * serves it). A route the app adds later for the same path and method still answers: the 405
 * steps aside for it. `routes` carry their paths as the app registered them (with its base path).
 * One handler for every path, its lookup built on the first request no route answered: a cold
 * start registers one entry, not one per path.
 */
export const methodNotAllowed = (
  // biome-ignore lint/suspicious/noExplicitAny: any app, whatever its env, schema and base path
  app: Hono<any, any, any>,
  routes: readonly { method: string; path: string }[],
) => {
  let paths: TrieRouter<ReadonlySet<string>> | undefined
  const lookup = () => {
    const methods = new Map<string, Set<string>>()
    for (const { method, path } of routes) {
      const set = methods.get(path) ?? new Set()
      set.add(method.toUpperCase())
      if (method.toUpperCase() === 'GET') set.add('HEAD')
      methods.set(path, set)
    }
    const router = new TrieRouter<ReadonlySet<string>>()
    for (const [path, set] of methods) router.add('ALL', path, set)
    return router
  }
  app.all('*', async function methodNotAllowed(c: Context, next: () => Promise<void>) {
    paths ??= lookup()
    // Every table path this request matches (overlapping patterns): all their methods.
    const [found] = paths.match('ALL', c.req.path)
    if (!found.length) return next()
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
    const matched = matchedRoutes(c)
    if (matched.slice(c.req.routeIndex + 1).some((r) => r.method === method)) return next()
    const allow = new Set<string>()
    for (const [set] of found) for (const m of set) allow.add(m)
    return c.json({ detail: 'Method Not Allowed' }, 405, { Allow: [...allow].join(', ') })
  })
}
