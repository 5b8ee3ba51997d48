// Refresh with several issuers, through app.request() in workerd: the table's issuer must mint the
// `iss` of one configured issuer (else its tokens never verify: an error when the table is built),
// and only that issuer's tokens are re-issued; another issuer's token is never re-minted as its own.
import { Hono } from 'hono'
import { trustedIssuers } from 'hono-scoped-jwt/issuers'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { jwtAuth, localKeys, routeBuilders, routeTable } from '../../src/index'
import { ed25519Signer } from '../security/helpers'
import { bearer, corpIss, partnersIss, payload, profile } from './issuers-helpers'

const corpKey = await generateSigningJwk('EdDSA')
const { d: _, ...corpPublic } = corpKey
const partners = await ed25519Signer('partners-key')
const auth = jwtAuth({
  algorithms: ['EdDSA'],
  profile,
  issuers: trustedIssuers({
    corp: { issuer: corpIss, audience: 'corp-api', keys: localKeys([corpPublic]) },
    partners: { issuer: partnersIss, audience: 'partner-api', keys: localKeys([partners.jwk]) },
  }),
})
const { defineGroup, defineRoute } = routeBuilders(auth)
const routes = defineGroup({
  path: '/api',
  routes: [
    defineRoute({ method: 'get', path: '/any', handler: (c) => c.text(c.var.issuer) }),
    defineRoute({
      method: 'get',
      path: '/corp',
      scopes: ['iss:corp'],
      handler: (c) => c.text('corp'),
    }),
  ],
})
const minting = (iss?: string) =>
  createIssuer({ privateJwk: corpKey, profile, audience: 'corp-api', ...(iss && { issuer: iss }) })

describe('several issuers and the table issuer', () => {
  it('an issuer whose iss no configured issuer has fails when the table is built', () => {
    expect(() =>
      routeTable(routes, { auth, issuer: minting('https://elsewhere.example/') }),
    ).toThrow(
      '"issuer" mints tokens with iss https://elsewhere.example/, which none of auth\'s issuers (corp: https://corp.example/, partners: https://partners.example/) verifies',
    )
    expect(() => routeTable(routes, { auth, issuer: minting() })).toThrow(
      '"issuer" mints tokens with no iss',
    )
  })

  it("refreshes its own issuer's tokens, which verify; never another issuer's", async () => {
    const issuer = minting(corpIss)
    const app = routeTable(routes, { auth, issuer }).mount(new Hono())
    // 30 s to live: due for refresh at once.
    const own = await issuer.mint({ sub: 'alice', expiresIn: 30 })
    const res = await app.request('/api/any', bearer(own))
    expect(await res.text()).toBe('corp')
    const fresh = res.headers.get('refreshed-api-token') ?? ''
    expect(decodeJwt(fresh)).toMatchObject({ iss: corpIss, sub: 'alice' })
    expect((await app.request('/api/corp', bearer(fresh))).status).toBe(200)
    // A partner's token near expiry: re-minted here it would be a corp token, and pass iss:corp.
    const theirs = await partners.token({
      ...payload(partnersIss, 'partner-api'),
      exp: Date.now() / 1000 + 20,
    })
    const other = await app.request('/api/any', bearer(theirs))
    expect(await other.text()).toBe('partners')
    expect(other.headers.get('refreshed-api-token')).toBeNull()
  })
})
