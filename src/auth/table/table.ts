import type { Hono, MiddlewareHandler } from 'hono'
import type { Issuer } from '../mint/issuer'
import { type Checkers, compilePolicy, guard, type RoutePolicy } from '../policy/policy'
import { mergeScopes } from '../policy/scopes'
import { type DefaultProfile, defaultProfile } from '../profile/default'
import type { AnyProfile, ClaimsOf } from '../profile/profile'
import type { JwtAuth } from '../verify/middleware'
import { chain, errorHandlerOf } from './chain'
import { type OverlapRoute, refuseOverlaps } from './overlap'
import { defaultBodyLimit, methodNotAllowed, requestChecks } from './request-checks'
import type { RouteDef, RouteDoc, RouteNode, Validators } from './route'
import type { CheckTable, Mounted } from './table-types'
import { validate } from './validation'

export interface RouteTableOptions<P extends AnyProfile = DefaultProfile> {
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

interface Compiled {
  route: TableRoute
  handlers: MiddlewareHandler[]
  /** Path parameters its policy reads (see `OverlapRoute`). */
  reads: OverlapRoute['reads']
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
export const routeTable = <const N extends RouteNode, P extends AnyProfile = DefaultProfile>(
  root: N,
  // A table breaking the self: rule asks for an impossible option, naming the routes at fault.
  options: RouteTableOptions<P> & CheckTable<N>,
): RouteTable<N> => {
  const { auth, checkers = {}, issuer, bodyLimit = defaultBodyLimit } = options
  const profile: AnyProfile = auth.profile ?? defaultProfile()
  if (issuer && issuer.profile.name !== profile.name) {
    throw new TypeError(
      `"issuer" mints ${issuer.profile.name} tokens, "auth" verifies ${profile.name}`,
    )
  }
  const { refresh, exchange } = issuer?.renewal(auth) ?? {}
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
      : compilePolicy(scopes, checkers, where, profile, auth.issuers)
    const handlers: MiddlewareHandler[] = []
    if (policy) {
      if (refresh) handlers.push(refresh)
      handlers.push(guard(auth, policy, where))
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
      // A checker may read any parameter; ownership scopes read theirs.
      reads: policy?.checks.length ? 'all' : (policy?.self.map((s) => s.param) ?? []),
    })
  }
  walk(root, '', [])

  refuseOverlaps(
    compiled.map(({ route, reads }) => ({
      method: route.method,
      path: route.path,
      public: route.public,
      scopes: route.scopes,
      reads,
    })),
  )

  const routes = compiled.map((c) => Object.freeze(c.route))
  return {
    routes,
    list: () =>
      routes.map(({ method, path, scopes, tokenTypes }) => ({ method, path, scopes, tokenTypes })),
    mount(app) {
      const onError = errorHandlerOf(app)
      // The paths as the app registered them (under its base path), for the 405 answers.
      const registered: { method: string; path: string }[] = []
      for (const { route, handlers } of compiled) {
        app.on(route.method.toUpperCase(), [route.path], chain(handlers, onError))
        registered.push({ method: route.method, path: app.routes.at(-1)?.path ?? route.path })
      }
      methodNotAllowed(app, registered)
      return app as unknown as Mounted<typeof app, N>
    },
  }
}
