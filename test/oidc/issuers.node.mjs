// Several issuers against two real OpenID providers (oidc-provider, on loopback): each issues JWT
// access tokens for its own resource through client_credentials, and jwtAuth finds both key sets
// by discovery (`discoveredKeys`). Each provider's tokens pass with its own keys and audience only;
// one provider stopped is a 503 for its tokens alone.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Hono } from 'hono'
import { decodeProtectedHeader, importJWK, SignJWT } from 'jose'
import { lib } from '../security/bundled-library.mjs'
import { startProvider } from './provider.mjs'

const resources = { a: 'https://api-a.example/', b: 'https://api-b.example/' }
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const providers = {}

before(async () => {
  providers.a = await startProvider({ resource: resources.a, alg: 'ES256' })
  providers.b = await startProvider({ resource: resources.b, alg: 'ES256' })
})
after(() => Promise.all(Object.values(providers).map((p) => p.stop())))

/** An app whose /me names the issuer that verified the token; `audiences` swaps them if asked. */
const appFor = (audiences = resources, timings = {}) => {
  // Each issuer's key set takes its own fetch settings: here the same for both.
  const keysOf = (provider) =>
    lib.discoveredKeys(provider.issuer, { timeoutDuration: 1_000, ...timings })
  const auth = lib.jwtAuth({
    algorithms: ['ES256'],
    profile: lib.accessTokenProfile(),
    issuers: lib.trustedIssuers({
      a: { keys: keysOf(providers.a), audience: audiences.a },
      b: { keys: keysOf(providers.b), audience: audiences.b },
    }),
  })
  return new Hono().get('/me', auth, (c) =>
    c.json({ issuer: c.var.issuer, sub: lib.currentToken(c).sub }),
  )
}

const call = async (app, token) => {
  const res = await app.request('/me', { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: await res.json() }
}

/** The `error_description` of a refusal. */
const refusal = async (app, token) => {
  const res = await app.request('/me', { headers: { authorization: `Bearer ${token}` } })
  assert.equal(res.status, 401)
  return /error_description="([^"]*)"/.exec(res.headers.get('www-authenticate'))?.[1]
}

const discoveryOf = (p) => p.hits['/.well-known/openid-configuration'] ?? 0

test('each provider’s tokens pass with its own keys and audience; key sets fetched lazily, once', async () => {
  const app = appFor()
  const before = { a: discoveryOf(providers.a), b: discoveryOf(providers.b) }
  const tokenA = await providers.a.token()
  assert.equal(decodeProtectedHeader(tokenA).typ, 'at+jwt')
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await call(app, tokenA), { status: 200, body: { issuer: 'a', sub: 'runner' } })
  }
  // Only a's key set so far: b's provider has not been asked anything.
  assert.equal(discoveryOf(providers.a) - before.a, 1)
  assert.equal(discoveryOf(providers.b) - before.b, 0)
  const tokenB = await providers.b.token()
  assert.deepEqual(await call(app, tokenB), { status: 200, body: { issuer: 'b', sub: 'runner' } })
  assert.deepEqual(await call(app, tokenB), { status: 200, body: { issuer: 'b', sub: 'runner' } })
  assert.equal(discoveryOf(providers.b) - before.b, 1)
})

test('swapped audiences: neither provider’s token is accepted', async () => {
  const app = appFor({ a: resources.b, b: resources.a })
  for (const provider of [providers.a, providers.b]) {
    const description = await refusal(app, await provider.token())
    assert.equal(description, 'The token is not meant for this audience')
  }
})

test('a token re-signed with the other provider’s key is refused', async () => {
  const app = appFor()
  const tokenA = await providers.a.token()
  const [, payload] = tokenA.split('.')
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
  const keyB = await importJWK(providers.b.jwk, 'ES256')
  const resign = (kid) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(keyB)
  // a's claims, b's key: under a's kid (signature fails) and under b's kid (not in a's key set).
  assert.equal(
    await refusal(app, await resign(providers.a.jwk.kid)),
    'The token signature is invalid',
  )
  assert.equal(await refusal(app, await resign(providers.b.jwk.kid)), 'No key matches the token')
  // b's token with its iss rewritten to a's, signed by b: a's keys do not verify it either.
  const fromB = JSON.parse(
    Buffer.from((await providers.b.token()).split('.')[1], 'base64url').toString(),
  )
  const relabelled = await new SignJWT({ ...fromB, iss: providers.a.issuer, aud: resources.a })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: providers.b.jwk.kid })
    .sign(keyB)
  assert.equal(await refusal(app, relabelled), 'No key matches the token')
  // The originals still pass.
  assert.equal((await call(app, tokenA)).status, 200)
})

test('one provider stopped: its tokens get 503, the other’s still pass', async () => {
  // Short cache and staleness, so that "keys too old to trust" comes within the test.
  const timings = { cacheMaxAge: 100, maxStaleness: 1_500, cooldownDuration: 0 }
  const warm = appFor(resources, timings)
  const tokenA = await providers.a.token()
  const tokenB = await providers.b.token()
  assert.equal((await call(warm, tokenA)).status, 200)
  const warmedAt = Date.now()
  assert.equal((await call(warm, tokenB)).status, 200)
  await providers.a.stop()
  // Keys cached and older than cacheMaxAge: still served while the provider is down.
  await sleep(150)
  assert.equal((await call(warm, tokenA)).status, 200)
  // No keys yet: a new app cannot discover a's keys at all.
  const cold = appFor(resources, timings)
  const res = await cold.request('/me', { headers: { authorization: `Bearer ${tokenA}` } })
  assert.equal(res.status, 503)
  assert.match(res.headers.get('retry-after') ?? '', /^\d+$/)
  assert.deepEqual(await call(cold, tokenB), { status: 200, body: { issuer: 'b', sub: 'runner' } })
  // Past maxStaleness, a's cached keys are no longer trusted; b is unaffected.
  await sleep(Math.max(0, warmedAt + 1_600 - Date.now()))
  assert.equal((await call(warm, tokenA)).status, 503)
  assert.deepEqual(await call(warm, tokenB), { status: 200, body: { issuer: 'b', sub: 'runner' } })
})
