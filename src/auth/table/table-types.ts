import type { Env, Hono, TypedResponse } from 'hono'
import type { MergePath, Schema, ToSchema } from 'hono/types'
import type { UnionToIntersection } from 'hono/utils/types'
import type { GroupDef, InputOf, RouteDef, RouteNode } from './route'

/** One route of a table, flattened: full path, and the ownership scopes it carries. */
type Leaf = { method: string; path: string; input: unknown; response: unknown; self: string }

/** The path parameter an ownership scope compares with: `self:<param>[=claim]`, or `ti:self`'s. */
type SelfParam<S> = S extends `self:${infer Param}=${string}`
  ? Param
  : S extends `self:${infer Param}`
    ? Param
    : S extends 'ti:self'
      ? 'task_instance_id'
      : never

/** The ownership scopes among a list (those `SelfParam` reads). */
type SelfScope<S> = S extends string ? ([SelfParam<S>] extends [never] ? never : S) : never

/** Every route under a node, with ancestors' paths joined and scopes accumulated. */
export type Leaves<N, Prefix extends string = '', Inherited extends string = never> =
  N extends RouteDef<infer M, infer P, infer S, infer V, infer R, infer Pub>
    ? {
        method: M
        path: MergePath<Prefix, P>
        input: InputOf<V>
        response: R
        self: Pub extends true ? never : SelfScope<Inherited | S[number]>
      }
    : N extends GroupDef<infer P, infer S, infer C>
      ? Leaves<C[number], MergePath<Prefix, P>, Inherited | S[number]>
      : never

type HasParam<P extends string, Name extends string> = P extends
  | `${string}/:${Name}`
  | `${string}/:${Name}/${string}`
  | `${string}/:${Name}{${string}`
  | `${string}/:${Name}?${string}`
  ? true
  : false

// One route's ownership scopes whose parameter its full path lacks, each a sentence saying
// where to look: the full path is known only here, at the table, not where the scope was written.
type Missing<M extends string, P extends string, Scope extends string> = Scope extends string
  ? HasParam<P, SelfParam<Scope>> extends true
    ? never
    : `${Uppercase<M>} ${P}: '${Scope}' needs :${SelfParam<Scope>} in the path (the scope is on this route or a group above it)`
  : never

/** Routes whose `self:` scopes (or `ti:self`) name a path parameter their path lacks. */
export type SelfWithoutParam<N> =
  Leaves<N> extends infer L
    ? L extends {
        method: infer M extends string
        self: infer Scope extends string
        path: infer P extends string
      }
      ? Missing<M, P, Scope>
      : never
    : never

/** `unknown` for a valid table; otherwise a type naming the routes that break the `self:` rule. */
export type CheckTable<N> = [SelfWithoutParam<N>] extends [never]
  ? unknown
  : { 'self: scopes need their path parameter': SelfWithoutParam<N> }

// What a handler's return value means to `hono/client`: typed when it is, generic otherwise.
type ResponseOf<R> =
  Awaited<R> extends infer A ? (A extends TypedResponse ? A : TypedResponse) : never

/** The Hono schema of a table's routes, so that `hc<typeof app>` infers them. */
export type TableSchema<N, BasePath extends string = '/'> = UnionToIntersection<
  Leaves<N> extends infer L
    ? L extends Leaf
      ? ToSchema<
          L['method'],
          MergePath<BasePath, L['path']>,
          L['input'] & {},
          ResponseOf<L['response']>
        >
      : never
    : never
>

/** An app with the table's routes added to its type. */
export type Mounted<A, N> =
  A extends Hono<infer E extends Env, infer S extends Schema, infer B extends string>
    ? Hono<E, S & TableSchema<N, B>, B>
    : never

export type { RouteNode }
