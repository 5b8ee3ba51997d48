// The challenge of every refusal on a DPoP-required and a DPoP-optional route (RFC 9449 §7.1),
// through app.request() in workerd: a route that requires DPoP answers under `DPoP` whatever the
// request sent; an optional one offers both schemes when it refuses a bearer token. And the
// server nonce a successful answer hands out when the proof's is no longer current (§8.2).
import { Hono } from 'hono'
import type { DpopOptions } from 'hono-scoped-jwt/dpop'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { routeBuilders, routeTable } from '../../src/index'
import { dpopAuthFor, dpopClient, dpopHeaders } from './dpop-helpers'

const origin = 'https://api.example'
const iss = 'https://issuer.example'
const signing = await generateKeyPair('ES256', { extractable: true })
const publicJwk = { ...(await exportJWK(signing.publicKey)), alg: 'ES256', kid: 'as' }
const client = await dpopClient('ES256')
const now = () => Math.floor(Date.now() / 1000)

const token = (claims: Record<string, unknown> = {}) =>
  new SignJWT({ sub: 'c1', iss, aud: 'api', iat: now(), exp: now() + 300, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'as', typ: 'at+jwt' })
    .sign(signing.privateKey)
const expired = { exp: now() - 60 }
const bound = { cnf: { jkt: client.jkt } }

/** `/api/any` (the auth's mode), `/api/strict` (required), `/api/open` (optional), `/api/legacy` (off), each needing `read`. */
const appWith = (dpop: DpopOptions) => {
  const auth = dpopAuthFor(publicJwk, iss, dpop)
  const { defineGroup, defineRoute } = routeBuilders(auth)
  const route = (path: string, mode: 'required' | 'optional' | 'off') =>
    defineRoute({
      method: 'get',
      path,
      scopes: ['read', `dpop:${mode}` as const],
      handler: (c) => c.text('ok'),
    })
  const routes = defineGroup({
    path: '/api',
    routes: [
      defineRoute({ method: 'get', path: '/any', scopes: ['read'], handler: (c) => c.text('ok') }),
      route('/strict', 'required'),
      route('/open', 'optional'),
      route('/legacy', 'off'),
    ],
  })
  return routeTable(routes, { auth }).mount(new Hono())
}

type App = ReturnType<typeof appWith>
/** Anything requests can be sent to: an app, typed or not. */
interface Target {
  request: (url: string, init?: RequestInit) => Response | Promise<Response>
}
const bearer = (app: App, path: string, value: string) =>
  app.request(`${origin}${path}`, { headers: { authorization: value } })
const dpop = async (app: App, path: string, access: string) => {
  const proof = await client.proof({ htm: 'GET', htu: `${origin}${path}`, token: access })
  return app.request(`${origin}${path}`, { headers: dpopHeaders(access, proof) })
}
const answer = async (res: Response) => [res.status, res.headers.get('www-authenticate')]

const algs = 'algs="ES256 EdDSA Ed25519"'
const expiredParams = 'error="invalid_token", error_description="The access token expired"'
const malformed =
  'error="invalid_request", error_description="The authorization header must be one Bearer token"'

describe.each([
  ['a dpop:required route', {}, '/api/strict'],
  ['every route of an auth with mode required', { mode: 'required' } as const, '/api/any'],
])('%s answers every refusal under DPoP alone', (_, options, path) => {
  const app = appWith(options)

  it('an expired or badly signed bearer token: DPoP invalid_token', async () => {
    const old = await bearer(app, path, `Bearer ${await token({ ...expired, scope: 'read' })}`)
    expect(await answer(old)).toEqual([401, `DPoP realm="api", ${expiredParams}, ${algs}`])
    const forged = `Bearer ${(await token({ scope: 'read' })).slice(0, -4)}AAAA`
    const bad = await answer(await bearer(app, path, forged))
    expect(bad[0]).toBe(401)
    expect(bad[1]).toMatch(/^DPoP realm="api", error="invalid_token", .*algs="/)
  })

  it('a malformed bearer header: 400 DPoP invalid_request', async () => {
    const res = await bearer(app, path, 'Bearer a b')
    expect(await answer(res)).toEqual([400, `DPoP realm="api", ${malformed}, ${algs}`])
  })

  it('a valid bearer token, a bound one as Bearer, none: DPoP', async () => {
    const plain = await bearer(app, path, `Bearer ${await token({ scope: 'read' })}`)
    expect(await answer(plain)).toEqual([401, `DPoP realm="api", ${algs}`])
    const downgrade = await bearer(app, path, `Bearer ${await token({ ...bound, scope: 'read' })}`)
    expect((await answer(downgrade))[1]).toMatch(/^DPoP realm="api", error="invalid_token"/)
    const none = await app.request(`${origin}${path}`)
    expect(await answer(none)).toEqual([401, `DPoP realm="api", ${algs}`])
  })

  it('an expired DPoP token, a missing scope: DPoP', async () => {
    const old = await dpop(app, path, await token({ ...bound, ...expired, scope: 'read' }))
    expect(await answer(old)).toEqual([401, `DPoP realm="api", ${expiredParams}, ${algs}`])
    const unscoped = await dpop(app, path, await token(bound))
    expect(await answer(unscoped)).toEqual([
      403,
      `DPoP realm="api", error="insufficient_scope", scope="read", ${algs}`,
    ])
    expect((await dpop(app, path, await token({ ...bound, scope: 'read' }))).status).toBe(200)
  })
})

describe.each([
  ['a dpop:optional route of a required auth', { mode: 'required' } as const, '/api/open'],
  ['a route of an optional auth', {}, '/api/any'],
])('%s offers both challenges when it refuses a bearer token', (_, options, path) => {
  const app = appWith(options)

  it('expired, malformed, missing scope: Bearer with the error, then DPoP', async () => {
    const old = await bearer(app, path, `Bearer ${await token({ ...expired, scope: 'read' })}`)
    expect(await answer(old)).toEqual([
      401,
      `Bearer realm="api", ${expiredParams}, DPoP realm="api", ${algs}`,
    ])
    const broken = await bearer(app, path, 'Bearer a b')
    expect(await answer(broken)).toEqual([
      400,
      `Bearer realm="api", ${malformed}, DPoP realm="api", ${algs}`,
    ])
    const unscoped = await bearer(app, path, `Bearer ${await token()}`)
    expect(await answer(unscoped)).toEqual([
      403,
      `Bearer realm="api", error="insufficient_scope", scope="read", DPoP realm="api", ${algs}`,
    ])
    expect((await bearer(app, path, `Bearer ${await token({ scope: 'read' })}`)).status).toBe(200)
  })

  it('a DPoP request is refused under DPoP alone: its client holds a key', async () => {
    const old = await dpop(app, path, await token({ ...bound, ...expired, scope: 'read' }))
    expect(await answer(old)).toEqual([401, `DPoP realm="api", ${expiredParams}, ${algs}`])
  })
})

describe('a dpop:off route of a required auth answers under Bearer alone', () => {
  const app = appWith({ mode: 'required' })

  it('expired, malformed', async () => {
    const old = await bearer(
      app,
      '/api/legacy',
      `Bearer ${await token({ ...expired, scope: 'read' })}`,
    )
    expect(await answer(old)).toEqual([401, `Bearer realm="api", ${expiredParams}`])
    const broken = await bearer(app, '/api/legacy', 'Bearer a b')
    expect((await answer(broken))[1]).toMatch(/^Bearer realm="api", error="invalid_request"/)
  })
})

describe('a successful answer sends the current DPoP-Nonce when the proof had an older one', () => {
  // `n-1` is still accepted but `n-2` is current, as with hmacNonces after a period turns.
  const nonces = { current: () => 'n-2', accepts: (n: string) => n === 'n-1' || n === 'n-2' }
  const withNonce = async (app: Target, path: string, nonce: string) => {
    const access = await token({ ...bound, scope: 'read' })
    const proof = await client.proof({
      htm: 'GET',
      htu: `${origin}${path}`,
      token: access,
      claims: { nonce },
    })
    return app.request(`${origin}${path}`, { headers: dpopHeaders(access, proof) })
  }

  it('through the route table, on every mode that takes DPoP', async () => {
    const app = appWith({ nonces })
    for (const path of ['/api/any', '/api/strict']) {
      const old = await withNonce(app, path, 'n-1')
      expect([old.status, old.headers.get('dpop-nonce')]).toEqual([200, 'n-2'])
      const current = await withNonce(app, path, 'n-2')
      expect([current.status, current.headers.get('dpop-nonce')]).toEqual([200, null])
    }
  })

  it('through the middleware alone, even on a response the handler made itself', async () => {
    const auth = dpopAuthFor(publicJwk, iss, { nonces })
    const app = new Hono().use('/api/*', auth).get('/api/raw', () => new Response('raw'))
    const old = await withNonce(app, '/api/raw', 'n-1')
    expect([old.status, old.headers.get('dpop-nonce')]).toEqual([200, 'n-2'])
  })
})
