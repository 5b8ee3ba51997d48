import type { Hono, MiddlewareHandler } from 'hono'
import type { Issuer } from '../mint/issuer'
import { tokenExchange, tokenRefresh } from '../mint/refresh'
import { type Checkers, compilePolicy, guard, type RoutePolicy } from '../policy/policy'
import { mergeScopes } from '../policy/scopes'
import type { AnyProfile, ClaimsOf } from '../profile/profile'
import { type TaskInstanceProfile, taskInstanceProfile } from '../profile/task-instance'
import type { JwtAuth } from '../verify/middleware'
import { fixedPosition, methodsMeet, type Pattern, pathPattern, patternsMeet } from './overlap'
import { defaultBodyLimit, methodNotAllowed, requestChecks } from './request-checks'
import type { RouteDef, RouteDoc, RouteNode, Validators } from './route'
import type { CheckTable, Mounted } from './table-types'
import { validate } from './validation'

export interface RouteTableOptions<P extends AnyProfile = TaskInstanceProfile> {
  /** Verifies tokens (once per request); its profile reads the claims. */
  auth: JwtAuth<P>
  /**
   * Decides scopes by scope string (an object or a `Map`): a checker function, or `anyOf(…)`.
   * Default: none: a scope without one must be granted by the token (access tokens), or is an
   * error when the table is built (task instance tokens grant no scopes).
   */
  checkers?: Checkers<ClaimsOf<P>>
  /**
   * Mints `Refreshed-API-Token` (near-expiry refresh and `/run` exchange). Default: no refresh;
   * required when a route has `exchange: true`.
   */
  // biome-ignore lint/suspicious/noExplicitAny: an issuer of the same profile
  issuer?: Issuer<any>
  /** Largest request body, in bytes, of a route that sets none (over it: 413). Default: 1 MiB. */
  bodyLimit?: number
}

/** One route of a table, as data: what `list()` gives and what the OpenAPI document is built from. */
export interface TableRoute extends RouteDoc {
  readonly method: RouteDef['method']
  /** Full path, Hono syntax (`/execution/task-instances/:task_instance_id/run`). */
  readonly path: string
  readonly public: boolean
  readonly exchange: boolean
  /** Effective scopes: ancestors' then own, de-duplicated. Empty for public routes. */
  readonly scopes: readonly string[]
  /** Token types the route accepts; empty for public routes and profiles without types. */
  readonly tokenTypes: readonly string[]
  readonly validate: Validators
  /** Largest request body, in bytes (the route's own, or the table's default). */
  readonly bodyLimit: number
}

export interface RouteTable<N> {
  readonly routes: readonly TableRoute[]
  /** Method, full path, effective scopes and allowed token types of every route. */
  list(): {
    method: string
    path: string
    scopes: readonly string[]
    tokenTypes: readonly string[]
  }[]
  /** Registers every route on `app` (bearer + verify → policy → validators → handler) and types it. */
  // biome-ignore lint/suspicious/noExplicitAny: any app, whatever its env, schema and base path
  mount<A extends Hono<any, any, any>>(app: A): Mounted<A, N>
}

const joinPath = (prefix: string, path: string) =>
  `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`.replace(/\/$/, '') || '/'

// What a path matches, whatever its parameters are called: `/ti/:id/info` and
// `/ti/:task_instance_id/info` serve the same requests, so they get the same shape.
const pathShape = (path: string) => path.replace(/\/:[^/{?]+/g, '/:')

const describe = ({ route }: Compiled) =>
  `${route.method.toUpperCase()} ${route.path} (${route.public ? 'public' : `scopes: ${route.scopes.join(', ') || 'none'}`})`

// One policy for every request two routes share: both public, or the same scopes with their
// ownership parameters at one fixed position, so that whichever route Hono runs first decides alike.
const samePolicy = (a: Compiled, b: Compiled, pa: Pattern, pb: Pattern) => {
  if (a.route.public || b.route.public) return a.route.public === b.route.public
  const scopes = new Set(a.route.scopes)
  if (scopes.size !== new Set(b.route.scopes).size) return false
  if (!b.route.scopes.every((s) => scopes.has(s))) return false
  return a.owned.every((name) => {
    const at = fixedPosition(pa, name)
    return at !== undefined && at === fixedPosition(pb, name)
  })
}

/**
 * Two routes that can match one request are a build error unless they carry the same policy:
 * Hono runs the first one registered, so an unguarded (or more loosely guarded) route listed
 * first would serve the other's requests without its guard. Identical paths are an error even
 * with one policy: the second route could never answer.
 */
const refuseOverlaps = (compiled: readonly Compiled[]) => {
  const patterns = compiled.map(({ route }) => pathPattern(route.path))
  const shapes = compiled.map(({ route }) => pathShape(route.path))
  for (let i = 0; i < compiled.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a, b] = [compiled[j] as Compiled, compiled[i] as Compiled]
      if (!methodsMeet(a.route.method, b.route.method)) continue
      const [first, second] = [
        `${a.route.method.toUpperCase()} ${a.route.path}`,
        `${b.route.method.toUpperCase()} ${b.route.path}`,
      ]
      if (shapes[i] === shapes[j]) {
        if (first === second) throw new Error(`Route defined twice: ${first}`)
        throw new Error(`Routes match the same requests: ${first} and ${second}`)
      }
      const [pa, pb] = [patterns[j] as Pattern, patterns[i] as Pattern]
      if (patternsMeet(pa, pb) && !samePolicy(a, b, pa, pb)) {
        throw new Error(
          `Routes can match the same request with different policies: ${describe(a)} and ${describe(b)}; the first would decide for both. Give them the same scopes, or paths no request matches both (a literal segment where the other has another literal)`,
        )
      }
    }
  }
}

interface Compiled {
  route: TableRoute
  handlers: MiddlewareHandler[]
  /** Path parameters the route's ownership scopes compare (`self:`, `ti:self`). */
  owned: readonly string[]
}

/**
 * Builds the table once, before mounting: every route's effective scopes and policy are computed
 * here, and an unknown token type, a scope without a checker or `ti:self` without
 * `:task_instance_id` throws now, never at request time.
 *
 * @example
 * const table = routeTable(defineGroup({ path: '/execution', routes: [health, tasks] }), { auth, issuer })
 * const app = table.mount(new Hono())
 */
export const routeTable = <const N extends RouteNode, P extends AnyProfile = TaskInstanceProfile>(
  root: N,
  // A table breaking the self: rule asks for an impossible option, naming the routes at fault.
  options: RouteTableOptions<P> & CheckTable<N>,
): RouteTable<N> => {
  const { auth, checkers = {}, issuer, bodyLimit = defaultBodyLimit } = options
  const profile: AnyProfile = auth.profile ?? taskInstanceProfile
  if (issuer && issuer.profile.name !== profile.name) {
    throw new TypeError(
      `"issuer" mints ${issuer.profile.name} tokens, "auth" verifies ${profile.name}`,
    )
  }
  const refresh = issuer && tokenRefresh({ issuer })
  const exchange = issuer && tokenExchange(issuer, auth.realm)
  const compiled: Compiled[] = []

  const walk = (node: RouteNode, prefix: string, inherited: readonly string[]) => {
    if (node.kind === 'group') {
      const path = joinPath(prefix, node.path)
      const scopes = mergeScopes(inherited, node.scopes)
      for (const child of node.routes as readonly RouteNode[]) walk(child, path, scopes)
      return
    }
    const { kind: _, handler, scopes: own, ...rest } = node
    const path = joinPath(prefix, node.path)
    const where = `${node.method.toUpperCase()} ${path}`
    if (node.exchange && !issuer) {
      throw new Error(
        `${where}: exchange needs an issuer (routeTable's \`issuer\` option) to mint the execution token`,
      )
    }
    const scopes = node.public ? [] : mergeScopes(inherited, own)
    const policy: RoutePolicy | undefined = node.public
      ? undefined
      : compilePolicy(scopes, checkers, where, profile)
    const handlers: MiddlewareHandler[] = []
    if (policy) {
      if (refresh) handlers.push(refresh)
      handlers.push(guard(auth, policy))
      if (node.exchange && exchange) handlers.push(exchange)
    }
    const checks = requestChecks(node, bodyLimit, where)
    handlers.push(...checks.handlers)
    for (const [target, schema] of Object.entries(node.validate as Validators)) {
      handlers.push(validate(target as keyof Validators, schema))
    }
    handlers.push(handler as MiddlewareHandler)
    compiled.push({
      route: {
        ...rest,
        path,
        scopes,
        tokenTypes: policy?.tokenTypes ?? [],
        bodyLimit: checks.bodyLimit,
      },
      handlers,
      owned: policy?.self.map((s) => s.param) ?? [],
    })
  }
  walk(root, '', [])

  refuseOverlaps(compiled)

  const routes = compiled.map((c) => Object.freeze(c.route))
  return {
    routes,
    list: () =>
      routes.map(({ method, path, scopes, tokenTypes }) => ({ method, path, scopes, tokenTypes })),
    mount(app) {
      for (const { route, handlers } of compiled) {
        app.on(route.method.toUpperCase(), [route.path], ...(handlers as [MiddlewareHandler]))
      }
      methodNotAllowed(app, routes)
      return app as unknown as Mounted<typeof app, N>
    },
  }
}
