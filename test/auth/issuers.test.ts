// Several issuers in one jwtAuth, through app.request() in workerd: iss selects, never trusts.
import { Hono } from 'hono'
import { dpop } from 'hono-scoped-jwt/dpop'
import { createIssuersVerifier, trustedIssuers } from 'hono-scoped-jwt/issuers'
import { remoteKeys } from 'hono-scoped-jwt/remote'
import { describe, expect, it, vi } from 'vitest'
import { currentIssuer, currentToken, jwtAuth, localKeys } from '../../src/index'
import { ed25519Signer } from '../security/helpers'
import { dpopClient, dpopHeaders } from './dpop-helpers'
import { bearer, challenge, corpIss, partnersIss, payload, profile, setup } from './issuers-helpers'

describe('several issuers: iss selects among the configured ones', () => {
  it('accepts each issuer with its own key and audience, and says which on c.var', async () => {
    const { corp, partners, auth } = await setup()
    const app = new Hono().get('/me', auth, (c) =>
      c.json({ via: c.var.issuer, also: currentIssuer(c), sub: currentToken(c).sub }),
    )
    const a = await app.request('/me', bearer(await corp.token(payload(corpIss, 'corp-api'))))
    expect(a.status).toBe(200)
    expect(await a.json()).toEqual({ via: 'corp', also: 'corp', sub: 'alice' })
    const p = await partners.token(payload(partnersIss, 'partner-api'))
    const b = await app.request('/me', bearer(p))
    expect(await b.json()).toEqual({ via: 'partners', also: 'partners', sub: 'alice' })
  })

  it('an unknown or missing iss is 401 invalid_token before any key lookup', async () => {
    const { corp, lookups, auth } = await setup()
    const app = new Hono().get('/me', auth, (c) => c.text('ok'))
    const cases = [
      payload('https://evil.example/', 'corp-api'),
      payload(undefined, 'corp-api'),
      payload('https://corp.example', 'corp-api'), // no trailing slash: exact comparison
      payload('HTTPS://CORP.EXAMPLE/', 'corp-api'),
      { ...payload(undefined, 'corp-api'), iss: ['https://corp.example/'] },
    ]
    for (const claims of cases) {
      const res = await app.request('/me', bearer(await corp.token(claims)))
      expect(res.status).toBe(401)
      expect(challenge(res)).toContain('error="invalid_token"')
      expect(challenge(res)).toContain('The token issuer is not trusted')
    }
    expect(lookups).toEqual({ corp: 0, partners: 0 })
  })

  it('makes no network request for an unknown iss, nor for another issuer', async () => {
    const fetchSpy = vi.fn(async () => new Response('{}', { status: 500 }))
    const { partners, auth } = await setup({
      corp: {
        getKey: undefined,
        keys: remoteKeys('https://corp.example/jwks', { fetch: fetchSpy }),
      },
    })
    expect(fetchSpy).not.toHaveBeenCalled() // nothing fetched when the middleware is created
    const app = new Hono().get('/me', auth, (c) => c.text(c.var.issuer))
    const unknown = await partners.token(payload('https://unknown.example/', 'partner-api'))
    expect((await app.request('/me', bearer(unknown))).status).toBe(401)
    const p = await partners.token(payload(partnersIss, 'partner-api'))
    expect((await app.request('/me', bearer(p))).status).toBe(200)
    expect(fetchSpy).not.toHaveBeenCalled()
  })

  it("refuses a token signed by another configured issuer's key", async () => {
    const { corp, partners, lookups, auth } = await setup()
    const app = new Hono().get('/me', auth, (c) => c.text('ok'))
    // iss names corp, partners signs: corp's key (its only one) does not verify it.
    const forged = await partners.token(payload(corpIss, 'corp-api'))
    const res = await app.request('/me', bearer(forged))
    expect(res.status).toBe(401)
    expect(challenge(res)).toContain('The token signature is invalid')
    expect(lookups.corp).toBe(1)
    // iss names partners, corp signs with partners' kid: partners' key does not verify it.
    const other = await corp.token(payload(partnersIss, 'partner-api'), { kid: 'partners-key' })
    expect((await app.request('/me', bearer(other))).status).toBe(401)
    // corp's kid is not among partners' keys: no key at all.
    const unknownKid = await corp.token(payload(partnersIss, 'partner-api'))
    expect((await app.request('/me', bearer(unknownKid))).status).toBe(401)
  })

  it("takes each issuer's own algorithms, else jwtAuth's", async () => {
    const corp = await ed25519Signer('corp-key')
    const auth = jwtAuth({
      algorithms: ['EdDSA'],
      audience: 'x',
      profile,
      issuers: trustedIssuers({
        corp: { issuer: corpIss, keys: localKeys([corp.jwk]) },
        partners: {
          issuer: partnersIss,
          algorithms: ['ES256'],
          keys: remoteKeys('https://p.example/'),
        },
      }),
    })
    const app = new Hono().get('/me', auth, (c) => c.text(c.var.issuer))
    expect((await app.request('/me', bearer(await corp.token(payload(corpIss, 'x'))))).status).toBe(
      200,
    )
    // EdDSA is allowed for corp, not for partners: refused by partners' own gate.
    const res = await app.request('/me', bearer(await corp.token(payload(partnersIss, 'x'))))
    expect(res.status).toBe(401)
    expect(challenge(res)).toContain('The token algorithm is not allowed')
  })

  it("refuses a token carrying the other issuer's audience", async () => {
    const { corp, partners, auth } = await setup()
    const app = new Hono().get('/me', auth, (c) => c.text('ok'))
    const swapped = [
      await corp.token(payload(corpIss, 'partner-api')),
      await partners.token(payload(partnersIss, 'corp-api')),
    ]
    for (const token of swapped) {
      const res = await app.request('/me', bearer(token))
      expect(res.status).toBe(401)
      expect(challenge(res)).toContain('The token is not meant for this audience')
    }
  })

  it('with the token cache, each issuer keeps its own, and a hit still names the issuer', async () => {
    const { corp, partners, lookups, auth } = await setup({ cache: true })
    const app = new Hono().get('/me', auth, (c) => c.text(c.var.issuer))
    const tokens = [
      await corp.token(payload(corpIss, 'corp-api')),
      await partners.token(payload(partnersIss, 'partner-api')),
    ]
    for (let i = 0; i < 2; i++) {
      expect(await (await app.request('/me', bearer(tokens[0] as string))).text()).toBe('corp')
      expect(await (await app.request('/me', bearer(tokens[1] as string))).text()).toBe('partners')
    }
    expect(lookups.corp).toBe(1)
  })

  it("one issuer's outage is a 503 for its own tokens only", async () => {
    const down = vi.fn(async () => new Response('down', { status: 503 }))
    const { corp, partners, auth } = await setup({
      corp: { getKey: undefined, keys: remoteKeys('https://corp.example/jwks', { fetch: down }) },
    })
    const app = new Hono().get('/me', auth, (c) => c.text(c.var.issuer))
    const res = await app.request('/me', bearer(await corp.token(payload(corpIss, 'corp-api'))))
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
    const p = await partners.token(payload(partnersIss, 'partner-api'))
    const ok = await app.request('/me', bearer(p))
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('partners')
    expect(down).toHaveBeenCalledTimes(1)
  })
})

describe('several issuers with DPoP', () => {
  it('a bound token from one issuer needs its proof, and names its issuer', async () => {
    const corp = await ed25519Signer('corp-key')
    const partners = await ed25519Signer('partners-key')
    const auth = jwtAuth({
      algorithms: ['EdDSA'],
      profile,
      dpop: dpop({ mode: 'optional' }),
      issuers: trustedIssuers({
        corp: { issuer: corpIss, audience: 'corp-api', keys: localKeys([corp.jwk]) },
        partners: { issuer: partnersIss, audience: 'partner-api', keys: localKeys([partners.jwk]) },
      }),
    })
    const app = new Hono().get('/me', auth, (c) => c.text(c.var.issuer))
    const client = await dpopClient()
    const bound = await corp.token(payload(corpIss, 'corp-api', { cnf: { jkt: client.jkt } }))
    const url = 'http://localhost/me'
    const proof = await client.proof({ htm: 'GET', htu: url, token: bound })
    const res = await app.request(url, { headers: dpopHeaders(bound, proof) })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('corp')
    // The same token as Bearer: refused (no downgrade), whatever issuer it names.
    expect((await app.request(url, bearer(bound))).status).toBe(401)
    const p = await partners.token(payload(partnersIss, 'partner-api'))
    expect(await (await app.request(url, bearer(p))).text()).toBe('partners')
  })
})

describe('createIssuersVerifier without a profile', () => {
  it('reads tokens on the default, access-token profile (any sub), as jwtAuth does', async () => {
    const corp = await ed25519Signer('corp-key')
    const verify = createIssuersVerifier({
      algorithms: ['EdDSA'],
      issuers: { corp: { issuer: corpIss, audience: 'corp-api', keys: localKeys([corp.jwk]) } },
    })
    // 'alice' is no UUID: the task-instance profile would refuse it.
    const claims = await verify(await corp.token(payload(corpIss, 'corp-api')))
    expect(claims.sub).toBe('alice')
  })
})
