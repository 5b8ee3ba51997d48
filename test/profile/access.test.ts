// The access token profile policed per route: required scopes through nested groups, token types
// with a relaxed child, ownership by a path parameter, anyOf, checkers, cookies and other headers.

import { Hono } from 'hono'
import {
  accessTokenProfile,
  anyOf,
  jwtAuth,
  localKeys,
  routeBuilders,
  routeTable,
} from 'hono-scoped-jwt'
import { taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { importJWK, SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

const now = () => Math.floor(Date.now() / 1000)
const audience = 'https://api.example.com'
let jwk: Awaited<ReturnType<typeof generateSigningJwk>>
let sign: (claims: Record<string, unknown>) => Promise<string>

beforeAll(async () => {
  jwk = await generateSigningJwk('EdDSA')
  const key = await importJWK(jwk, 'EdDSA')
  sign = (claims) =>
    new SignJWT({ aud: audience, iat: now(), exp: now() + 300, ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
      .sign(key)
})

const bearer = (token: string, extra: Record<string, string> = {}) => ({
  headers: { authorization: `Bearer ${token}`, ...extra },
})

// Cognito-shaped token types: access tokens by default, id tokens where a route opts in.
const profile = accessTokenProfile({
  claims: z.object({ org: z.string().optional(), email: z.string().optional() }),
  tokenTypes: {
    claim: 'token_use',
    types: ['access', 'id'],
    absent: 'access',
    routeDefault: ['access'],
  },
})

const makeApp = (options: { cookie?: string; headerName?: string } = {}) => {
  const auth = jwtAuth({
    keys: localKeys([jwk]),
    algorithms: ['EdDSA'],
    audience,
    profile,
    ...options,
  })
  const { defineGroup, defineRoute } = routeBuilders(auth)
  const ok = defineRoute({
    method: 'get',
    path: '/',
    handler: (c) => c.json({ sub: c.var.token.sub, org: c.var.token.org ?? null }),
  })
  const write = defineRoute({
    method: 'post',
    path: '/',
    scopes: ['tasks:write'],
    handler: (c) => c.json({ written: true }, 201),
  })
  const peek = defineRoute({
    method: 'get',
    path: '/peek',
    // The relaxed child: id tokens too, on this route alone.
    scopes: ['token:access', 'token:id'],
    handler: (c) => c.json({ email: c.var.token.email ?? null }),
  })
  const tasks = defineGroup({ path: '/tasks', scopes: ['tasks:read'], routes: [ok, write, peek] })
  const org = defineGroup({ path: '/orgs/:org_id', scopes: ['self:org_id=org'], routes: [tasks] })
  const user = defineRoute({
    method: 'get',
    path: '/users/:user_id/profile',
    scopes: ['self:user_id'],
    handler: (c) => c.json({ user: c.req.param('user_id') }),
  })
  const reports = defineRoute({
    method: 'get',
    path: '/reports',
    scopes: ['reports:read'],
    handler: (c) => c.json({ reports: [] }),
  })
  const admin = defineRoute({
    method: 'get',
    path: '/admin',
    scopes: ['org:owner'],
    handler: (c) => c.json({ admin: true }),
  })
  const root = defineGroup({ path: '/api', scopes: ['api'], routes: [org, user, reports, admin] })
  const table = routeTable(root, {
    auth,
    checkers: {
      'reports:read': anyOf('reports:read', 'reports:admin'),
      'org:owner': (_c, token) => token.org === 'acme' && token.sub === 'alice',
    },
  })
  return { app: table.mount(new Hono()), table }
}

describe('required scopes through three nested groups', () => {
  it('effective scopes are the ancestors then the route', () => {
    const { table } = makeApp()
    const post = table.list().find((r) => r.method === 'post')
    expect(post?.scopes).toEqual(['api', 'self:org_id=org', 'tasks:read', 'tasks:write'])
    expect(post?.tokenTypes).toEqual(['access'])
  })

  it('a token granting every scope passes (scope claim, space-delimited)', async () => {
    const { app } = makeApp()
    const token = await sign({ sub: 'alice', org: 'acme', scope: 'api tasks:read tasks:write' })
    const res = await app.request('/api/orgs/acme/tasks', { method: 'POST', ...bearer(token) })
    expect(res.status).toBe(201)
  })

  it('scp as a list (Okta) and as a string (Azure) grant too', async () => {
    const { app } = makeApp()
    for (const scp of [['api', 'tasks:read'], 'api tasks:read']) {
      const token = await sign({ sub: 'alice', org: 'acme', scp })
      const res = await app.request('/api/orgs/acme/tasks', bearer(token))
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ sub: 'alice', org: 'acme' })
    }
  })

  it('a missing scope is 403 insufficient_scope naming the required scopes', async () => {
    const { app } = makeApp()
    const token = await sign({ sub: 'alice', org: 'acme', scope: 'api tasks:read tasks:writer' })
    const res = await app.request('/api/orgs/acme/tasks', { method: 'POST', ...bearer(token) })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ detail: "Token does not grant scope 'tasks:write'" })
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="api tasks:read tasks:write"',
    )
  })

  it("a parent's scope is required of the child (no scope at all: 403)", async () => {
    const { app } = makeApp()
    const res = await app.request(
      '/api/orgs/acme/tasks',
      bearer(await sign({ sub: 'alice', org: 'acme' })),
    )
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ detail: "Token does not grant scope 'api'" })
  })
})

describe('token types and a relaxed child', () => {
  it('an id token is refused by default and accepted by the relaxed child', async () => {
    const { app } = makeApp()
    const id = await sign({
      sub: 'alice',
      org: 'acme',
      email: 'alice@acme.test',
      token_use: 'id',
      scope: 'api tasks:read',
    })
    const refused = await app.request('/api/orgs/acme/tasks', bearer(id))
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({
      detail: "Token type 'id' not allowed for this endpoint. Allowed types: access",
    })
    const relaxed = await app.request('/api/orgs/acme/tasks/peek', bearer(id))
    expect(relaxed.status).toBe(200)
    expect(await relaxed.json()).toEqual({ email: 'alice@acme.test' })
  })

  it('an unknown type is an invalid token', async () => {
    const { app } = makeApp()
    const token = await sign({ sub: 'alice', token_use: 'refresh', scope: 'api' })
    const res = await app.request('/api/reports', bearer(token))
    expect(res.status).toBe(401)
  })
})

describe('ownership', () => {
  it('self:user_id: the subject must equal the path parameter, exact text', async () => {
    const { app } = makeApp()
    const token = await sign({ sub: 'alice', scope: 'api' })
    expect((await app.request('/api/users/alice/profile', bearer(token))).status).toBe(200)
    const other = await app.request('/api/users/Alice/profile', bearer(token))
    expect(other.status).toBe(403)
    expect(await other.json()).toEqual({
      detail: "Token subject does not match path parameter 'user_id'",
    })
    expect(other.headers.get('www-authenticate')).toContain('scope="self:user_id"')
  })

  it('self:org_id=org: a named claim must equal the path parameter', async () => {
    const { app } = makeApp()
    const token = await sign({ sub: 'alice', org: 'acme', scope: 'api tasks:read' })
    expect((await app.request('/api/orgs/acme/tasks', bearer(token))).status).toBe(200)
    const evil = await app.request('/api/orgs/evil/tasks', bearer(token))
    expect(evil.status).toBe(403)
    expect(await evil.json()).toEqual({
      detail: "Token claim 'org' does not match path parameter 'org_id'",
    })
    const noOrg = await sign({ sub: 'alice', scope: 'api tasks:read' })
    expect((await app.request('/api/orgs/acme/tasks', bearer(noOrg))).status).toBe(403)
  })

  it('a self: scope whose parameter the path lacks fails when the table is built', () => {
    const auth = jwtAuth({ keys: localKeys([jwk]), algorithms: ['EdDSA'], audience, profile })
    const { defineRoute } = routeBuilders(auth)
    const route = defineRoute({
      method: 'get',
      path: '/users/:id',
      scopes: ['self:user_id'],
      handler: (c) => c.text(''),
    })
    expect(() => routeTable(route, { auth } as never)).toThrow(
      '"self:user_id" needs a :user_id path parameter (GET /users/:id)',
    )
  })
})

describe('anyOf and checkers', () => {
  it('anyOf: any one of the alternatives grants the scope', async () => {
    const { app } = makeApp()
    for (const scope of ['api reports:read', 'api reports:admin']) {
      expect(
        (await app.request('/api/reports', bearer(await sign({ sub: 'a', scope })))).status,
      ).toBe(200)
    }
    const none = await app.request('/api/reports', bearer(await sign({ sub: 'a', scope: 'api' })))
    expect(none.status).toBe(403)
    expect(none.headers.get('www-authenticate')).toContain('scope="reports:read reports:admin"')
  })

  it('a registered checker overrides the scope, with the typed claims', async () => {
    const { app } = makeApp()
    const owner = await sign({ sub: 'alice', org: 'acme', scope: 'api' })
    expect((await app.request('/api/admin', bearer(owner))).status).toBe(200)
    const granted = await sign({ sub: 'bob', org: 'acme', scope: 'api org:owner' })
    const res = await app.request('/api/admin', bearer(granted))
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ detail: "Token does not grant scope 'org:owner'" })
  })

  it('checkers are looked up as own properties, or in a Map', async () => {
    const auth = jwtAuth({ keys: localKeys([jwk]), algorithms: ['EdDSA'], audience, profile })
    const { defineRoute } = routeBuilders(auth)
    const route = defineRoute({
      method: 'get',
      path: '/x',
      scopes: ['constructor'],
      handler: (c) => c.text('ok'),
    })
    // `constructor` is not a checker here: it is required of the token, as any other scope.
    const app = routeTable(route, { auth, checkers: {} }).mount(new Hono())
    expect((await app.request('/x', bearer(await sign({ sub: 'a' })))).status).toBe(403)
    expect(
      (await app.request('/x', bearer(await sign({ sub: 'a', scope: 'constructor' })))).status,
    ).toBe(200)
    const viaMap = routeTable(route, {
      auth,
      checkers: new Map([['constructor', () => true]]),
    }).mount(new Hono())
    expect((await viaMap.request('/x', bearer(await sign({ sub: 'a' })))).status).toBe(200)
  })
})

describe('scope matching', () => {
  it('a scope is a whole word: tasks:read:all or xtasks:read do not grant tasks:read', async () => {
    const { app } = makeApp()
    for (const scope of ['api tasks:read:all', 'api xtasks:read', 'api  tasks:reads']) {
      const token = await sign({ sub: 'alice', org: 'acme', scope })
      expect((await app.request('/api/orgs/acme/tasks', bearer(token))).status).toBe(403)
    }
    const spaced = await sign({ sub: 'alice', org: 'acme', scope: '  tasks:read   api ' })
    expect((await app.request('/api/orgs/acme/tasks', bearer(spaced))).status).toBe(200)
  })

  it('under the task profile, a scope named like an Object.prototype member needs its checker', () => {
    const auth = jwtAuth({
      keys: localKeys([jwk]),
      algorithms: ['EdDSA'],
      profile: taskInstanceProfile,
    })
    const { defineRoute } = routeBuilders(auth)
    for (const scope of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const route = defineRoute({
        method: 'get',
        path: '/x',
        scopes: [scope],
        handler: (c) => c.text(''),
      })
      expect(() => routeTable(route, { auth, checkers: {} })).toThrow(`Unknown scope "${scope}"`)
    }
  })
})

describe('where the token comes from', () => {
  it('a cookie', async () => {
    const { app } = makeApp({ cookie: 'session' })
    const token = await sign({ sub: 'alice', scope: 'api' })
    const res = await app.request('/api/users/alice/profile', {
      headers: { cookie: `theme=dark; session=${token}` },
    })
    expect(res.status).toBe(200)
    // The header still works when there is no cookie.
    expect((await app.request('/api/users/alice/profile', bearer(token))).status).toBe(200)
    expect((await app.request('/api/users/alice/profile')).status).toBe(401)
  })

  it('a token in two places is 400 invalid_request (RFC 6750 §2)', async () => {
    const { app } = makeApp({ cookie: 'session' })
    const token = await sign({ sub: 'alice', scope: 'api' })
    for (const headers of [
      { cookie: `session=${token}; session=${token}` },
      { cookie: `session=${token}`, authorization: `Bearer ${token}` },
    ] as Record<string, string>[]) {
      const res = await app.request('/api/users/alice/profile', { headers })
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ detail: 'Token sent in more than one place' })
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"')
    }
    // Another scheme in Authorization is not a second token.
    const basic = await app.request('/api/users/alice/profile', {
      headers: { cookie: `session=${token}`, authorization: 'Basic dTpw' },
    })
    expect(basic.status).toBe(200)
  })

  it('another header', async () => {
    const { app } = makeApp({ headerName: 'X-Api-Token' })
    const token = await sign({ sub: 'alice', scope: 'api' })
    const res = await app.request('/api/users/alice/profile', {
      headers: { 'x-api-token': `Bearer ${token}` },
    })
    expect(res.status).toBe(200)
    expect((await app.request('/api/users/alice/profile', bearer(token))).status).toBe(401)
  })

  it('bad source options throw when the middleware is created', () => {
    expect(() =>
      jwtAuth({ secret: 'x'.repeat(64), algorithms: ['HS512'], audience, cookie: 'a b' }),
    ).toThrow('"cookie" must be a cookie name')
  })
})

describe('claims the access profile refuses', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['empty sub', { sub: '' }],
    ['sub not a string', { sub: 42 }],
    ['no exp', { sub: 'a', exp: undefined }],
    ['scope not a string', { sub: 'a', scope: ['api'] }],
    ['scp with a number', { sub: 'a', scp: ['api', 1] }],
    ['a claim the schema refuses', { sub: 'a', org: 7 }],
  ]
  it.each(cases)('%s: 401', async (_name, claims) => {
    const { app } = makeApp()
    const res = await app.request(
      '/api/users/a/profile',
      bearer(await sign({ scope: 'api', ...claims })),
    )
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Invalid auth token' })
  })

  it('aud is not checked with audience: false; iat and nbf are when present', async () => {
    const auth = jwtAuth({
      keys: localKeys([jwk]),
      algorithms: ['EdDSA'],
      audience: false,
      profile: accessTokenProfile(),
    })
    const app = new Hono().get('/me', auth, (c) => c.json({ sub: c.var.token.sub }))
    const key = await importJWK(jwk, 'EdDSA')
    const bare = await new SignJWT({ sub: 'x', exp: now() + 60 })
      .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
      .sign(key)
    expect((await app.request('/me', bearer(bare))).status).toBe(200)
    const early = await new SignJWT({ sub: 'x', exp: now() + 600, nbf: now() + 300 })
      .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
      .sign(key)
    expect((await app.request('/me', bearer(early))).status).toBe(401)
  })
})

describe('minting access tokens', () => {
  it('mints with granted scopes; the verifier and policy accept it', async () => {
    const issuer = createIssuer({ privateJwk: jwk, profile, audience })
    const token = await issuer.mint({
      sub: 'alice',
      scopes: ['api', 'tasks:read'],
      claims: { org: 'acme' },
    })
    const { app } = makeApp()
    const res = await app.request('/api/orgs/acme/tasks', bearer(token))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: 'alice', org: 'acme' })
  })

  it('refuses to mint what the profile would refuse', async () => {
    const issuer = createIssuer({ privateJwk: jwk, profile })
    await expect(issuer.mint({ sub: '' })).rejects.toThrow('Refusing to mint')
    const taskIssuer = createIssuer({ privateJwk: jwk, profile: taskInstanceProfile })
    await expect(taskIssuer.mint({ sub: 'not-a-uuid' })).rejects.toThrow(
      'Refusing to mint: The token\'s "sub" claim is not a UUID',
    )
  })
})

describe('refresh under the access profile', () => {
  it('a token near expiry gets a new one with the same subject and scopes', async () => {
    const issuer = createIssuer({ privateJwk: jwk, profile, audience, expirationTime: 300 })
    const auth = jwtAuth({ keys: localKeys([jwk]), algorithms: ['EdDSA'], audience, profile })
    const { defineRoute } = routeBuilders(auth)
    const route = defineRoute({
      method: 'get',
      path: '/x',
      scopes: ['api'],
      handler: (c) => c.json({ sub: c.var.token.sub }),
    })
    const app = routeTable(route, { auth, issuer }).mount(new Hono())
    const fresh = await app.request('/x', bearer(await sign({ sub: 'alice', scope: 'api' })))
    expect(fresh.headers.get('refreshed-api-token')).toBeNull()
    const old = await sign({
      sub: 'alice',
      scope: 'api tasks:read',
      iat: now() - 290,
      exp: now() + 10,
    })
    const res = await app.request('/x', bearer(old))
    expect(res.status).toBe(200)
    const renewed = res.headers.get('refreshed-api-token') ?? ''
    const [, payload] = renewed.split('.')
    const claims = JSON.parse(atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/')))
    expect(claims).toMatchObject({ sub: 'alice', scope: 'api tasks:read', aud: audience })
    expect(claims.exp - claims.iat).toBe(300)
    expect((await app.request('/x', bearer(renewed))).status).toBe(200)
  })

  it('an issuer of another profile than the auth is refused when the table is built', () => {
    const auth = jwtAuth({ keys: localKeys([jwk]), algorithms: ['EdDSA'], audience, profile })
    const { defineRoute } = routeBuilders(auth)
    const route = defineRoute({ method: 'get', path: '/x', handler: (c) => c.text('') })
    const issuer = createIssuer({ privateJwk: jwk, profile: taskInstanceProfile })
    expect(() => routeTable(route, { auth, issuer })).toThrow(
      '"issuer" mints task-instance tokens, "auth" verifies access-token',
    )
  })
})
