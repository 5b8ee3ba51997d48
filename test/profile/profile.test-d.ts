import { type Env, Hono } from 'hono'
import {
  accessTokenProfile,
  currentToken,
  jwtAuth,
  routeBuilders,
  routeTable,
  withClaims,
} from 'hono-scoped-jwt'
import {
  type TaskInstanceProfile,
  type TIToken,
  taskInstanceProfile,
} from 'hono-scoped-jwt/airflow'
import { describe, expectTypeOf, test } from 'vitest'
import { z } from 'zod'

const profile = accessTokenProfile({
  claims: z.object({ org: z.string(), roles: z.array(z.string()) }),
  tokenTypes: { claim: 'token_use', types: ['access', 'id'] },
})
const auth = jwtAuth({ secret: 'x'.repeat(64), algorithms: ['HS512'], profile })
const { defineRoute, defineGroup } = routeBuilders(auth)

describe('typed claims from the schema', () => {
  test('a claim the schema has is typed in a handler, with no cast', () => {
    defineRoute({
      method: 'get',
      path: '/x',
      handler: (c) => {
        expectTypeOf(c.var.token.org).toEqualTypeOf<string>()
        expectTypeOf(c.var.token.roles).toEqualTypeOf<string[]>()
        expectTypeOf(c.var.token.sub).toEqualTypeOf<string>()
        expectTypeOf(currentToken(c).org).toEqualTypeOf<string>()
        return c.json({ org: c.var.token.org })
      },
    })
  })

  test('reading a claim the schema lacks is a compile error', () => {
    defineRoute({
      method: 'get',
      path: '/x',
      handler: (c) => {
        // @ts-expect-error `team` is not a claim of this profile
        const team = c.var.token.team
        // @ts-expect-error nor through currentToken
        currentToken(c).team
        // @ts-expect-error the task profile's variable is not set under the access profile
        c.var.tiToken
        return c.json({ team })
      },
    })
  })

  test('checkers and the table see the same claims', () => {
    const route = defineRoute({
      method: 'get',
      path: '/x',
      scopes: ['org:admin'],
      handler: (c) => c.text(''),
    })
    routeTable(route, {
      auth,
      checkers: {
        'org:admin': (_c, token) => {
          expectTypeOf(token.org).toEqualTypeOf<string>()
          return token.roles.includes('admin')
        },
      },
    })
  })

  test('the task instance profile keeps TIToken on c.var.tiToken', () => {
    const ti = routeBuilders<Env, TaskInstanceProfile>()
    ti.defineRoute({
      method: 'get',
      path: '/x',
      handler: (c) => {
        expectTypeOf(c.var.tiToken).toEqualTypeOf<TIToken>()
        expectTypeOf(currentToken(c)).toEqualTypeOf<TIToken>()
        // @ts-expect-error the access profile's variable is not set under the task profile
        c.var.token
        return c.text('')
      },
    })
  })
})

describe('scopes typed from the profile', () => {
  test('a token: type the profile does not declare is a compile error', () => {
    defineRoute({
      method: 'get',
      path: '/x',
      scopes: ['token:access', 'token:id'],
      handler: (c) => c.text(''),
    })
    defineRoute({
      method: 'get',
      path: '/x',
      // @ts-expect-error `refresh` is not a token type of this profile
      scopes: ['token:refresh'],
      handler: (c) => c.text(''),
    })
    defineRoute({
      method: 'get',
      path: '/x',
      // @ts-expect-error the task instance types do not exist under the access profile
      scopes: ['token:workload'],
      handler: (c) => c.text(''),
    })
  })

  test('ti:self is the task profile’s spelling only', () => {
    defineRoute({
      method: 'get',
      path: '/:task_instance_id',
      // @ts-expect-error not a scope of the access profile
      scopes: ['ti:self'],
      handler: (c) => c.text(''),
    })
  })

  test('self:<param>=<claim> must name a claim of the profile', () => {
    defineRoute({
      method: 'get',
      path: '/:org_id',
      scopes: ['self:org_id=org'],
      handler: (c) => c.text(''),
    })
    defineRoute({
      method: 'get',
      path: '/:org_id',
      // @ts-expect-error `team` is not a claim
      scopes: ['self:org_id=team'],
      handler: (c) => c.text(''),
    })
  })

  test('a misspelt self: parameter is a compile error at the table', () => {
    const good = defineGroup({
      path: '/users/:user_id',
      scopes: ['self:user_id'],
      routes: [defineRoute({ method: 'get', path: '/profile', handler: (c) => c.text('') })],
    })
    routeTable(good, { auth })
    const bad = defineGroup({
      path: '/users/:user_id',
      scopes: ['self:userid'],
      routes: [defineRoute({ method: 'get', path: '/profile', handler: (c) => c.text('') })],
    })
    // @ts-expect-error `:userid` is not a parameter of /users/:user_id/profile
    routeTable(bad, { auth })
  })

  test('the mounted app keeps its type', () => {
    const app = routeTable(
      defineRoute({ method: 'get', path: '/x', handler: (c) => c.json({ a: 1 }) }),
      {
        auth,
      },
    ).mount(new Hono())
    expectTypeOf(app).toExtend<Hono>()
  })
})

describe('withClaims', () => {
  test('types the task profile’s claims from a schema, keeping its scopes', () => {
    const tiProfile = withClaims(taskInstanceProfile, z.object({ team: z.string() }))
    const tiAuth = jwtAuth({ secret: 'x'.repeat(64), algorithms: ['HS512'], profile: tiProfile })
    const ti = routeBuilders(tiAuth)
    ti.defineRoute({
      method: 'get',
      path: '/:task_instance_id',
      scopes: ['ti:self', 'token:workload'],
      handler: (c) => {
        expectTypeOf(c.var.tiToken.team).toEqualTypeOf<string>()
        expectTypeOf(c.var.tiToken.scope).toEqualTypeOf<'execution' | 'workload'>()
        return c.text('')
      },
    })
  })
})
