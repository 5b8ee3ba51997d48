// What the third outside review broke (issue 19, items 2–7), one block per finding, each through
// the public API: the token cache after a key set outage, ownership on optional parameters, routes
// that can match one request, validators that throw, and keys given twice over.
import { type Context, Hono } from 'hono'
import {
  accessTokenProfile,
  jwtAuth,
  localKeys,
  routeBuilders,
  routeTable,
  TokenCache,
} from 'hono-scoped-jwt'
import { taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { discoveredKeys, remoteKeys } from 'hono-scoped-jwt/remote'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { appWith, bearer, claims, ed25519Signer, type Signer } from './helpers'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('2. a key set that comes back without a key: its tokens leave the cache', () => {
  // An endpoint serving `keys`, or failing when `down`.
  const endpoint = (keys: Signer['jwk'][]) => {
    const state = { keys, down: false }
    const fetch = async () => {
      if (state.down) throw new TypeError('connection refused')
      return Response.json({ keys: state.keys })
    }
    return { state, fetch: fetch as typeof globalThis.fetch }
  }

  // A token verified and cached, then the endpoint down past maxStaleness: a miss drops the set.
  const dropped = async () => {
    const old = await ed25519Signer()
    const ep = endpoint([old.jwk])
    const app = appWith({
      algorithms: ['EdDSA'],
      profile: taskInstanceProfile,
      keys: remoteKeys('https://keys.test/jwks.json', {
        timeoutDuration: 200,
        cooldownDuration: 100,
        cacheMaxAge: 50,
        maxStaleness: 200,
      }),
      fetch: ep.fetch,
      cache: new TokenCache({ maxAge: 60 }),
    })
    const call = async (token: string) => (await app.request('/x', bearer(token))).status
    const token = await old.token(claims())
    expect(await call(token)).toBe(200) // verified, cached
    ep.state.down = true
    await sleep(250)
    expect(await call(await old.token(claims({ jti: crypto.randomUUID() })))).toBe(503)
    return { ep, app, call, token }
  }

  it('unreachable past maxStaleness, back with another key: the old token gets 401', async () => {
    const { ep, app, call, token } = await dropped()
    const next = await ed25519Signer()
    ep.state.keys = [next.jwk]
    ep.state.down = false
    await sleep(120) // past the cooldown
    expect(await call(await next.token(claims()))).toBe(200)
    const res = await app.request('/x', bearer(token))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('No key matches the token')
  })

  it('while the set is dropped, the cached token is not served either (503)', async () => {
    const { call, token } = await dropped()
    expect(await call(token)).toBe(503)
  })
})

describe('3. self: on an optional path parameter', () => {
  const profile = accessTokenProfile({ claims: z.object({ org: z.string().optional() }) })

  const makeApp = async () => {
    const jwk = await generateSigningJwk('EdDSA')
    const audience = 'https://api.test'
    const auth = jwtAuth({ keys: localKeys([jwk]), algorithms: ['EdDSA'], audience, profile })
    const issuer = createIssuer({ privateJwk: jwk, audience, profile })
    const { defineGroup, defineRoute } = routeBuilders(auth)
    const orgs = defineRoute({
      method: 'get',
      path: '/orgs/:org?',
      scopes: ['self:org=org'],
      handler: (c) => c.json({ org: c.req.param('org') ?? null }),
    })
    const users = defineRoute({
      method: 'get',
      path: '/users/:user?',
      scopes: ['self:user'],
      handler: (c) => c.json({ user: c.req.param('user') ?? null }),
    })
    const table = routeTable(defineGroup({ path: '/', routes: [orgs, users] }), { auth })
    const app = table.mount(new Hono())
    const mint = (claims: Record<string, unknown> = {}) => issuer.mint({ sub: 'alice', claims })
    return { app, mint }
  }

  it('self:<param>=<claim>: parameter and claim both absent is 403, not a pass', async () => {
    const { app, mint } = await makeApp()
    const res = await app.request('/orgs', bearer(await mint()))
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({
      detail: "Token claim 'org' does not match path parameter 'org'",
    })
    expect(res.headers.get('www-authenticate')).toContain('scope="self:org=org"')
  })

  it('self:<param>=<claim>: the parameter absent, the claim present: 403', async () => {
    const { app, mint } = await makeApp()
    expect((await app.request('/orgs', bearer(await mint({ org: 'acme' })))).status).toBe(403)
  })

  it('self:<param>=<claim>: both present and equal: 200; different: 403', async () => {
    const { app, mint } = await makeApp()
    expect((await app.request('/orgs/acme', bearer(await mint({ org: 'acme' })))).status).toBe(200)
    expect((await app.request('/orgs/other', bearer(await mint({ org: 'acme' })))).status).toBe(403)
    expect((await app.request('/orgs/acme', bearer(await mint()))).status).toBe(403)
  })

  it('self:<param>: the parameter absent is 403 whatever the subject', async () => {
    const { app, mint } = await makeApp()
    const res = await app.request('/users', bearer(await mint()))
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({
      detail: "Token subject does not match path parameter 'user'",
    })
    expect((await app.request('/users/alice', bearer(await mint()))).status).toBe(200)
  })
})

describe('5. a validator that throws instead of reporting issues', () => {
  const makeApp = async (handler: () => Response) => {
    const jwk = await generateSigningJwk('EdDSA')
    const auth = jwtAuth({
      keys: localKeys([jwk]),
      algorithms: ['EdDSA'],
      profile: taskInstanceProfile,
    })
    const issuer = createIssuer({ privateJwk: jwk, profile: taskInstanceProfile })
    const { defineRoute } = routeBuilders(auth)
    const route = defineRoute({ method: 'post', path: '/v', validate: { json: z.json() }, handler })
    const app = routeTable(route, { auth }).mount(new Hono())
    const token = await issuer.mint({ sub: crypto.randomUUID() })
    const post = (body: string) =>
      app.request('/v', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      })
    return { app, post }
  }
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`

  it('JSON 100,000 deep under z.json(): 422 naming the body, not 500', async () => {
    const { post } = await makeApp(() => new Response('reached'))
    const res = await post(deep)
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({
      detail: [
        {
          loc: ['body'],
          msg: 'Could not be validated: too deeply nested or too large',
          type: 'value_error',
        },
      ],
    })
  })

  it("the handler's own RangeError is still a server error (500), not a 422", async () => {
    const { post } = await makeApp(() => {
      throw new RangeError('a bug in the handler')
    })
    expect((await post('[1]')).status).toBe(500)
  })
})

describe('4. routes that can match one request carry one policy', () => {
  const profile = accessTokenProfile()
  const signedAuth = async () =>
    jwtAuth({
      keys: localKeys([await generateSigningJwk('EdDSA')]),
      algorithms: ['EdDSA'],
      audience: 'https://api.test',
      profile,
    })
  const build = async (
    routes: { method?: 'get' | 'post'; path: string; scopes?: string[]; public?: boolean }[],
  ) => {
    const auth = await signedAuth()
    const { defineGroup, defineRoute } = routeBuilders(auth)
    const defs = routes.map((r) =>
      defineRoute({
        method: r.method ?? 'get',
        path: r.path,
        scopes: r.scopes ?? [],
        public: r.public ?? false,
        handler: (c: Context) => c.json({ route: r.path }),
      } as never),
    )
    return () => routeTable(defineGroup({ path: '/', routes: defs }), { auth })
  }
  const guarded = { path: '/files/secret', scopes: ['files:admin'] }

  it.each([
    ['a wildcard', '/files/*'],
    ['a parameter', '/files/:name'],
    ['a regex parameter', '/files/:name{[a-z]+}'],
    ['a regex parameter spanning segments', '/:path{.+}'],
    ['an optional parameter', '/files/:name?'],
    ['a wildcard inside a segment', '/files/sec*'],
  ])('%s, public, before a guarded route: a build error naming both', async (_, path) => {
    const table = await build([{ path, public: true }, guarded])
    expect(table).toThrow(
      `Routes can match the same request with different policies: GET ${path} (public) and GET /files/secret (scopes: files:admin)`,
    )
  })

  it('listed after the guarded route, or guarded differently: a build error too', async () => {
    expect(await build([guarded, { path: '/files/*', public: true }])).toThrow(/different policies/)
    expect(await build([{ path: '/files/*', scopes: ['files:read'] }, guarded])).toThrow(
      /GET \/files\/\* \(scopes: files:read\) and GET \/files\/secret/,
    )
  })

  it('HEAD is served by the GET route, ALL by every method: they meet GET', async () => {
    for (const method of ['head', 'all']) {
      const routes = [{ method: method as 'get', path: '/files/*', public: true }, guarded]
      expect(await build(routes)).toThrow(
        `${method.toUpperCase()} /files/* (public) and GET /files/secret (scopes: files:admin)`,
      )
    }
  })

  it('an optional parameter against the path without it', async () => {
    const table = await build([
      { path: '/docs/:page?', public: true },
      { path: '/docs', scopes: ['x'] },
    ])
    expect(table).toThrow(/GET \/docs\/:page\? \(public\) and GET \/docs \(scopes: x\)/)
  })

  it('what the old check let through is served without the guard', async () => {
    // On the code before this check, the public wildcard answered the guarded path, no token asked.
    const table = await build([{ path: '/files/*', public: true }, guarded])
    let app: Hono | undefined
    try {
      app = table().mount(new Hono())
    } catch {}
    if (app) expect((await app.request('/files/secret')).status).toBe(401)
  })

  it.each([
    ['the same scopes', [{ path: '/files/*', scopes: ['files:admin'] }, guarded]],
    ['other methods', [{ method: 'post' as const, path: '/files/*', public: true }, guarded]],
    ['two literals apart', [{ path: '/files/public', public: true }, guarded]],
    [
      'a regex parameter and a longer path',
      [
        { path: '/f/:id{[0-9]+}/raw', public: true },
        { path: '/f/1/x/y', scopes: ['x'] },
      ],
    ],
    [
      'lengths apart',
      [
        { path: '/files/:name', public: true },
        { path: '/files/a/b', scopes: ['x'] },
      ],
    ],
    [
      'both public',
      [
        { path: '/files/*', public: true },
        { path: '/files/x', public: true },
      ],
    ],
  ])('%s: builds', async (_, routes) => {
    expect(await build(routes)).not.toThrow()
  })

  it('a checker may read any parameter: with one, every parameter must sit alike', async () => {
    const auth = await signedAuth()
    const { defineGroup, defineRoute } = routeBuilders(auth)
    const route = (path: string) =>
      defineRoute({ method: 'get', path, scopes: ['team:member'], handler: (c) => c.json({}) })
    const checkers = { 'team:member': (c: Context) => c.req.param('team') === 'a' }
    const table = (paths: string[]) => () =>
      routeTable(defineGroup({ path: '/', routes: paths.map(route) }), { auth, checkers })
    expect(table(['/t/:team/files/:f', '/t/:other/:team/raw'])).toThrow(/different policies/)
    expect(table(['/t/:team/files/:f', '/t/:team/files/raw'])).toThrow(/different policies/)
    expect(table(['/t/:team/:f', '/t/:team/:f/*'])).not.toThrow()
  })

  it('ownership parameters at different positions are different policies', async () => {
    const scopes = ['self:user']
    const apart = await build([
      { path: '/u/:user/files/:file', scopes },
      { path: '/u/:owner/:kind/:user', scopes },
    ])
    expect(apart).toThrow(/different policies/)
    const aligned = await build([
      { path: '/u/:user/files/:file', scopes },
      { path: '/u/:user/:kind/raw', scopes },
    ])
    expect(aligned).not.toThrow()
  })
})

describe('7. discoveredKeys given a URL object', () => {
  // A provider at `issuer` serving its discovery document and key set through an injected fetch.
  const provider = (issuer: string, signer: Signer) =>
    (async (input: RequestInfo | URL) => {
      const url = String(input)
      if (url === `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`) {
        return Response.json({ issuer, jwks_uri: 'https://idp.test/jwks' })
      }
      if (url === 'https://idp.test/jwks') return Response.json({ keys: [signer.jwk] })
      return new Response('not found', { status: 404 })
    }) as typeof fetch

  const appFor = (issuer: string | URL, fetch: typeof globalThis.fetch) =>
    appWith({
      algorithms: ['EdDSA'],
      profile: taskInstanceProfile,
      keys: discoveredKeys(issuer),
      fetch,
    })

  it.each([
    ['https://idp.test', 'https://idp.test/'],
    ['https://idp.test/', 'https://idp.test/'],
  ])('new URL(%j): refused at creation, naming both spellings', async (text, href) => {
    const signer = await ed25519Signer()
    expect(() => appFor(new URL(text), provider('https://idp.test', signer))).toThrow(
      `"discoveredKeys" is a URL object, which always ends in "/" ("${href}"): give the issuer as a string, exactly as the provider's discovery document writes it ("https://idp.test" or "https://idp.test/")`,
    )
  })

  it('a URL object with a path: taken by its href, tokens verify', async () => {
    const signer = await ed25519Signer()
    const issuer = 'https://idp.test/realms/acme'
    const app = appFor(new URL(issuer), provider(issuer, signer))
    const res = await app.request('/x', bearer(await signer.token(claims({ iss: issuer }))))
    expect(res.status).toBe(200)
  })

  it('a string is kept exactly: no slash added, tokens verify', async () => {
    const signer = await ed25519Signer()
    const app = appFor('https://idp.test', provider('https://idp.test', signer))
    const token = await signer.token(claims({ iss: 'https://idp.test' }))
    expect((await app.request('/x', bearer(token))).status).toBe(200)
    const slashed = await signer.token(claims({ iss: 'https://idp.test/' }))
    expect((await app.request('/x', bearer(slashed))).status).toBe(401)
  })
})

describe('7. a secret that is a configured public key', () => {
  const b64 = (text: string) => text.replaceAll('-', '+').replaceAll('_', '/')
  const hexOf = (b64u: string) =>
    [...atob(b64(b64u))].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('')

  const keysOf = async () => {
    const rsa = await generateSigningJwk('RS256')
    const ec = await generateSigningJwk('ES256')
    const ed = await generateSigningJwk('EdDSA')
    const pub = (jwk: Record<string, unknown>) => {
      const { d: _, p: __, q: ___, dp: _a, dq: _b, qi: _c, ...rest } = jwk
      return rest as { kid: string; n?: string; x?: string; y?: string }
    }
    return { rsa, ec: pub(ec), ed: pub(ed) }
  }

  it.each([
    ['the modulus as base64url', (n: string) => n],
    [
      'the modulus as padded base64',
      (n: string) => `${b64(n)}==`.slice(0, Math.ceil(n.length / 4) * 4),
    ],
    ['the modulus as hex', (n: string) => hexOf(n)],
    [
      'the modulus as upper-case hex with 0x and a sign byte',
      (n: string) => `0x00${hexOf(n).toUpperCase()}`,
    ],
    ['the modulus as openssl prints it', (n: string) => `00:${hexOf(n).match(/../g)?.join(':')}`],
    [
      'the modulus as raw bytes',
      (n: string) => Uint8Array.from(atob(b64(n)), (c) => c.charCodeAt(0)),
    ],
  ])('a private RS256 JWK in localKeys, secret = %s: refused at creation', async (_, spell) => {
    const { rsa } = await keysOf()
    const secret = spell(rsa.n as string)
    expect(() =>
      jwtAuth({
        algorithms: ['RS256', 'HS512'],
        profile: taskInstanceProfile,
        keys: localKeys([rsa]),
        secret,
      }),
    ).toThrow(`"secret" holds the modulus ("n") of the public key "${rsa.kid}" in "localKeys"`)
  })

  it('localKeys EC and Ed25519: x or y (base64url, hex, with text after it) as the secret: refused', async () => {
    const { ec, ed } = await keysOf()
    const options = {
      algorithms: ['ES256', 'EdDSA', 'HS256'] as const,
      profile: taskInstanceProfile,
    }
    const cases: [string | Uint8Array, RegExp][] = [
      [`${ec.x}`, /coordinate "x" of the public key/],
      [hexOf(ec.y as string), /coordinate "y"/],
      [
        `${ed.x}${'A'.repeat(20)}`,
        new RegExp(`coordinate "x" of the public key "${ed.kid}" in "localKeys"`),
      ],
    ]
    for (const [secret, message] of cases) {
      expect(() => jwtAuth({ ...options, keys: localKeys([ec, ed]), secret })).toThrow(message)
    }
  })

  it('previousSecret is held to the same rule', async () => {
    const { rsa } = await keysOf()
    expect(() =>
      jwtAuth({
        algorithms: ['RS256', 'HS512'],
        profile: taskInstanceProfile,
        keys: localKeys([rsa]),
        secret: crypto.getRandomValues(new Uint8Array(64)),
        previousSecret: hexOf(rsa.n as string),
        previousSecretUntil: new Date(Date.now() + 60_000),
      }),
    ).toThrow(/"previousSecret" holds the modulus \("n"\)/)
  })

  it('a random secret beside the same keys is accepted', async () => {
    const { rsa, ec } = await keysOf()
    const secret = [...crypto.getRandomValues(new Uint8Array(64))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('')
    expect(() =>
      jwtAuth({
        algorithms: ['RS256', 'ES256', 'HS512'],
        profile: taskInstanceProfile,
        keys: localKeys([rsa, ec]),
        secret,
      }),
    ).not.toThrow()
  })
})
