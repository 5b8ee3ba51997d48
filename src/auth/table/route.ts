import type { Context, Env, TypedResponse } from 'hono'
import type { MergePath } from 'hono/types'
import type { CheckScopes } from '../policy/scopes'
import type { DefaultProfile } from '../profile/default'
import type { AnyProfile } from '../profile/profile'
import type { StandardSchemaV1 } from '../profile/standard-schema'
import type { JwtAuth, JwtAuthVariables } from '../verify/middleware'

/** HTTP methods a route can answer. */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** Request parts a route validates, before its handler runs: any Standard Schema (zod, valibot, …). */
export type Validators = {
  json?: StandardSchemaV1
  param?: StandardSchemaV1
  query?: StandardSchemaV1
  header?: StandardSchemaV1
}

// The input and output types a Standard Schema declares.
type SchemaTypes<S> = S extends StandardSchemaV1 ? NonNullable<S['~standard']['types']> : never

/** The Hono `Input` that a set of validators gives `c.req.valid()` and `hono/client`. */
export type InputOf<V extends Validators> = {
  in: { [K in keyof V]: SchemaTypes<V[K]>['input'] }
  out: { [K in keyof V]: SchemaTypes<V[K]>['output'] }
}

/** Documentation of one response, for the OpenAPI document. */
export interface ResponseDoc {
  description: string
  /** The body's schema; a zod schema is written into the OpenAPI document. */
  schema?: StandardSchemaV1
}

/** Documentation of a route, for the OpenAPI document. */
export interface RouteDoc {
  summary?: string
  description?: string
  operationId?: string
  tags?: readonly string[]
  responses?: Readonly<Record<number, ResponseDoc>>
}

/** The environment handlers see: the app's, plus the verified token (`c.var.tiToken` or `c.var.token`). */
export type RouteEnv<E extends Env, Prof extends AnyProfile = DefaultProfile> = E & {
  Variables: JwtAuthVariables<Prof>
}

/** A route of the table: data, with the literal types of its method, path and scopes kept. */
export interface RouteDef<
  M extends Method = Method,
  P extends string = string,
  S extends readonly string[] = readonly string[],
  V extends Validators = Validators,
  R = unknown,
  Pub extends boolean = boolean,
> extends RouteDoc {
  readonly kind: 'route'
  readonly method: M
  readonly path: P
  readonly scopes: S
  readonly public: Pub
  /** Exchange a workload token for an execution token on success (the `/run` route). */
  readonly exchange: boolean
  readonly validate: V
  /** Largest request body in bytes; unset: the table's default (1 MiB). */
  readonly bodyLimit?: number
  // biome-ignore lint/suspicious/noExplicitAny: the handler's context is typed at definition
  readonly handler: (c: Context<any, any, any>) => R
}

/** A group of routes and groups sharing a path prefix and scopes. */
export interface GroupDef<
  P extends string = string,
  S extends readonly string[] = readonly string[],
  C extends readonly RouteNode[] = readonly RouteNode[],
> {
  readonly kind: 'group'
  readonly path: P
  readonly scopes: S
  readonly routes: C
}

/** A node of the table: any route or group, whatever its literal types. */
export type RouteNode = RouteDef | GroupDef

/** What a handler may return. */
export type RouteResponse =
  | Response
  | TypedResponse<unknown>
  | Promise<Response | TypedResponse<unknown>>

/** The definition `defineRoute` takes. */
export interface RouteConfig<
  E extends Env,
  M extends Method,
  P extends string,
  S extends readonly string[],
  V extends Validators,
  R extends RouteResponse,
  Pub extends boolean,
  Prof extends AnyProfile = DefaultProfile,
  Base extends string = '',
> extends RouteDoc {
  method: M
  path: P
  /**
   * Scopes of this route, after its groups'. A bad one is an error naming it (a claim or token
   * type the profile lacks). Default: none (the profile's default token types).
   */
  scopes?: CheckScopes<S, Prof>
  /** No token at all (health, key set, OpenAPI). Default: `false`. */
  public?: Pub
  /** Exchange a workload token for an execution token on success. Default: `false`. */
  exchange?: boolean
  /** Schemas for the request parts (zod, valibot, …); failures answer 422. Default: none. */
  validate?: V
  /** Largest request body in bytes; over it: 413. Default: the table's `bodyLimit` (1 MiB). */
  bodyLimit?: number
  handler: (c: Context<RouteEnv<E, Prof>, FullPath<Base, P>, InputOf<V>>) => R
}

/** A route's path under the paths its builders know of (`Base`: the groups that gave them). */
type FullPath<Base extends string, P extends string> = Base extends '' ? P : MergePath<Base, P>

/** The definition `defineGroup` takes. */
export interface GroupConfig<
  P extends string,
  S extends readonly string[],
  C extends readonly RouteNode[],
  Prof extends AnyProfile = DefaultProfile,
  E extends Env = Env,
  Base extends string = '',
> {
  /** Prefix of every path inside. */
  path: P
  /** Scopes that precede those of everything inside. Default: none. */
  scopes?: CheckScopes<S, Prof>
  /**
   * What the group holds: a list, or a function given builders that know the group's path, so
   * that its parameters are typed `string` in the handlers inside (`c.req.param('org_id')`).
   */
  routes: C | ((builders: RouteBuilders<E, Prof, FullPath<Base, P>>) => C)
}

/**
 * `defineRoute` and `defineGroup`, typed for one app's environment and token profile, and for the
 * path of the groups that handed them out (`Base`; `''` at the top).
 */
export interface RouteBuilders<
  E extends Env,
  Prof extends AnyProfile = DefaultProfile,
  Base extends string = '',
> {
  /**
   * One route. Scopes are typed: a misspelt built-in scope is a compile error.
   *
   * @example
   * defineRoute({ method: 'patch', path: '/:task_instance_id/run', scopes: ['token:execution', 'token:workload'], handler: (c) => c.json({}) })
   */
  defineRoute<
    const M extends Method,
    const P extends string,
    const S extends readonly string[] = [],
    V extends Validators = Record<never, never>,
    R extends RouteResponse = RouteResponse,
    const Pub extends boolean = false,
  >(config: RouteConfig<E, M, P, S, V, R, Pub, Prof, Base>): NoInfer<RouteDef<M, P, S, V, R, Pub>>

  /**
   * A group: its path prefixes, and its scopes precede, those of everything inside it.
   *
   * @example
   * defineGroup({ path: '/task-instances', scopes: ['ti:self'], routes: [run, heartbeat] })
   */
  defineGroup<
    const P extends string,
    const S extends readonly string[] = [],
    const C extends readonly RouteNode[] = [],
  >(config: GroupConfig<P, S, C, Prof, E, Base>): NoInfer<GroupDef<P, S, C>>

  /**
   * The same builders for an app with bindings, keeping the profile: TypeScript cannot infer one
   * type argument and take another, so `routeBuilders<Env>(auth)` would lose `auth`'s profile.
   *
   * @example
   * const { defineRoute, defineGroup } = routeBuilders(auth).withEnv<{ Bindings: Bindings }>()
   */
  withEnv<E2 extends Env>(): RouteBuilders<E2, Prof, Base>
}

// The runtime is the same for every env and path: the builders only keep their input as data.
// Plain functions, exported as they are (not read from an object), so that a bundler may drop them.
const routeOf: RouteBuilders<Env>['defineRoute'] = (config) =>
  ({
    ...config,
    kind: 'route',
    scopes: config.scopes ?? [],
    public: config.public ?? false,
    exchange: config.exchange ?? false,
    validate: config.validate ?? {},
  }) as never
const groupOf: RouteBuilders<Env>['defineGroup'] = (config) =>
  ({
    kind: 'group',
    path: config.path,
    scopes: config.scopes ?? [],
    routes: typeof config.routes === 'function' ? config.routes(builders) : config.routes,
  }) as never
const builders: RouteBuilders<Env> = {
  defineRoute: routeOf,
  defineGroup: groupOf,
  withEnv: () => builders as never,
}

/**
 * The builders for an app's environment and token profile, so that handlers see its bindings on
 * `c.env` and its claims on `c.var`, and scopes are checked against the profile. Give the `auth`
 * to take its profile, or name both types.
 *
 * @example
 * const { defineRoute, defineGroup } = routeBuilders(auth)
 * const forWorker = routeBuilders<{ Bindings: { DB: D1Database } }>()
 */
export const routeBuilders = <E extends Env = Env, Prof extends AnyProfile = DefaultProfile>(
  _auth?: JwtAuth<Prof>,
): RouteBuilders<E, Prof> => builders as unknown as RouteBuilders<E, Prof>

/** `defineRoute` for apps without bindings; take it from `routeBuilders<Env>()` for yours. */
export const defineRoute: RouteBuilders<Env>['defineRoute'] = routeOf

/** `defineGroup` for apps without bindings; take it from `routeBuilders<Env>()` for yours. */
export const defineGroup: RouteBuilders<Env>['defineGroup'] = groupOf
