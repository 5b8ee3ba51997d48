// DPoP (RFC 9449) through app.request() in workerd: a bound token reaches the handler only with a
// valid, fresh, matching proof; every refusal, its status and its challenge; the modes per table,
// per route and per middleware. Proofs and tokens are signed by jose with keys made here.
import { type Env, Hono } from 'hono'
import { type DpopOptions, dpop, hmacNonces, MemoryReplayStore } from 'hono-scoped-jwt/dpop'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it, vi } from 'vitest'
import { accessTokenProfile, jwtAuth, localKeys, routeBuilders, routeTable } from '../../src/index'
import { athOf, type DpopClient, dpopClient, dpopHeaders } from './dpop-helpers'

const origin = 'https://api.example'
const issuer = 'https://issuer.example'
const audience = 'https://api.example/'
const profile = accessTokenProfile()
const signing = await generateKeyPair('ES256', { extractable: true })
const publicJwk = { ...(await exportJWK(signing.publicKey)), alg: 'ES256', kid: 'as' }
const es256 = await dpopClient('ES256')
const ed25519 = await dpopClient('EdDSA')
const other = await dpopClient('ES256')

/** An access token, bound to `jkt` when given. */
const token = (jkt?: string, claims: Record<string, unknown> = {}) => {
  const iat = Math.floor(Date.now() / 1000)
  const bound = jkt ? { cnf: { jkt } } : {}
  return new SignJWT({
    sub: 'client-1',
    iss: issuer,
    aud: audience,
    iat,
    exp: iat + 300,
    ...bound,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'as', typ: 'at+jwt' })
    .sign(signing.privateKey)
}

const ok = (c: { json: (v: unknown) => Response; var: { token: { sub: string } } }) =>
  c.json({ sub: c.var.token.sub })
const { defineGroup, defineRoute } = routeBuilders<Env, typeof profile>()

/** The auth middleware of these tests: the issuer's key, issuer and audience, and `dpop(options)`. */
const dpopAuth = (options?: DpopOptions) =>
  jwtAuth({
    keys: localKeys([publicJwk]),
    algorithms: ['ES256'],
    issuer,
    audience,
    profile,
    dpop: options && dpop(options),
  })

/** A table: `/api/any` (the auth's mode), `/api/strict` (required), `/api/legacy` (off). */
const tableApp = (options?: DpopOptions) => {
  const auth = dpopAuth(options)
  const routes = defineGroup({
    path: '/api',
    routes: [
      defineRoute({ method: 'get', path: '/any', handler: ok }),
      // Without the dpop option, `dpop:required` is a build error (tested below).
      ...(options
        ? [defineRoute({ method: 'post', path: '/strict', scopes: ['dpop:required'], handler: ok })]
        : []),
      defineRoute({ method: 'get', path: '/legacy', scopes: ['dpop:off'], handler: ok }),
    ],
  })
  return routeTable(routes, { auth }).mount(new Hono())
}

/** Anything requests can be sent to: an app, typed or not. */
interface Target {
  request: (url: string, init?: RequestInit) => Response | Promise<Response>
}

const app: Target = tableApp({})

/** A DPoP request to `path` with a proof made from `parts`, through `target`. */
const send = async (
  path: string,
  access: string,
  client: DpopClient = es256,
  parts: Partial<Parameters<DpopClient['proof']>[0]> = {},
  method = path.endsWith('strict') ? 'POST' : 'GET',
  target: Target = app,
) => {
  const proof = await client.proof({
    htm: method,
    htu: `${origin}${path}`,
    token: access,
    ...parts,
  })
  return target.request(`${origin}${path}`, { method, headers: dpopHeaders(access, proof) })
}

const challenge = (res: Response) => res.headers.get('www-authenticate')

/** Status, `detail` and the challenge's error code of a refusal. */
const refusal = async (res: Response) => ({
  status: res.status,
  detail: ((await res.json()) as { detail: string }).detail,
  error: /error="([^"]+)"/.exec(challenge(res) ?? '')?.[1],
})

describe('a DPoP-bound token with a valid proof reaches the handler', () => {
  it.each([es256, ed25519])('proof in $alg', async (client) => {
    const res = await send('/api/any', await token(client.jkt), client)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: 'client-1' })
  })

  it('htu ignores the query and fragment of both sides; the scheme is case-insensitive', async () => {
    const access = await token(es256.jkt)
    const proof = await es256.proof({ htm: 'GET', htu: `${origin}/api/any#x`, token: access })
    const res = await app.request(`${origin}/api/any?page=2`, {
      headers: { authorization: `dpop ${access}`, dpop: proof },
    })
    expect(res.status).toBe(200)
  })
})

describe('every refusal is a 401 with a DPoP challenge naming the algorithms', () => {
  const proofRefusal = (description: RegExp) => ({
    status: 401,
    detail: 'Invalid DPoP proof',
    error: 'invalid_dpop_proof',
    description,
  })
  const cases: [string, () => Promise<Response>, ReturnType<typeof proofRefusal>][] = [
    [
      'no DPoP header',
      async () =>
        app.request(`${origin}/api/any`, {
          headers: { authorization: `DPoP ${await token(es256.jkt)}` },
        }),
      proofRefusal(/missing/),
    ],
    [
      'two DPoP headers',
      async () => {
        const access = await token(es256.jkt)
        const proof = await es256.proof({ htm: 'GET', htu: `${origin}/api/any`, token: access })
        const headers = new Headers({ authorization: `DPoP ${access}` })
        headers.append('dpop', proof)
        headers.append('dpop', proof)
        return app.request(`${origin}/api/any`, { headers })
      },
      proofRefusal(/one proof/),
    ],
    [
      'wrong htm',
      async () => send('/api/any', await token(es256.jkt), es256, { htm: 'POST' }),
      proofRefusal(/htm/),
    ],
    [
      'wrong htu (another path)',
      async () => send('/api/any', await token(es256.jkt), es256, { htu: `${origin}/api/other` }),
      proofRefusal(/htu/),
    ],
    [
      'wrong htu (another origin)',
      async () =>
        send('/api/any', await token(es256.jkt), es256, { htu: 'https://evil.example/api/any' }),
      proofRefusal(/htu/),
    ],
    [
      'old iat',
      async () => send('/api/any', await token(es256.jkt), es256, { age: 120 }),
      proofRefusal(/too old/),
    ],
    [
      'iat in the future',
      async () => send('/api/any', await token(es256.jkt), es256, { age: -60 }),
      proofRefusal(/future/),
    ],
    [
      'wrong ath (another token)',
      async () =>
        send('/api/any', await token(es256.jkt), es256, { token: await token(es256.jkt) }),
      proofRefusal(/ath/),
    ],
    [
      'no ath',
      async () => send('/api/any', await token(es256.jkt), es256, { token: undefined }),
      proofRefusal(/ath/),
    ],
    [
      'a private jwk in the proof',
      async () =>
        send('/api/any', await token(es256.jkt), es256, { header: { jwk: es256.privateJwk } }),
      proofRefusal(/private/),
    ],
    [
      'no jwk in the proof',
      async () => send('/api/any', await token(es256.jkt), es256, { header: { jwk: undefined } }),
      proofRefusal(/jwk/),
    ],
    [
      'typ not dpop+jwt',
      async () => send('/api/any', await token(es256.jkt), es256, { header: { typ: 'JWT' } }),
      proofRefusal(/typ/),
    ],
    [
      'symmetric alg (HS256)',
      async () => {
        const access = await token(es256.jkt)
        const key = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!')
        const proof = await new SignJWT({
          jti: crypto.randomUUID(),
          htm: 'GET',
          htu: `${origin}/api/any`,
          ath: await athOf(access),
        })
          .setProtectedHeader({
            alg: 'HS256',
            typ: 'dpop+jwt',
            jwk: { kty: 'oct', k: 'YWJj' } as never,
          })
          .setIssuedAt()
          .sign(key)
        return app.request(`${origin}/api/any`, { headers: dpopHeaders(access, proof) })
      },
      proofRefusal(/algorithm/),
    ],
    [
      'alg not in the allow-list (PS256)',
      async () => {
        const rsa = await dpopClient('PS256')
        return send('/api/any', await token(rsa.jkt), rsa)
      },
      proofRefusal(/algorithm/),
    ],
    [
      'bad signature (signed by another key than its jwk)',
      async () => send('/api/any', await token(es256.jkt), other, { header: { jwk: es256.jwk } }),
      proofRefusal(/signature/),
    ],
  ]
  it.each(cases)('%s', async (_, request, expected) => {
    const res = await request()
    const { description, ...rest } = expected
    expect(await refusal(res)).toEqual(rest)
    expect(challenge(res)).toMatch(
      /^DPoP realm="api", error="invalid_dpop_proof", error_description="[^"]+", algs="ES256 EdDSA Ed25519"$/,
    )
    expect(challenge(res)).toMatch(description)
  })

  it('a replayed proof (same jti) is refused; the first use passed', async () => {
    const access = await token(es256.jkt)
    const proof = await es256.proof({ htm: 'GET', htu: `${origin}/api/any`, token: access })
    const first = await app.request(`${origin}/api/any`, { headers: dpopHeaders(access, proof) })
    expect(first.status).toBe(200)
    const again = await app.request(`${origin}/api/any`, { headers: dpopHeaders(access, proof) })
    expect(await refusal(again)).toEqual({
      status: 401,
      detail: 'Invalid DPoP proof',
      error: 'invalid_dpop_proof',
    })
    expect(challenge(again)).toMatch(/already used/)
  })

  it('a refused proof does not use up its jti', async () => {
    const access = await token(es256.jkt)
    const proof = await es256.proof({ htm: 'GET', htu: `${origin}/api/any`, token: access })
    const wrongToken = await token(other.jkt)
    expect(
      (await app.request(`${origin}/api/any`, { headers: dpopHeaders(wrongToken, proof) })).status,
    ).toBe(401)
    expect(
      (await app.request(`${origin}/api/any`, { headers: dpopHeaders(access, proof) })).status,
    ).toBe(200)
  })

  it.each([
    ['bound to another key (wrong jkt)', () => token(other.jkt), /another key/],
    ['not bound at all (no cnf.jkt)', () => token(), /not DPoP-bound/],
  ])('a token %s: invalid_token', async (_, make, description) => {
    const res = await send('/api/any', await make())
    expect(await refusal(res)).toEqual({
      status: 401,
      detail: 'Invalid auth token',
      error: 'invalid_token',
    })
    expect(challenge(res)).toMatch(/^DPoP realm="api", error="invalid_token"/)
    expect(challenge(res)).toMatch(description)
  })

  it('the token itself refused (expired) keeps its code, under the DPoP scheme', async () => {
    const expired = await token(es256.jkt, { exp: Math.floor(Date.now() / 1000) - 60 })
    const res = await send('/api/any', expired)
    expect(await refusal(res)).toEqual({
      status: 401,
      detail: 'Invalid auth token: expired',
      error: 'invalid_token',
    })
    expect(challenge(res)).toBe(
      'DPoP realm="api", error="invalid_token", error_description="The access token expired", algs="ES256 EdDSA Ed25519"',
    )
  })

  it('DPoP with no token is a 400 invalid_request', async () => {
    const res = await app.request(`${origin}/api/any`, {
      headers: { authorization: 'DPoP', dpop: 'a.b.c' },
    })
    expect(await refusal(res)).toEqual({
      status: 400,
      detail: 'Malformed authorization header',
      error: 'invalid_request',
    })
  })
})

describe('no downgrade: a DPoP-bound token sent as Bearer is refused', () => {
  it.each(['/api/any', '/api/legacy'])('on %s (DPoP optional, and bearer only)', async (path) => {
    const res = await app.request(`${origin}${path}`, {
      headers: { authorization: `Bearer ${await token(es256.jkt)}` },
    })
    expect(await refusal(res)).toEqual({
      status: 401,
      detail: 'Invalid auth token',
      error: 'invalid_token',
    })
    expect(challenge(res)).toMatch(/bound to a key: send it with the DPoP scheme/)
  })

  it('a token bound another way (mTLS, cnf.x5t#S256) is not taken as a bearer token either', async () => {
    const mtls = await token(undefined, {
      cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
    })
    for (const target of [app, tableApp(undefined)]) {
      const res = await target.request(`${origin}/api/any`, {
        headers: { authorization: `Bearer ${mtls}` },
      })
      expect(await refusal(res)).toEqual({
        status: 401,
        detail: 'Invalid auth token',
        error: 'invalid_token',
      })
    }
  })

  it('by an auth without the dpop option too', async () => {
    const plain = tableApp(undefined)
    const res = await plain.request(`${origin}/api/any`, {
      headers: { authorization: `Bearer ${await token(es256.jkt)}` },
    })
    expect(await refusal(res)).toEqual({
      status: 401,
      detail: 'Invalid auth token',
      error: 'invalid_token',
    })
    expect(challenge(res)).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="The token is bound to a key/,
    )
  })
})

describe('modes', () => {
  const bearer = async (path: string, target: Target = app, method = 'GET') =>
    target.request(`${origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token()}` },
    })

  it('optional (the default): an unbound bearer token and a bound DPoP token both pass', async () => {
    expect((await bearer('/api/any')).status).toBe(200)
    expect((await send('/api/any', await token(es256.jkt))).status).toBe(200)
    const missing = await app.request(`${origin}/api/any`)
    expect(await refusal(missing)).toEqual({
      status: 401,
      detail: 'Missing auth token',
      error: undefined,
    })
    expect(challenge(missing)).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA Ed25519"',
    )
  })

  it('required on a route (dpop:required): a bearer token gets the DPoP challenge, a DPoP token passes', async () => {
    const res = await bearer('/api/strict', app, 'POST')
    expect(await refusal(res)).toEqual({
      status: 401,
      detail: 'DPoP-bound token required',
      error: undefined,
    })
    expect(challenge(res)).toBe('DPoP realm="api", algs="ES256 EdDSA Ed25519"')
    const missing = await app.request(`${origin}/api/strict`, { method: 'POST' })
    expect(challenge(missing)).toBe('DPoP realm="api", algs="ES256 EdDSA Ed25519"')
    expect((await send('/api/strict', await token(es256.jkt))).status).toBe(200)
  })

  it('off on a route (dpop:off): a bearer token passes, a DPoP-bound one is refused', async () => {
    expect((await bearer('/api/legacy')).status).toBe(200)
    const res = await send('/api/legacy', await token(es256.jkt))
    expect(await refusal(res)).toEqual({
      status: 401,
      detail: 'Invalid auth token',
      error: 'invalid_token',
    })
    const missing = await app.request(`${origin}/api/legacy`)
    expect(challenge(missing)).toBe('Bearer realm="api"')
  })

  it('required for the table, a route relaxes it to optional', async () => {
    const auth = dpopAuth({ mode: 'required' })
    const strict = routeTable(
      defineGroup({
        path: '/api',
        routes: [
          defineRoute({ method: 'get', path: '/any', handler: ok }),
          defineRoute({ method: 'get', path: '/legacy', scopes: ['dpop:optional'], handler: ok }),
        ],
      }),
      { auth },
    ).mount(new Hono())
    const res = await bearer('/api/any', strict)
    expect(res.status).toBe(401)
    expect(challenge(res)).toBe('DPoP realm="api", algs="ES256 EdDSA Ed25519"')
    expect((await send('/api/any', await token(es256.jkt), es256, {}, 'GET', strict)).status).toBe(
      200,
    )
    expect((await bearer('/api/legacy', strict)).status).toBe(200)
    expect(challenge(await strict.request(`${origin}/api/legacy`))).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA Ed25519"',
    )
  })

  it('required on the middleware alone (app.use)', async () => {
    const auth = dpopAuth({ mode: 'required', algorithms: ['EdDSA'] })
    const plain = new Hono()
      .use('/api/*', auth)
      .get('/api/any', (c) => c.json({ sub: c.var.token.sub }))
    const res = await bearer('/api/any', plain)
    expect(challenge(res)).toBe('DPoP realm="api", algs="EdDSA"')
    expect(
      (await send('/api/any', await token(ed25519.jkt), ed25519, {}, 'GET', plain)).status,
    ).toBe(200)
    // ES256 is not among this middleware's proof algorithms.
    expect(
      await refusal(await send('/api/any', await token(es256.jkt), es256, {}, 'GET', plain)),
    ).toMatchObject({ error: 'invalid_dpop_proof' })
  })

  it('without the dpop option, the DPoP scheme is not taken (401, Bearer challenge)', async () => {
    const plain = tableApp(undefined)
    const res = await send('/api/any', await token(es256.jkt), es256, {}, 'GET', plain)
    expect(await refusal(res)).toEqual({
      status: 401,
      detail: 'Missing auth token',
      error: undefined,
    })
    expect(challenge(res)).toBe('Bearer realm="api"')
  })

  it('a dpop: scope without the dpop option, or an unknown mode, fails when the table is built', () => {
    const plain = jwtAuth({
      keys: localKeys([publicJwk]),
      algorithms: ['ES256'],
      audience: false,
      profile,
    })
    const strict = defineRoute({
      method: 'get',
      path: '/x',
      scopes: ['dpop:required'],
      handler: ok,
    })
    expect(() => routeTable(strict, { auth: plain } as never)).toThrow(
      /needs jwtAuth's "dpop" option/,
    )
    const bogus = defineRoute({
      method: 'get',
      path: '/x',
      scopes: ['dpop:maybe' as 'dpop:off'],
      handler: ok,
    })
    expect(() => routeTable(bogus, { auth: plain } as never)).toThrow(
      /Unknown DPoP mode "dpop:maybe"/,
    )
  })
})

describe('once per request, and policy refusals', () => {
  it('the middleware in front of the table and the guard share one verification (one jti use)', async () => {
    const auth = dpopAuth({})
    const { defineRoute: route } = routeBuilders(auth)
    const both = routeTable(route({ method: 'get', path: '/api/any', handler: ok }), {
      auth,
    }).mount(new Hono().use('/api/*', auth))
    expect((await send('/api/any', await token(es256.jkt), es256, {}, 'GET', both)).status).toBe(
      200,
    )
  })

  it('a scope the DPoP-bound token lacks: 403 insufficient_scope under the DPoP scheme', async () => {
    const auth = dpopAuth({})
    const { defineRoute: route } = routeBuilders(auth)
    const scoped = routeTable(
      route({ method: 'get', path: '/api/any', scopes: ['reports:read'], handler: ok }),
      { auth },
    ).mount(new Hono())
    const res = await send('/api/any', await token(es256.jkt), es256, {}, 'GET', scoped)
    expect(res.status).toBe(403)
    expect(challenge(res)).toBe(
      'DPoP realm="api", error="insufficient_scope", scope="reports:read", algs="ES256 EdDSA Ed25519"',
    )
    const granted = await send(
      '/api/any',
      await token(es256.jkt, { scope: 'reports:read' }),
      es256,
      {},
      'GET',
      scoped,
    )
    expect(granted.status).toBe(200)
    const bearer = await scoped.request(`${origin}/api/any`, {
      headers: { authorization: `Bearer ${await token()}` },
    })
    expect(challenge(bearer)).toMatch(/^Bearer realm="api", error="insufficient_scope"/)
  })
})

describe('options', () => {
  it('origin: htu names the public origin, not the one the server sees behind a proxy', async () => {
    const proxied = tableApp({ origin: 'https://public.example' })
    const access = await token(es256.jkt)
    const proof = await es256.proof({
      htm: 'GET',
      htu: 'https://public.example/api/any',
      token: access,
    })
    const res = await proxied.request('http://10.0.0.7:8080/api/any', {
      headers: dpopHeaders(access, proof),
    })
    expect(res.status).toBe(200)
    expect((await send('/api/any', await token(es256.jkt), es256, {}, 'GET', proxied)).status).toBe(
      401,
    )
  })

  it('headerName and leeway of the middleware apply to DPoP requests too', async () => {
    const auth = jwtAuth({
      keys: localKeys([publicJwk]),
      algorithms: ['ES256'],
      issuer,
      audience,
      profile,
      headerName: 'x-auth',
      leeway: 0,
      dpop: dpop(),
    })
    const custom = new Hono().use('/api/*', auth).get('/api/any', (c) => c.text('ok'))
    const access = await token(es256.jkt)
    const proof = (age: number) =>
      es256.proof({ htm: 'GET', htu: `${origin}/api/any`, token: access, age: -age })
    const call = async (age: number) =>
      custom.request(`${origin}/api/any`, {
        headers: { 'x-auth': `DPoP ${access}`, dpop: await proof(age) },
      })
    expect((await call(0)).status).toBe(200)
    // Five seconds ahead: within the default leeway of 10 s, not within 0.
    expect(await refusal(await call(5))).toMatchObject({ status: 401, error: 'invalid_dpop_proof' })
  })

  it('maxAge: the window a proof is fresh in', async () => {
    const short = tableApp({ maxAge: 5 })
    expect(
      (await send('/api/any', await token(es256.jkt), es256, { age: 20 }, 'GET', short)).status,
    ).toBe(401)
    expect(
      (await send('/api/any', await token(es256.jkt), es256, { age: 3 }, 'GET', short)).status,
    ).toBe(200)
  })

  it('a shared replay store sees proofs from every middleware using it', async () => {
    const replayStore = new MemoryReplayStore()
    const [a, b] = [tableApp({ replayStore }), tableApp({ replayStore })]
    const access = await token(es256.jkt)
    const proof = await es256.proof({ htm: 'GET', htu: `${origin}/api/any`, token: access })
    expect(
      (await a.request(`${origin}/api/any`, { headers: dpopHeaders(access, proof) })).status,
    ).toBe(200)
    expect(
      (await b.request(`${origin}/api/any`, { headers: dpopHeaders(access, proof) })).status,
    ).toBe(401)
    expect(replayStore.size).toBe(1)
  })

  it('the memory store stays within maxEntries', () => {
    const store = new MemoryReplayStore({ maxEntries: 3 })
    for (const id of ['a', 'b', 'c', 'd']) expect(store.firstUse(id, 2e9)).toBe(true)
    expect(store.size).toBe(3)
    expect(store.firstUse('d', 2e9)).toBe(false)
  })

  it('nonces: a proof without the server nonce gets use_dpop_nonce and DPoP-Nonce; with it, passes', async () => {
    const nonces = { current: () => 'n-1', accepts: (nonce: string) => nonce === 'n-1' }
    const withNonce = tableApp({ nonces })
    const res = await send('/api/any', await token(es256.jkt), es256, {}, 'GET', withNonce)
    expect(await refusal(res)).toEqual({
      status: 401,
      detail: 'DPoP nonce required',
      error: 'use_dpop_nonce',
    })
    expect(res.headers.get('dpop-nonce')).toBe('n-1')
    const again = await send(
      '/api/any',
      await token(es256.jkt),
      es256,
      { claims: { nonce: 'n-1' } },
      'GET',
      withNonce,
    )
    expect(again.status).toBe(200)
  })

  it('hmacNonces: handed out per period, accepted for one more, shared by every middleware with the secret', async () => {
    const secret = 'a-nonce-secret-of-at-least-32-bytes!'
    const [a, b] = [
      tableApp({ nonces: hmacNonces({ secret, lifetime: 60 }) }),
      tableApp({ nonces: hmacNonces({ secret, lifetime: 60 }) }),
    ]
    const first = await send('/api/any', await token(es256.jkt), es256, {}, 'GET', a)
    expect(await refusal(first)).toMatchObject({ status: 401, error: 'use_dpop_nonce' })
    const nonce = first.headers.get('dpop-nonce') as string
    expect(nonce).toMatch(/^[0-9a-z]+\.[\w-]{43}$/)
    for (const target of [a, b]) {
      const res = await send(
        '/api/any',
        await token(es256.jkt),
        es256,
        { claims: { nonce } },
        'GET',
        target,
      )
      expect(res.status).toBe(200)
    }
    const forged = `${nonce.split('.')[0]}.${'A'.repeat(43)}`
    const res = await send(
      '/api/any',
      await token(es256.jkt),
      es256,
      { claims: { nonce: forged } },
      'GET',
      a,
    )
    expect(await refusal(res)).toMatchObject({ error: 'use_dpop_nonce' })
    expect(res.headers.get('dpop-nonce')).toBe(nonce)
  })

  it('hmacNonces: a nonce two periods old is refused', async () => {
    const nonces = hmacNonces({ secret: 'a-nonce-secret-of-at-least-32-bytes!', lifetime: 60 })
    const nonce = await nonces.current()
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 60_000)
      expect(await nonces.accepts(nonce)).toBe(true)
      vi.setSystemTime(Date.now() + 60_000)
      expect(await nonces.accepts(nonce)).toBe(false)
      expect(await nonces.current()).not.toBe(nonce)
    } finally {
      vi.useRealTimers()
    }
    expect(() => hmacNonces({ secret: 'short' })).toThrow(/32 bytes/)
  })

  it.each([
    [{ algorithms: ['HS256'] }, /asymmetric/],
    [{ algorithms: [] }, /asymmetric/],
    [{ mode: 'off' }, /"dpop.mode"/],
    [{ origin: 'https://api.example/base' }, /"dpop.origin"/],
    [{ maxAge: 0 }, /"dpop.maxAge"/],
  ])('bad options throw when dpop() is called: %o', (options, message) => {
    expect(() => dpop(options as DpopOptions)).toThrow(message)
  })
})
