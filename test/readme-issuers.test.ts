// The README's several-issuers example is test/readme-issuers-example.ts, verbatim: tsc checks it,
// this runs it against two providers as fetch sees them.

import { accessTokenProfile } from 'hono-scoped-jwt'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import type { JWK } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import readme from '../README.md?raw'
import { makeSeveralIssuersApi } from './readme-issuers-example'
import example from './readme-issuers-example.ts?raw'

const publicHalf = ({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...jwk }: JWK) => jwk
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

describe('README example: several issuers', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('is in the README word for word', () => {
    expect(readme).toContain(example.trim())
  })

  it('runs: each issuer with its keys and audience, iss:robots on one route', async () => {
    const staffKey = await generateSigningJwk('RS256')
    const robotKey = await generateSigningJwk('ES256')
    const fetched: string[] = []
    vi.stubGlobal('fetch', async (url: URL | string) => {
      fetched.push(String(url))
      const body: Record<string, unknown> = {
        'https://login.example.com/.well-known/openid-configuration': {
          issuer: 'https://login.example.com/',
          jwks_uri: 'https://login.example.com/jwks',
        },
        'https://login.example.com/jwks': { keys: [publicHalf(staffKey)] },
        'https://ci.example.com/keys': { keys: [publicHalf(robotKey)] },
      }
      return new Response(JSON.stringify(body[String(url)] ?? {}), { status: 200 })
    })
    const profile = accessTokenProfile()
    const staff = createIssuer({
      privateJwk: staffKey,
      issuer: 'https://login.example.com/',
      audience: 'https://api.example.com',
      profile,
    })
    const robots = createIssuer({
      privateJwk: robotKey,
      issuer: 'https://ci.example.com',
      audience: 'urn:example:deploys',
      profile,
    })
    const app = makeSeveralIssuersApi()
    const alice = await staff.mint({ sub: 'alice', scopes: ['deploy:write'] })
    const bot = await robots.mint({ sub: 'ci-bot', scopes: ['deploy:write'] })

    const who = await app.request('/api/whoami', bearer(alice))
    expect(await who.json()).toEqual({ via: 'staff', sub: 'alice' })
    expect(await (await app.request('/api/whoami', bearer(bot))).json()).toEqual({
      via: 'robots',
      sub: 'ci-bot',
    })
    const deploy = { method: 'POST' }
    const byAlice = await app.request('/api/deploys', { ...deploy, ...bearer(alice) })
    expect(byAlice.status).toBe(403)
    expect(byAlice.headers.get('www-authenticate')).toContain('scope="iss:robots"')
    const byBot = await app.request('/api/deploys', { ...deploy, ...bearer(bot) })
    expect(byBot.status).toBe(201)

    // A token from elsewhere: 401, and no request to anyone.
    const before = fetched.length
    const stranger = await createIssuer({
      privateJwk: await generateSigningJwk('ES256'),
      issuer: 'https://evil.example',
      audience: 'urn:example:deploys',
      profile,
    }).mint({ sub: 'mallory', scopes: ['deploy:write'] })
    expect((await app.request('/api/deploys', { ...deploy, ...bearer(stranger) })).status).toBe(401)
    expect(fetched.length).toBe(before)
  })
})
