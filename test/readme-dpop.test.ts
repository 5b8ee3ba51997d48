// The README's DPoP example is test/readme-dpop-example.ts, verbatim: tsc checks it, this runs it,
// client and API together, the provider's discovery and key set served by a stubbed fetch.

import { accessTokenProfile } from 'hono-scoped-jwt'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { calculateJwkThumbprint } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import readme from '../README.md?raw'
import { dpopClient, makeDpopApi } from './readme-dpop-example'
import example from './readme-dpop-example.ts?raw'

describe('README example: DPoP', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('is in the README word for word', () => {
    expect(readme).toContain(example.trim())
  })

  it('runs: a bound token with proofs, modes per route, no downgrade', async () => {
    const issuer = 'https://idp.example/'
    const jwk = await generateSigningJwk('ES256')
    const { d: _d, ...publicJwk } = jwk
    const app = makeDpopApi(issuer, 'https://api.example.com')
    vi.stubGlobal('fetch', async (url: URL | string, init?: RequestInit) => {
      const text = String(url)
      if (text === `${issuer}.well-known/openid-configuration`) {
        return Response.json({ issuer, jwks_uri: 'https://idp.example/jwks' })
      }
      if (text === 'https://idp.example/jwks') return Response.json({ keys: [publicJwk] })
      return app.fetch(new Request(text, init))
    })
    const mint = createIssuer({
      privateJwk: jwk,
      issuer,
      audience: 'https://api.example.com',
      profile: accessTokenProfile(),
    })
    const client = await dpopClient()
    const bound = await mint.mint({
      sub: 'runner',
      claims: { cnf: { jkt: await calculateJwkThumbprint(client.jwk) } },
    })
    const api = 'https://api.example.com/api'

    const reports = await client.fetch(bound, `${api}/reports?page=1`)
    expect(reports.status).toBe(200)
    expect(await reports.json()).toEqual({ client: 'runner' })
    const paid = await client.fetch(bound, `${api}/payments`, 'POST')
    expect(paid.status).toBe(201)
    expect((await client.fetch(bound, `${api}/legacy`)).status).toBe(401)

    const asBearer = (token: string, path: string, method = 'GET') =>
      fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${token}` } })
    expect((await asBearer(bound, '/reports')).status).toBe(401)
    const plain = await mint.mint({ sub: 'runner' })
    expect((await asBearer(plain, '/reports')).status).toBe(200)
    expect((await asBearer(plain, '/legacy')).status).toBe(200)
    const refused = await asBearer(plain, '/payments', 'POST')
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe(
      'DPoP realm="api", algs="ES256 EdDSA Ed25519"',
    )
  })
})
