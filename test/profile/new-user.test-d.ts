// Issue 19, item 11: what a new user met typing an app on the access profile. Each block fails to
// compile (or asserts another type) on the code before the fix.
import { Hono } from 'hono'
import { describe, expectTypeOf, test } from 'vitest'
import { z } from 'zod'
import { accessTokenProfile, jwtAuth, routeBuilders, routeTable } from '../../src/index'

const profile = accessTokenProfile({ claims: z.object({ org: z.string() }) })
const auth = jwtAuth({ secret: 'x'.repeat(64), algorithms: ['HS512'], profile })
type Bindings = { DB: string }

describe('routeBuilders with bindings, the profile taken from auth', () => {
  test('withEnv: one type argument, c.env and c.var both typed', () => {
    const { defineRoute } = routeBuilders(auth).withEnv<{ Bindings: Bindings }>()
    defineRoute({
      method: 'get',
      path: '/x',
      scopes: ['self:x=org'],
      handler: (c) => {
        expectTypeOf(c.env.DB).toEqualTypeOf<string>()
        expectTypeOf(c.var.token.org).toEqualTypeOf<string>()
        return c.text('')
      },
    })
  })
})

describe("a parent group's path parameters in a child's handler", () => {
  test('routes given as a function of the group’s builders see the full path', () => {
    const { defineGroup } = routeBuilders(auth)
    const orgs = defineGroup({
      path: '/orgs/:org_id',
      scopes: ['self:org_id=org'],
      routes: ({ defineRoute, defineGroup }) => [
        defineRoute({
          method: 'get',
          path: '/',
          handler: (c) => {
            expectTypeOf(c.req.param('org_id')).toEqualTypeOf<string>()
            return c.json({ org: c.req.param('org_id') })
          },
        }),
        defineGroup({
          path: '/tasks/:task_id',
          routes: ({ defineRoute }) => [
            defineRoute({
              method: 'get',
              path: '/',
              handler: (c) => {
                expectTypeOf(c.req.param()).toEqualTypeOf<{ org_id: string; task_id: string }>()
                return c.text('')
              },
            }),
          ],
        }),
      ],
    })
    const app = routeTable(orgs, { auth }).mount(new Hono())
    expectTypeOf(app).toExtend<Hono>()
  })
})

describe('a misspelt claim or token type names itself in the error', () => {
  const { defineRoute } = routeBuilders(auth)
  type ScopesParam<S extends readonly string[]> = NonNullable<
    Parameters<typeof defineRoute<'get', '/:org_id', S>>[0]['scopes']
  >

  test('self:<param>=<claim> with a claim the profile lacks', () => {
    expectTypeOf<ScopesParam<readonly ['self:org_id=orgg']>>().toEqualTypeOf<
      readonly ["self:org_id=orgg: 'orgg' is not a claim of the token profile"]
    >()
    expectTypeOf<ScopesParam<readonly ['self:org_id=org', 'tasks:read']>>().toEqualTypeOf<
      readonly ['self:org_id=org', 'tasks:read']
    >()
    defineRoute({
      method: 'get',
      path: '/:org_id',
      // @ts-expect-error "self:org_id=orgg: 'orgg' is not a claim of the token profile"
      scopes: ['self:org_id=orgg'],
      handler: (c) => c.text(''),
    })
  })

  test('token:<type> with a type the profile lacks', () => {
    expectTypeOf<ScopesParam<readonly ['token:refresh']>>().toEqualTypeOf<
      readonly ["token:refresh: 'refresh' is not a token type of the token profile"]
    >()
  })
})

describe('self: on a parameter the full path lacks', () => {
  test('the error at routeTable names the method, path, scope and where to look', () => {
    const { defineGroup, defineRoute } = routeBuilders(auth)
    const bad = defineGroup({
      path: '/users/:user_id',
      scopes: ['self:userid'],
      routes: [defineRoute({ method: 'get', path: '/profile', handler: (c) => c.text('') })],
    })
    type Options = Parameters<typeof routeTable<typeof bad>>[1]
    expectTypeOf<
      Options['self: scopes need their path parameter']
    >().toEqualTypeOf<"GET /users/:user_id/profile: 'self:userid' needs :userid in the path (the scope is on this route or a group above it)">()
    // @ts-expect-error the table names the route at fault
    routeTable(bad, { auth })
  })
})
