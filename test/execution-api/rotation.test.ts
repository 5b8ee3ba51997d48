import { env } from 'cloudflare:workers'
import { Hono } from 'hono'
import { jwtAuth, publishedKeys } from 'hono-scoped-jwt'
import { taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { remoteKeys } from 'hono-scoped-jwt/remote'
import type { JWK } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/execution-api/app'
import { ConfigError, type ExecutionBindings, loadConfig } from '../../src/execution-api/config'

// Key rotation through the Worker's bindings (README "Rotating keys"): several keys published, one
// signing, the verifier trusting exactly the published set; the previous shared secret's window.

const current = await generateSigningJwk('EdDSA')
const next = await generateSigningJwk('ES256')
const unpublished = await generateSigningJwk('EdDSA')
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

const publicHalf = (jwk: JWK) => publishedKeys({ privateJwk: jwk })[0] as JWK
const keySet = (...keys: JWK[]) => JSON.stringify({ keys: keys.map(publicHalf) })

const worker = (overrides: Partial<ExecutionBindings>) => {
  const bindings: ExecutionBindings = { ...env, ...overrides }
  const app = createApp(bindings)
  return {
    get: (path: string, token?: string) =>
      app.request(
        `http://localhost/execution${path}`,
        token ? { headers: { authorization: `Bearer ${token}` } } : {},
        bindings,
      ),
  }
}

const signedBy = (jwk: JWK, expiresIn?: number) =>
  createIssuer({ profile: taskInstanceProfile, privateJwk: jwk }).mint({
    sub: crypto.randomUUID(),
    expiresIn,
  })

// 404: the token verified and the handler ran (no such variable); 401: it did not verify.
const statusWith = async (w: ReturnType<typeof worker>, token: string) =>
  (await w.get('/variables/none', token)).status

afterEach(() => {
  vi.useRealTimers()
})

describe('several keys, one signing (JWT_PUBLIC_JWKS)', () => {
  it('publishes the signing key, then the others, never a private member', async () => {
    const w = worker({ JWT_PRIVATE_JWK: JSON.stringify(current), JWT_PUBLIC_JWKS: keySet(next) })
    const res = await w.get('/.well-known/jwks.json')
    expect(res.status).toBe(200)
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] }
    expect(keys.map((k) => k.kid)).toEqual([current.kid, next.kid])
    expect(keys.map((k) => k.alg)).toEqual(['EdDSA', 'ES256'])
    for (const key of keys) for (const m of privateMembers) expect(key).not.toHaveProperty(m)
  })

  it('trusts exactly the published set: each published key verifies, another key does not', async () => {
    const w = worker({ JWT_PRIVATE_JWK: JSON.stringify(current), JWT_PUBLIC_JWKS: keySet(next) })
    expect(await statusWith(w, await signedBy(current))).toBe(404)
    expect(await statusWith(w, await signedBy(next))).toBe(404)
    expect(await statusWith(w, await signedBy(unpublished))).toBe(401)
  })

  it('signs with JWT_PRIVATE_JWK only: the kid of refreshed tokens is the signing key', async () => {
    const w = worker({
      JWT_PRIVATE_JWK: JSON.stringify(next),
      JWT_PUBLIC_JWKS: keySet(current),
      JWT_EXPIRATION_TIME: '20',
    })
    const res = await w.get('/variables/none', await signedBy(current, 20))
    const fresh = res.headers.get('refreshed-api-token') as string
    const header = JSON.parse(atob(fresh.split('.')[0] as string))
    expect(header).toMatchObject({ alg: 'ES256', kid: next.kid })
  })

  it('lets the old and the new deployment verify each other during a switch', async () => {
    // Before the switch (next published) and after it (previous published): while a rollout runs,
    // requests reach either version, and each verifies what the other signed.
    const before = worker({
      JWT_PRIVATE_JWK: JSON.stringify(current),
      JWT_PUBLIC_JWKS: keySet(next),
    })
    const after = worker({
      JWT_PRIVATE_JWK: JSON.stringify(next),
      JWT_PUBLIC_JWKS: keySet(current),
    })
    for (const token of [await signedBy(current), await signedBy(next)]) {
      expect(await statusWith(before, token)).toBe(404)
      expect(await statusWith(after, token)).toBe(404)
    }
  })

  it('counts a key listed again under its kid once (the live set copied back)', async () => {
    const w = worker({
      JWT_PRIVATE_JWK: JSON.stringify(next),
      JWT_PUBLIC_JWKS: keySet(current, next),
    })
    const { keys } = (await (await w.get('/.well-known/jwks.json')).json()) as { keys: JWK[] }
    expect(keys.map((k) => k.kid)).toEqual([next.kid, current.kid])
    expect(await statusWith(w, await signedBy(next))).toBe(404)
    expect(await statusWith(w, await signedBy(current))).toBe(404)
  })

  it('takes a public key without alg with the algorithm JWT_PRIVATE_JWK would get', async () => {
    const { alg: _, ...bare } = publicHalf(next)
    const w = worker({
      JWT_PRIVATE_JWK: JSON.stringify(current),
      JWT_PUBLIC_JWKS: JSON.stringify({ keys: [bare] }),
    })
    const { keys } = (await (await w.get('/.well-known/jwks.json')).json()) as { keys: JWK[] }
    expect(keys[1]).toMatchObject({ kid: next.kid, alg: 'ES256' })
    expect(await statusWith(w, await signedBy(next))).toBe(404)
  })

  it('after retirement, tokens of the retired key get 401', async () => {
    const token = await signedBy(current)
    const w = worker({ JWT_PRIVATE_JWK: JSON.stringify(next) })
    const res = await w.get('/variables/none', token)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Invalid auth token' })
    const { keys } = (await (await w.get('/.well-known/jwks.json')).json()) as { keys: JWK[] }
    expect(keys.map((k) => k.kid)).toEqual([next.kid])
  })

  it.each([
    ['a private key', () => JSON.stringify({ keys: [next] }), /private key/],
    ['not a key set', () => JSON.stringify([publicHalf(next)]), /not a JWK set/],
    [
      'a symmetric key',
      () => JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256', kid: 'x' }] }),
      /public keys JWT_PRIVATE_JWK could be/,
    ],
    [
      'a key without kid',
      () => JSON.stringify({ keys: [{ ...publicHalf(next), kid: undefined }] }),
      /"kid"/,
    ],
    [
      'another key under the signing kid',
      () => JSON.stringify({ keys: [{ ...publicHalf(next), kid: current.kid }] }),
      /another key under the kid/,
    ],
  ])('refuses to start with %s in JWT_PUBLIC_JWKS', (_, set, message) => {
    const bindings = { ...env, JWT_PRIVATE_JWK: JSON.stringify(current), JWT_PUBLIC_JWKS: set() }
    expect(() => loadConfig(bindings)).toThrow(ConfigError)
    expect(() => loadConfig(bindings)).toThrow(message)
  })

  it('refuses JWT_PUBLIC_JWKS without a signing key', () => {
    expect(() => loadConfig({ ...env, JWT_PUBLIC_JWKS: keySet(next) })).toThrow(
      /needs "JWT_PRIVATE_JWK"/,
    )
  })
})

describe('a service verifying through remoteKeys (a JWKS URL)', () => {
  it('picks up the next key with one fetch when it was published a cooldown ahead', async () => {
    // The Worker's successive deployments serve the key set; the verifier reaches the live one.
    let live = worker({ JWT_PRIVATE_JWK: JSON.stringify(current) })
    let fetches = 0
    const auth = jwtAuth({
      profile: taskInstanceProfile,
      keys: remoteKeys('https://issuer.test/execution/.well-known/jwks.json', {
        cooldownDuration: 100,
        cacheMaxAge: 60_000,
      }),
      algorithms: ['EdDSA', 'ES256'],
      fetch: (async () => {
        fetches++
        return live.get('/.well-known/jwks.json')
      }) as typeof fetch,
    })
    const verifier = new Hono().get('/x', auth, (c) => c.text('ok'))
    const call = async (token: string) =>
      (await verifier.request('/x', { headers: { authorization: `Bearer ${token}` } })).status

    expect(await call(await signedBy(current))).toBe(200)
    expect(fetches).toBe(1)
    // 1. Publish the next key; 2. a cooldown later, switch.
    live = worker({ JWT_PRIVATE_JWK: JSON.stringify(current), JWT_PUBLIC_JWKS: keySet(next) })
    await new Promise((resolve) => setTimeout(resolve, 120))
    live = worker({ JWT_PRIVATE_JWK: JSON.stringify(next), JWT_PUBLIC_JWKS: keySet(current) })
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) => signedBy(i % 2 ? next : current)),
    )
    expect(new Set(await Promise.all(tokens.map(call)))).toEqual(new Set([200]))
    expect(fetches).toBe(2)
  })
})

describe('shared-secret rotation (JWT_PREVIOUS_SECRET)', () => {
  const secretA = 'a'.repeat(32) + crypto.randomUUID() + crypto.randomUUID()
  const secretB = 'b'.repeat(32) + crypto.randomUUID() + crypto.randomUUID()
  const signedWith = (secret: string, expiresIn?: number) =>
    createIssuer({ profile: taskInstanceProfile, secret }).mint({
      sub: crypto.randomUUID(),
      expiresIn,
    })
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString()

  it('verifies tokens of the previous secret until JWT_PREVIOUS_SECRET_UNTIL, then no more', async () => {
    const old = await signedWith(secretA)
    const w = worker({
      JWT_SECRET: secretB,
      JWT_PREVIOUS_SECRET: secretA,
      JWT_PREVIOUS_SECRET_UNTIL: inSeconds(60),
    })
    expect(await statusWith(w, old)).toBe(404)
    expect(await statusWith(w, await signedWith(secretB))).toBe(404)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 61_000)
    // The token has 9 minutes left; the window is over.
    expect(await statusWith(w, old)).toBe(401)
    expect(await statusWith(w, await signedWith(secretB))).toBe(404)
  })

  it('never signs with the previous secret', async () => {
    const w = worker({
      JWT_SECRET: secretB,
      JWT_PREVIOUS_SECRET: secretA,
      JWT_PREVIOUS_SECRET_UNTIL: inSeconds(60),
      JWT_EXPIRATION_TIME: '20',
    })
    const res = await w.get('/variables/none', await signedWith(secretA, 20))
    const fresh = res.headers.get('refreshed-api-token') as string
    const onlyB = worker({ JWT_SECRET: secretB })
    expect(await statusWith(onlyB, fresh)).toBe(404)
  })

  it('answers "expired" for an expired token of the previous secret', async () => {
    const old = await signedWith(secretA, 30)
    const w = worker({
      JWT_SECRET: secretB,
      JWT_PREVIOUS_SECRET: secretA,
      JWT_PREVIOUS_SECRET_UNTIL: inSeconds(600),
    })
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 60_000)
    const res = await w.get('/variables/none', old)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Invalid auth token: expired' })
  })

  it('leaves out a previous secret whose window is over', async () => {
    const w = worker({
      JWT_SECRET: secretB,
      JWT_PREVIOUS_SECRET: secretA,
      JWT_PREVIOUS_SECRET_UNTIL: '2020-01-01T00:00:00Z',
    })
    expect(await statusWith(w, await signedWith(secretA))).toBe(401)
  })

  it.each([
    ['no JWT_PREVIOUS_SECRET_UNTIL', {}, /is required/],
    ['a time without offset', { JWT_PREVIOUS_SECRET_UNTIL: '2030-01-01T00:00:00' }, /RFC 3339/],
    [
      'a window longer than lifetime + leeway + 1 h',
      { JWT_PREVIOUS_SECRET_UNTIL: '2099-01-01T00:00:00Z' },
      /further away/,
    ],
    [
      'a short previous secret',
      { JWT_PREVIOUS_SECRET: 'short', JWT_PREVIOUS_SECRET_UNTIL: inSeconds(60) },
      /64 bytes/,
    ],
    [
      'no JWT_SECRET',
      { JWT_SECRET: undefined, JWT_PREVIOUS_SECRET_UNTIL: inSeconds(60) },
      /needs "JWT_SECRET"/,
    ],
  ])('refuses to start with %s', (_, overrides, message) => {
    const bindings = { ...env, JWT_SECRET: secretB, JWT_PREVIOUS_SECRET: secretA, ...overrides }
    expect(() => loadConfig(bindings)).toThrow(ConfigError)
    expect(() => loadConfig(bindings)).toThrow(message)
  })
})

describe('issuer and published keys (library)', () => {
  it('publishes publicKeys beside the signing key and signs with the private key only', async () => {
    const issuer = createIssuer({
      profile: taskInstanceProfile,
      privateJwk: current,
      publicKeys: [publicHalf(next)],
    })
    const { keys } = await issuer.jwks()
    expect(keys.map((k) => k.kid)).toEqual([current.kid, next.kid])
    const token = await issuer.mint({ sub: crypto.randomUUID() })
    expect(JSON.parse(atob(token.split('.')[0] as string)).kid).toBe(current.kid)
  })

  it.each([
    ['a private key', () => [next], /private key members/],
    ['a key without kid', () => [{ ...publicHalf(next), kid: undefined }], /"kid"/],
    [
      'another key under the signing kid',
      () => [{ ...publicHalf(next), kid: current.kid }],
      /another key/,
    ],
  ])('refuses %s in publicKeys', (_, keys, message) => {
    expect(() =>
      createIssuer({
        profile: taskInstanceProfile,
        privateJwk: current,
        publicKeys: keys() as JWK[],
      }),
    ).toThrow(message)
  })

  it('refuses publicKeys beside a shared secret: nothing is published then', () => {
    expect(() =>
      createIssuer({
        profile: taskInstanceProfile,
        secret: 'x'.repeat(64),
        publicKeys: [publicHalf(next)],
      }),
    ).toThrow(/needs a "privateJwk"/)
  })
})
