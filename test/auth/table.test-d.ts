import { Hono } from 'hono'
import { hc } from 'hono/client'
import { jwtAuth, routeTable } from 'hono-scoped-jwt'
import type { TIToken } from 'hono-scoped-jwt/airflow'
import { defineGroup, defineRoute, taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { describe, expectTypeOf, test } from 'vitest'
import { z } from 'zod'

const auth = jwtAuth({
  profile: taskInstanceProfile,
  secret: 'x'.repeat(64),
  algorithms: ['HS512'],
})

const run = defineRoute({
  method: 'patch',
  path: '/:task_instance_id/run',
  scopes: ['token:execution', 'token:workload'],
  validate: { json: z.object({ pid: z.number() }) },
  handler: (c) => {
    expectTypeOf(c.req.valid('json')).toEqualTypeOf<{ pid: number }>()
    expectTypeOf(c.var.tiToken).toEqualTypeOf<TIToken>()
    return c.json({ ok: true as const, pid: c.req.valid('json').pid }, 200)
  },
})

const tasks = defineGroup({ path: '/task-instances', scopes: ['ti:self'], routes: [run] })
const root = defineGroup({
  path: '/execution',
  routes: [
    tasks,
    defineRoute({
      method: 'get',
      path: '/health',
      public: true,
      handler: (c) => c.json({ status: 'healthy' }),
    }),
  ],
})

describe('defineRoute', () => {
  test('a misspelt built-in scope is a compile error', () => {
    defineRoute({
      method: 'get',
      path: '/x',
      // @ts-expect-error token type misspelt
      scopes: ['token:workluod'],
      handler: (c) => c.text('x'),
    })
    defineRoute({
      method: 'get',
      path: '/x',
      // @ts-expect-error ti scope misspelt
      scopes: ['ti:slef'],
      handler: (c) => c.text('x'),
    })
    // a custom scope is fine at compile time (its checker is required at mount time)
    defineRoute({ method: 'get', path: '/x', scopes: ['team:admin'], handler: (c) => c.text('x') })
  })

  test('ti:self without :task_instance_id is a compile error', () => {
    const bad = defineGroup({
      path: '/task-instances',
      scopes: ['ti:self'],
      routes: [defineRoute({ method: 'get', path: '/all', handler: (c) => c.text('x') })],
    })
    // @ts-expect-error ti:self on a path without :task_instance_id
    routeTable(bad, { auth })
    // inherited from a grandparent, parameter in a child's path: fine
    routeTable(defineGroup({ path: '/a', scopes: ['ti:self'], routes: [tasks] }), { auth })
    // a public route ignores inherited scopes
    routeTable(
      defineGroup({
        path: '/a',
        scopes: ['ti:self'],
        routes: [
          defineRoute({ method: 'get', path: '/open', public: true, handler: (c) => c.text('x') }),
        ],
      }),
      { auth },
    )
  })

  test('the mounted app types hono/client', () => {
    const app = routeTable(root, { auth }).mount(new Hono())
    const client = hc<typeof app>('http://localhost')
    const call = client.execution['task-instances'][':task_instance_id'].run.$patch
    expectTypeOf<Parameters<typeof call>[0]>().toEqualTypeOf<
      { json: { pid: number } } & { param: { task_instance_id: string } }
    >()
    type Out = Awaited<ReturnType<Awaited<ReturnType<typeof call>>['json']>>
    expectTypeOf<Out>().toEqualTypeOf<{ ok: true; pid: number }>()
    const health = client.execution.health.$get
    type Health = Awaited<ReturnType<Awaited<ReturnType<typeof health>>['json']>>
    expectTypeOf<Health>().toEqualTypeOf<{ status: string }>()
  })
})

describe('mount', () => {
  test('takes an app with bindings and keeps its env', () => {
    type AppEnv = { Bindings: { DB: string } }
    const app = routeTable(root, { auth }).mount(new Hono<AppEnv>())
    expectTypeOf(app).toExtend<Hono<AppEnv>>()
  })
})
