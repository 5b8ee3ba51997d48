// Several issuers in the route table (iss:<name> scopes), their configuration errors, and one
// issuer as before, through app.request() in workerd.
import { Hono } from 'hono'
import { trustedIssuers } from 'hono-scoped-jwt/issuers'
import { discoveredKeys, remoteKeys } from 'hono-scoped-jwt/remote'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { jwtAuth, localKeys, routeBuilders, routeTable, TokenCache } from '../../src/index'
import { ed25519Signer } from '../security/helpers'
import { bearer, challenge, corpIss, partnersIss, payload, profile, setup } from './issuers-helpers'

describe('several issuers in the route table', () => {
  const table = async () => {
    const { corp, partners, lookups, auth } = await setup()
    const { defineGroup, defineRoute } = routeBuilders(auth)
    const root = defineGroup({
      path: '/api',
      routes: [
        defineRoute({ method: 'get', path: '/any', handler: (c) => c.text(c.var.issuer) }),
        defineGroup({
          path: '/corp',
          scopes: ['iss:corp'],
          routes: [
            defineRoute({ method: 'get', path: '/only', handler: (c) => c.text(c.var.issuer) }),
            // Like token: scopes, iss: scopes are alternatives: this child adds partners.
            defineRoute({
              method: 'get',
              path: '/shared',
              scopes: ['iss:partners'],
              handler: (c) => c.text(c.var.issuer),
            }),
          ],
        }),
      ],
    })
    const app = new Hono()
    app.use('/api/*', auth) // a guard after it reuses the same verification
    routeTable(root, { auth }).mount(app)
    const tokens = {
      corp: await corp.token(payload(corpIss, 'corp-api')),
      partners: await partners.token(payload(partnersIss, 'partner-api')),
    }
    return { app, tokens, lookups }
  }

  it('a route limited to one issuer refuses the other with 403 insufficient_scope', async () => {
    const { app, tokens } = await table()
    const ok = await app.request('/api/corp/only', bearer(tokens.corp))
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('corp')
    const res = await app.request('/api/corp/only', bearer(tokens.partners))
    expect(res.status).toBe(403)
    expect(challenge(res)).toBe('Bearer realm="api", error="insufficient_scope", scope="iss:corp"')
    expect(await res.json()).toEqual({
      detail: "Token issuer 'partners' not allowed for this endpoint. Allowed issuers: corp",
    })
  })

  it('a child relaxes its group to another issuer; a route without iss: takes any', async () => {
    const { app, tokens } = await table()
    for (const name of ['corp', 'partners'] as const) {
      expect(await (await app.request('/api/corp/shared', bearer(tokens[name]))).text()).toBe(name)
      expect(await (await app.request('/api/any', bearer(tokens[name]))).text()).toBe(name)
    }
  })

  it('verifies once per request, middleware and guard together', async () => {
    const { app, tokens, lookups } = await table()
    await app.request('/api/corp/only', bearer(tokens.corp))
    await app.request('/api/corp/only', bearer(tokens.partners))
    expect(lookups.corp).toBe(1)
  })

  it('lists iss: scopes, and an unknown issuer name fails when the table is built', async () => {
    const { auth } = await setup()
    const { defineRoute } = routeBuilders(auth)
    const route = defineRoute({
      method: 'get',
      path: '/x',
      // @ts-expect-error not a configured issuer
      scopes: ['iss:corp', 'iss:crop'],
      handler: (c) => c.text('x'),
    })
    expect(() => routeTable(route, { auth })).toThrow(
      'Unknown issuers in scopes: iss:crop (configured: corp, partners) (GET /x)',
    )
  })
})

const key = (await ed25519Signer('a-key')).jwk

describe('several issuers: configuration errors throw when the middleware is created', () => {
  const make = (options: Record<string, unknown>) => () =>
    jwtAuth({ algorithms: ['EdDSA'], audience: 'api', profile, ...options } as never)

  it.each([
    [{ issuers: trustedIssuers({}) }, '"issuers" must name at least one issuer'],
    [
      { issuers: trustedIssuers({ a: { keys: localKeys([key]) } }) },
      '"issuers.a" needs "issuer" (its tokens\' iss) or discoveredKeys',
    ],
    [
      { issuers: trustedIssuers({ a: { issuer: 'x', secret: 'y'.repeat(64) } }) },
      '"issuers.a": "secret" needs an HS algorithm',
    ],
    [
      {
        keys: remoteKeys('https://k.example/'),
        issuers: trustedIssuers({ a: { issuer: 'x', keys: remoteKeys('https://k/') } }),
      },
      '"issuers" and "keys" both given',
    ],
    [
      {
        issuers: trustedIssuers({
          a: { issuer: 'https://same/', keys: remoteKeys('https://a.example/') },
          b: { keys: discoveredKeys('https://same/') },
        }),
      },
      '"issuers.b": another issuer has iss https://same/',
    ],
    [
      { issuers: trustedIssuers({ 'a b': { issuer: 'x', keys: remoteKeys('https://a/') } }) },
      'is not a name',
    ],
    [
      {
        cache: new TokenCache(),
        issuers: trustedIssuers({
          a: { issuer: 'https://a/', keys: remoteKeys('https://a.example/') },
          b: { issuer: 'https://b/', keys: remoteKeys('https://b.example/') },
        }),
      },
      '"cache": with several issuers, give each issuer its own cache',
    ],
    // The issuers' plain record is createIssuersVerifier's; jwtAuth takes trustedIssuers' value.
    [
      { issuers: { a: { issuer: 'x', keys: remoteKeys('https://a/') } } },
      '"issuers" takes trustedIssuers({ name: { … } }) (hono-scoped-jwt/issuers)',
    ],
  ])('%j', (options, message) => {
    expect(make(options)).toThrow(message)
  })
})

describe('one issuer, as before', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('sets no c.var.issuer, and iss: is an ordinary scope', async () => {
    const signer = await ed25519Signer()
    const auth = jwtAuth({
      algorithms: ['EdDSA'],
      audience: 'a',
      profile,
      keys: localKeys([signer.jwk]),
    })
    const { defineRoute } = routeBuilders(auth)
    const app = routeTable(
      defineRoute({
        method: 'get',
        path: '/x',
        scopes: ['iss:corp'],
        handler: (c) => c.json({ issuer: c.get('issuer' as never) ?? null }),
      }),
      { auth },
    ).mount(new Hono())
    const granted = await signer.token(payload(undefined, 'a', { scope: 'iss:corp' }))
    const res = await app.request('/x', bearer(granted))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ issuer: null })
    const without = await signer.token(payload(undefined, 'a'))
    expect((await app.request('/x', bearer(without))).status).toBe(403)
  })
})
