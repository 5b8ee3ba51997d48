import type { Env, Hono, TypedResponse } from 'hono'
import type { MergePath, Schema, ToSchema } from 'hono/types'
import type { UnionToIntersection } from 'hono/utils/types'
import type { GroupDef, InputOf, RouteDef, RouteNode } from './route'

/** One route of a table, flattened: full path, and whether `ti:self` applies to it. */
type Leaf = { method: string; path: string; input: unknown; response: unknown; tiSelf: boolean }

/** Every route under a node, with ancestors' paths joined and scopes accumulated. */
export type Leaves<N, Prefix extends string = '', Inherited extends string = never> =
  N extends RouteDef<infer M, infer P, infer S, infer V, infer R, infer Pub>
    ? {
        method: M
        path: MergePath<Prefix, P>
        input: InputOf<V>
        response: R
        tiSelf: Pub extends true ? false : 'ti:self' extends Inherited | S[number] ? true : false
      }
    : N extends GroupDef<infer P, infer S, infer C>
      ? Leaves<C[number], MergePath<Prefix, P>, Inherited | S[number]>
      : never

type HasTaskInstanceId<P extends string> = P extends
  | `${string}/:task_instance_id`
  | `${string}/:task_instance_id/${string}`
  | `${string}/:task_instance_id{${string}`
  ? true
  : false

/** Full paths of `ti:self` routes that have no `:task_instance_id` parameter. */
export type TiSelfWithoutParam<N> =
  Leaves<N> extends infer L
    ? L extends { tiSelf: true; path: infer P extends string }
      ? HasTaskInstanceId<P> extends true
        ? never
        : P
      : never
    : never

/** `unknown` for a valid table; otherwise a type naming the routes that break the `ti:self` rule. */
export type CheckTable<N> = [TiSelfWithoutParam<N>] extends [never]
  ? unknown
  : { 'ti:self routes need a :task_instance_id path parameter': TiSelfWithoutParam<N> }

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
