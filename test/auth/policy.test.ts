import { jwtAuth, localKeys, routeTable } from 'hono-scoped-jwt'
import { defineGroup, defineRoute, taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { describe, expect, it } from 'vitest'
import {
  bearer,
  claims,
  countingAuth,
  makeKeys,
  mountApp,
  otherTiId,
  seedTable,
  tiId,
} from './helpers'

const keys = await makeKeys()
const { auth } = countingAuth(keys)
const app = mountApp(seedTable(), { auth, issuer: keys.issuer })
const execution = await keys.sign(claims())
const workload = await keys.sign(claims({ scope: 'workload' }))

describe('token types from the route table', () => {
  it('a route with no token scopes allows execution only; a relaxed child allows both', () => {
    const byPath = Object.fromEntries(
      routeTable(seedTable(), { auth, issuer: keys.issuer })
        .list()
        .map((r) => [r.path, r]),
    )
    expect(byPath['/execution/default']?.tokenTypes).toEqual(['execution'])
    expect(byPath['/execution/task-instances/:task_instance_id/run']?.tokenTypes).toEqual([
      'execution',
      'workload',
    ])
    expect(byPath['/execution/task-instances/:task_instance_id/heartbeat']?.tokenTypes).toEqual([
      'execution',
    ])
    expect(byPath['/execution/task-instances/:task_instance_id/heartbeat']?.scopes).toEqual([
      'ti:self',
      'token:execution',
    ])
    expect(byPath['/execution/health']?.tokenTypes).toEqual([])
  })

  it('["token:bogus"] fails when the table is built', () => {
    const bogus = defineRoute({
      method: 'get',
      path: '/x',
      scopes: ['token:bogus' as never],
      handler: (c) => c.text(''),
    })
    expect(() => routeTable(bogus, { auth })).toThrow('Invalid token types in scopes: token:bogus')
  })

  it('a workload token on a default route is refused with the contract answer', async () => {
    const res = await app.request('/execution/default', bearer(workload))
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({
      detail: "Token type 'workload' not allowed for this endpoint. Allowed types: execution",
    })
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="execution-api", error="insufficient_scope", scope="token:execution"',
    )
  })

  it('a workload token is accepted on the opted-in route, an execution token on both', async () => {
    const run = `/execution/task-instances/${tiId}/run`
    expect((await app.request(run, { method: 'PATCH', ...bearer(workload) })).status).toBe(200)
    expect((await app.request(run, { method: 'PATCH', ...bearer(execution) })).status).toBe(200)
    expect((await app.request('/execution/default', bearer(execution))).status).toBe(200)
  })

  it('a workload token on a ti:self + token:execution route is refused', async () => {
    const res = await app.request(`/execution/task-instances/${tiId}/heartbeat`, {
      method: 'PUT',
      ...bearer(workload),
    })
    expect(res.status).toBe(403)
  })
})

describe('ti:self', () => {
  it('a matching subject passes, compared as UUIDs', async () => {
    for (const id of [tiId, tiId.toUpperCase(), tiId.replaceAll('-', '')]) {
      const res = await app.request(`/execution/task-instances/${id}/heartbeat`, {
        method: 'PUT',
        ...bearer(execution),
      })
      expect(res.status, id).toBe(200)
    }
  })

  it('another subject is refused with the contract answer', async () => {
    const res = await app.request(`/execution/task-instances/${otherTiId}/heartbeat`, {
      method: 'PUT',
      ...bearer(execution),
    })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ detail: 'Token subject does not match task instance ID' })
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="execution-api", error="insufficient_scope", scope="ti:self"',
    )
  })

  it('a path parameter that is not a UUID is a mismatch, not an error', async () => {
    const res = await app.request('/execution/task-instances/not-a-uuid/heartbeat', {
      method: 'PUT',
      ...bearer(execution),
    })
    expect(res.status).toBe(403)
  })

  it('a route without ti:self ignores the mismatch', async () => {
    expect((await app.request(`/execution/other/${otherTiId}`, bearer(execution))).status).toBe(200)
  })

  it('every ti:self route of the table has a task_instance_id path parameter', () => {
    const tiSelf = routeTable(seedTable(), { auth, issuer: keys.issuer })
      .list()
      .filter((r) => r.scopes.includes('ti:self'))
    expect(tiSelf.length).toBe(2)
    for (const route of tiSelf) expect(route.path).toMatch(/\/:task_instance_id(\/|$)/)
  })

  it('ti:self without :task_instance_id fails when the table is built', () => {
    const bad = defineGroup({
      path: '/tasks',
      scopes: ['ti:self'],
      routes: [defineRoute({ method: 'get', path: '/all', handler: (c) => c.text('') })],
    })
    expect(() => routeTable(bad, { auth } as never)).toThrow(
      '"ti:self" needs a :task_instance_id path parameter (GET /tasks/all)',
    )
  })
})

describe('custom scopes', () => {
  const table = defineGroup({
    path: '/',
    scopes: ['team:admin'],
    routes: [defineRoute({ method: 'get', path: '/admin', handler: (c) => c.json({ ok: true }) })],
  })

  it('a scope without a checker fails when the table is built', () => {
    expect(() => routeTable(table, { auth })).toThrow('Unknown scope "team:admin"')
  })

  it('a registered checker decides, after verification, with the verified token', async () => {
    const admins = new Set([tiId])
    const app = routeTable(table, {
      auth: jwtAuth({
        profile: taskInstanceProfile,
        algorithms: ['EdDSA'],
        keys: localKeys([{ ...keys.jwk, d: undefined }]),
      }),
      checkers: { 'team:admin': (_c, token) => admins.has(token.sub) },
    }).mount(new (await import('hono')).Hono())
    expect((await app.request('/admin', bearer(execution))).status).toBe(200)
    const denied = await app.request('/admin', bearer(await keys.sign(claims({ sub: otherTiId }))))
    expect(denied.status).toBe(403)
    expect(await denied.json()).toEqual({ detail: "Token does not grant scope 'team:admin'" })
    expect(denied.headers.get('www-authenticate')).toContain('scope="team:admin"')
  })
})

describe('the table', () => {
  it('refuses a route defined twice, naming it', () => {
    const twice = defineGroup({
      path: '/execution',
      routes: [
        defineRoute({ method: 'get', path: '/x', handler: (c) => c.text('') }),
        defineGroup({
          path: '/',
          routes: [defineRoute({ method: 'get', path: '/x/', handler: (c) => c.text('') })],
        }),
      ],
    })
    expect(() => routeTable(twice, { auth })).toThrow('Route defined twice: GET /execution/x')
  })
})
