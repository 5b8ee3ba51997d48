// What a new user broke (issue 19, items 8-12), each through the public API in workerd: the live
// key set beside the signing key, discovery that names another issuer, an http: issuer off
// loopback, and the cookie's own error.
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { toPublicJwk } from '../../src/auth/keys/keys'
import type { JwtAuthOptions } from '../../src/auth/verify/middleware'
import { accessTokenProfile, createIssuer, generateSigningJwk, jwtAuth } from '../../src/index'
import { bearer } from './helpers'

const audience = 'https://api.example'
const profile = accessTokenProfile()

/** An app with one authenticated route answering the token's `sub`. */
const appOn = (options: Omit<JwtAuthOptions, 'profile' | 'audience'>) => {
  const app = new Hono()
  app.get('/x', jwtAuth({ ...options, profile, audience }), (c) => c.json({ sub: c.var.token.sub }))
  return app
}

const mintWith = (privateJwk: JsonWebKey) =>
  createIssuer({ privateJwk, profile, audience }).mint({ sub: 'alice' })

describe('8. the live key set beside the signing key', () => {
  it('a key listed again in publicKeys under its kid is the same key: its tokens verify', async () => {
    const a = await generateSigningJwk()
    const b = await generateSigningJwk()
    const app = appOn({
      algorithms: ['EdDSA'],
      privateJwk: a,
      publicKeys: [toPublicJwk(a), toPublicJwk(b)],
    })
    const res = await app.request('/x', bearer(await mintWith(a)))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: 'alice' })
  })

  it('the same public key listed twice verifies too', async () => {
    const a = await generateSigningJwk()
    const app = appOn({ algorithms: ['EdDSA'], publicKeys: [toPublicJwk(a), toPublicJwk(a)] })
    expect((await app.request('/x', bearer(await mintWith(a)))).status).toBe(200)
  })

  it('another key under the signing key’s kid is refused when the middleware is made', async () => {
    const a = await generateSigningJwk()
    const other = toPublicJwk({ ...(await generateSigningJwk()), kid: a.kid })
    expect(() =>
      jwtAuth({ algorithms: ['EdDSA'], privateJwk: a, publicKeys: [other], profile }),
    ).toThrow(`"publicKeys" has another key under the kid ${JSON.stringify(a.kid)}`)
    expect(() =>
      jwtAuth({ algorithms: ['EdDSA'], publicKeys: [toPublicJwk(a), other], profile }),
    ).toThrow(/another key under the kid/)
  })
})

describe('12. an empty token cookie', () => {
  it('is a 400 that names the cookie, not the authorization header', async () => {
    const a = await generateSigningJwk()
    const app = appOn({ algorithms: ['EdDSA'], privateJwk: a, cookie: 'session' })
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
