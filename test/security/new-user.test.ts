// What a new user broke (issue 19, items 8-12), each through the public API in workerd: the live
// key set beside the signing key, an http: issuer off loopback, a group's routes as a function,
// the cookie's own error, a checker replacing the grant. Item 9 (discovery naming another issuer)
// needs a real server: test/security/discovery.node.mjs; item 11's types: new-user.test-d.ts.
import { Hono } from 'hono'
import type { JWK } from 'jose'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { toPublicJwk } from '../../src/auth/keys/local-keys'
import type { JwtAuthOptions } from '../../src/auth/verify/middleware'
import { accessTokenProfile, jwtAuth, localKeys, routeBuilders, routeTable } from '../../src/index'
import { trustedIssuers } from '../../src/issuers'
import { createIssuer, generateSigningJwk } from '../../src/mint'
import { discoveredKeys, remoteKeys } from '../../src/remote'
import { bearer } from './helpers'

const audience = 'https://api.example'
const profile = accessTokenProfile()

/** An app with one authenticated route answering the token's `sub`. */
const appOn = (options: Omit<JwtAuthOptions, 'profile' | 'audience'>) => {
  const app = new Hono()
  app.get('/x', jwtAuth({ ...options, profile, audience }), (c) => c.json({ sub: c.var.token.sub }))
  return app
}

const mintWith = (privateJwk: JWK) =>
  createIssuer({ privateJwk, profile, audience }).mint({ sub: 'alice' })

describe('8. the live key set beside the signing key', () => {
  it('a key listed again in localKeys under its kid is the same key: its tokens verify', async () => {
    const a = await generateSigningJwk()
    const b = await generateSigningJwk()
    const app = appOn({
      algorithms: ['EdDSA'],
      keys: localKeys([a, toPublicJwk(a), toPublicJwk(b)]),
    })
    const res = await app.request('/x', bearer(await mintWith(a)))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: 'alice' })
  })

  it('the same public key listed twice verifies too', async () => {
    const a = await generateSigningJwk()
    const app = appOn({ algorithms: ['EdDSA'], keys: localKeys([toPublicJwk(a), toPublicJwk(a)]) })
    expect((await app.request('/x', bearer(await mintWith(a)))).status).toBe(200)
  })

  it('another key under the signing key’s kid is refused when the middleware is made', async () => {
    const a = await generateSigningJwk()
    const other = toPublicJwk({ ...(await generateSigningJwk()), kid: a.kid })
    expect(() => jwtAuth({ algorithms: ['EdDSA'], keys: localKeys([a, other]), profile })).toThrow(
      `"localKeys" has another key under the kid ${JSON.stringify(a.kid)}`,
    )
    expect(() =>
      jwtAuth({ algorithms: ['EdDSA'], keys: localKeys([toPublicJwk(a), other]), profile }),
    ).toThrow(/another key under the kid/)
  })
})

describe('12. an empty token cookie', () => {
  it('is a 400 that names the cookie, not the authorization header', async () => {
    const a = await generateSigningJwk()
    const app = appOn({ algorithms: ['EdDSA'], keys: localKeys([a]), cookie: 'session' })
    const res = await app.request('/x', { headers: { cookie: 'theme=dark; session=' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ detail: 'Malformed auth cookie' })
    const challenge = res.headers.get('www-authenticate')
    expect(challenge).toContain('error="invalid_request"')
    expect(challenge).toContain('error_description="The cookie session holds no token"')
    expect(challenge).not.toMatch(/authorization header/i)
    // The header's own error keeps its wording.
    const header = await app.request('/x', { headers: { authorization: 'Bearer' } })
    expect(await header.json()).toEqual({ detail: 'Malformed authorization header' })
  })
})

describe('10. an http: issuer off loopback (a docker-compose IdP)', () => {
  const issuer = 'http://keycloak:8080/realms/dev'
  const certs = `${issuer}/protocol/openid-connect/certs`

  /** The IdP as a custom fetch, counting requests: no network, and proof of none. */
  const keycloak = (jwk: JWK) => {
    const requests: string[] = []
    const fetch = async (input: RequestInfo | URL) => {
      const url = String(input instanceof Request ? input.url : input)
      requests.push(url)
      const body =
        url === `${issuer}/.well-known/openid-configuration`
          ? { issuer, jwks_uri: certs }
          : url === certs
            ? { keys: [jwk] }
            : undefined
      return body
        ? Response.json(body)
        : new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } })
    }
    return { fetch: fetch as typeof globalThis.fetch, requests }
  }

  it('is refused when the middleware is made, before any request, naming the opt-in', async () => {
    const idp = keycloak(toPublicJwk(await generateSigningJwk()))
    for (const keys of [() => discoveredKeys(issuer), () => remoteKeys(certs)]) {
      expect(() =>
        jwtAuth({ algorithms: ['EdDSA'], fetch: idp.fetch, profile, keys: keys() }),
      ).toThrow(
        /must use https: \(http: only on loopback, or with "dangerouslyAllowInsecureHttp" in development\)/,
      )
    }
    expect(idp.requests).toEqual([])
  })

  it('verifies with dangerouslyAllowInsecureHttp: true, and the default stays https only', async () => {
    const a = await generateSigningJwk()
    const idp = keycloak(toPublicJwk(a))
    const app = appOn({
      algorithms: ['EdDSA'],
      keys: discoveredKeys(issuer, { dangerouslyAllowInsecureHttp: true }),
      fetch: idp.fetch,
    })
    const token = await createIssuer({ privateJwk: a, profile, audience, issuer }).mint({
      sub: 'alice',
    })
    const res = await app.request('/x', bearer(token))
    expect(res.status).toBe(200)
    expect(idp.requests).toEqual([`${issuer}/.well-known/openid-configuration`, certs])
    // With several issuers, an issuer's key source carries its own opt-in.
    const several = (dangerouslyAllowInsecureHttp?: boolean) => () =>
      jwtAuth({
        algorithms: ['EdDSA'],
        audience,
        issuers: trustedIssuers({
          dev: { keys: discoveredKeys(issuer, { dangerouslyAllowInsecureHttp }) },
        }),
        fetch: idp.fetch,
        profile,
      })
    expect(several()).toThrow(/must use https:/)
    expect(several(true)).not.toThrow()
    // Only `true` opts in: a truthy string from an environment variable does not.
    expect(() =>
      jwtAuth({
        algorithms: ['EdDSA'],
        keys: discoveredKeys(issuer, {
          dangerouslyAllowInsecureHttp: 'false' as unknown as boolean,
        }),
        profile,
      }),
    ).toThrow(/must use https:/)
  })
})

describe('11. a group whose routes are a function of its builders', () => {
  it('mounts them as a list: the parent’s parameter reaches the child’s handler', async () => {
    const secret = 'k'.repeat(64)
    const auth = jwtAuth({ secret, algorithms: ['HS512'], profile, audience })
    const { defineGroup } = routeBuilders(auth).withEnv<{ Bindings: { NAME: string } }>()
    const orgs = defineGroup({
      path: '/orgs/:org_id',
      scopes: ['self:org_id'],
      routes: ({ defineRoute }) => [
        defineRoute({
          method: 'get',
          path: '/name',
          handler: (c) => c.json({ org: c.req.param('org_id'), name: c.env.NAME }),
        }),
      ],
    })
    const app = routeTable(orgs, { auth }).mount(new Hono<{ Bindings: { NAME: string } }>())
    const token = await createIssuer({ secret, profile, audience }).mint({ sub: 'acme' })
    const res = await app.request('/orgs/acme/name', bearer(token), { NAME: 'n' })
    expect(await res.json()).toEqual({ org: 'acme', name: 'n' })
    expect((await app.request('/orgs/other/name', bearer(token), { NAME: 'n' })).status).toBe(403)
  })
})

describe('12. a checker replaces what the token grants (as the README says)', () => {
  it('decides its scope alone: the token’s scope claim is not consulted for it', async () => {
    const secret = 'k'.repeat(64)
    const claims = z.object({ roles: z.array(z.string()) })
    const withRoles = accessTokenProfile({ claims })
    const auth = jwtAuth({ secret, algorithms: ['HS512'], profile: withRoles, audience })
    const { defineRoute } = routeBuilders(auth)
    const route = defineRoute({
      method: 'get',
      path: '/tasks',
      scopes: ['tasks:read'],
      handler: (c) => c.text('ok'),
    })
    const app = routeTable(route, {
      auth,
      checkers: { 'tasks:read': (_c, token) => token.roles.includes('reader') },
    }).mount(new Hono())
    const mint = createIssuer({ secret, profile: withRoles, audience })
    const granted = await mint.mint({ sub: 'a', scopes: ['tasks:read'], claims: { roles: [] } })
    const reader = await mint.mint({ sub: 'a', claims: { roles: ['reader'] } })
    expect((await app.request('/tasks', bearer(granted))).status).toBe(403)
    expect((await app.request('/tasks', bearer(reader))).status).toBe(200)
  })
})
