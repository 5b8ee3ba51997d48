// Features as values (issue 18): `keys` takes key sources, and the rules that held for one list of
// keys hold across sources: a `kid` chooses one key, one remote set at most, local keys are asked
// before the remote set, a discovered issuer is the `iss` checked. Options that are not the
// factories' values are refused when the middleware is created, naming the factory.
import { jwtAuth, localKeys, TokenCache } from 'hono-scoped-jwt'
import { discoveredKeys, remoteKeys } from 'hono-scoped-jwt/remote'
import { describe, expect, it } from 'vitest'
import { appWith, bearer, claims, ed25519Signer } from './helpers'

const base = { algorithms: ['EdDSA'] as const, audience: 'urn:airflow.apache.org:task' }

describe('keys from several sources', () => {
  it('refuses another key under a kid another source holds', async () => {
    const a = await ed25519Signer('shared')
    const b = await ed25519Signer('shared')
    expect(() => jwtAuth({ ...base, keys: [localKeys([a.jwk]), localKeys([b.jwk])] })).toThrow(
      '"localKeys" has another key under the kid "shared"',
    )
    // The same key in two sources is that key once.
    expect(() => jwtAuth({ ...base, keys: [localKeys([a.jwk]), localKeys([a.jwk])] })).not.toThrow()
  })

  it('takes one remote set at most', () => {
    expect(() =>
      jwtAuth({
        ...base,
        keys: [remoteKeys('https://a.test/jwks'), discoveredKeys('https://b.test')],
      }),
    ).toThrow('"keys" has two remote key sets: give one')
  })

  it('asks local keys first: a known kid never reaches the remote set', async () => {
    const local = await ed25519Signer('local')
    const remote = await ed25519Signer('remote')
    let fetched = 0
    const fetch = (async () => {
      fetched++
      return Response.json({ keys: [remote.jwk] })
    }) as typeof globalThis.fetch
    const app = appWith({
      ...base,
      keys: [remoteKeys('https://keys.test/jwks', { fetch }), localKeys([local.jwk])],
    })
    const ok = await app.request('/x', bearer(await local.token(claims())))
    expect(ok.status).toBe(200)
    expect(fetched).toBe(0)
    const stranger = await ed25519Signer('stranger')
    const refused = await app.request('/x', bearer(await stranger.token(claims())))
    expect(refused.status).toBe(401)
    expect(fetched).toBe(1)
    expect((await app.request('/x', bearer(await remote.token(claims())))).status).toBe(200)
  })

  it("checks the discovered issuer as the tokens' iss", async () => {
    const signer = await ed25519Signer('idp')
    const issuer = 'https://idp.test'
    const fetch = (async (input: RequestInfo | URL) => {
      const url = String(input)
      if (url.endsWith('/.well-known/openid-configuration')) {
        return Response.json({ issuer, jwks_uri: `${issuer}/jwks` })
      }
      return Response.json({ keys: [signer.jwk] })
    }) as typeof globalThis.fetch
    const app = appWith({ ...base, keys: discoveredKeys(issuer, { fetch }) })
    expect(
      (await app.request('/x', bearer(await signer.token(claims({ iss: issuer }))))).status,
    ).toBe(200)
    const other = await app.request('/x', bearer(await signer.token(claims({ iss: 'https://x' }))))
    expect(other.status).toBe(401)
  })
})

describe('options that are not the factories’ values', () => {
  const secret = 's'.repeat(64)
  const hs = { secret, algorithms: ['HS512'] as const, audience: 'api' }

  it.each([
    ['keys', { keys: [{ kty: 'OKP' }] }, 'localKeys([...]), remoteKeys(url)'],
    ['cache', { cache: true }, '"cache" must be a TokenCache'],
    ['issuers', { issuers: { corp: { secret } } }, 'trustedIssuers('],
    ['dpop', { dpop: { mode: 'required' } }, 'dpop({ … })'],
  ])('%s given as plain options is refused, naming the factory', (_, extra, message) => {
    expect(() => jwtAuth({ ...hs, ...(extra as object) })).toThrow(message)
  })

  it('takes a TokenCache', () => {
    expect(() => jwtAuth({ ...hs, cache: new TokenCache() })).not.toThrow()
  })
})
