// The opt-in verified-token cache: bounds (entries, life), re-checks on hit, rotation, and that
// failures are never remembered. Verifications are counted through a `getKey` that counts lookups.

import { Hono } from 'hono'
import {
  createVerifier,
  ExpiredTokenError,
  InvalidTokenError,
  jwtAuth,
  type KeySetEvents,
  routeTable,
  TokenCache,
  type VerifyOptions,
} from 'hono-scoped-jwt'
import type { TIToken } from 'hono-scoped-jwt/airflow'
import { defineRoute, taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { generateSigningJwk } from 'hono-scoped-jwt/mint'
import { importJWK, type JWK, SignJWT } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'

const audience = 'urn:airflow.apache.org:task'
const sub = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b'
const seconds = () => Math.floor(Date.now() / 1000)

const keyPair = async () => {
  const jwk = await generateSigningJwk('EdDSA')
  const privateKey = await importJWK(jwk, 'EdDSA')
  const publicKey = (await importJWK({ ...jwk, d: undefined } as JWK, 'EdDSA')) as CryptoKey
  const sign = (claims: Record<string, unknown> = {}, lifetime = 600) => {
    const iat = seconds()
    return new SignJWT({ sub, aud: audience, iat, nbf: iat, exp: iat + lifetime, ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
      .sign(privateKey)
  }
  return { publicKey, sign }
}

const first = await keyPair()
const second = await keyPair()

/** A key lookup that counts calls (one per full verification) and can announce a rotation. */
const countingKeys = (key: CryptoKey) => {
  const listeners: (() => void)[] = []
  const state = { key, lookups: 0 }
  const getKey = Object.assign(
    async () => {
      state.lookups++
      return state.key
    },
    { onKeySetChange: (listener: () => void) => listeners.push(listener) } satisfies KeySetEvents,
  )
  const rotate = (next: CryptoKey) => {
    state.key = next
    for (const listener of listeners) listener()
  }
  return { state, getKey, rotate }
}

const verifierWith = (options: Partial<VerifyOptions> = {}) => {
  const keys = countingKeys(first.publicKey)
  const verify = createVerifier({
    profile: taskInstanceProfile,
    algorithms: ['EdDSA'],
    getKey: keys.getKey,
    cache: new TokenCache(),
    ...options,
  })
  return { verify, ...keys }
}

const claims = (exp: number, nbf = exp - 600) =>
  ({ sub, scope: 'execution', aud: audience, iat: nbf, nbf, exp }) as TIToken

afterEach(() => {
  vi.useRealTimers()
})

describe('TokenCache', () => {
  const t0 = 1_800_000_000_000
  const exp = t0 / 1000 + 600

  it('serves a remembered token, frozen, until maxAge', () => {
    const cache = new TokenCache({ maxAge: 60 })
    cache.set('a', claims(exp), 10, t0)
    const hit = cache.get('a', t0 + 59_999)
    expect(hit?.sub).toBe(sub)
    expect(Object.isFrozen(hit)).toBe(true)
    expect(cache.get('a', t0 + 60_000)).toBeUndefined()
    expect(cache.size).toBe(0)
    expect(cache.get('b', t0)).toBeUndefined()
  })

  it('never serves a token past exp + leeway, even within maxAge', () => {
    const cache = new TokenCache({ maxAge: 60 })
    cache.set('a', claims(t0 / 1000 + 5), 10, t0)
    expect(cache.get('a', t0 + 14_999)).toBeDefined()
    expect(cache.get('a', t0 + 15_000)).toBeUndefined()
  })

  it('does not remember a token already past exp + leeway', () => {
    const cache = new TokenCache()
    cache.set('a', claims(t0 / 1000 - 20), 10, t0)
    expect(cache.size).toBe(0)
  })

  it('re-checks nbf on a hit with the current time', () => {
    const cache = new TokenCache()
    cache.set('a', claims(exp, t0 / 1000 + 5), 10, t0)
    expect(cache.get('a', t0 - 5_001)).toBeUndefined()
  })

  it('evicts the least recently used token beyond maxEntries', () => {
    const cache = new TokenCache({ maxEntries: 3 })
    for (const token of ['a', 'b', 'c']) cache.set(token, claims(exp), 10, t0)
    expect(cache.get('a', t0)).toBeDefined()
    cache.set('d', claims(exp), 10, t0)
    expect(cache.size).toBe(3)
    expect(cache.get('b', t0)).toBeUndefined()
    for (const token of ['a', 'c', 'd']) expect(cache.get(token, t0)).toBeDefined()
  })

  it('clear() and delete() forget tokens', () => {
    const cache = new TokenCache()
    for (const token of ['a', 'b']) cache.set(token, claims(exp), 10, t0)
    expect(cache.delete('a')).toBe(true)
    expect(cache.get('a', t0)).toBeUndefined()
    cache.clear()
    expect(cache.size).toBe(0)
  })

  it('refuses bad options when constructed, quoting the option', () => {
    expect(() => new TokenCache({ maxEntries: 0 })).toThrow('"maxEntries"')
    expect(() => new TokenCache({ maxEntries: 1.5 })).toThrow('"maxEntries"')
    expect(() => new TokenCache({ maxAge: -1 })).toThrow('"maxAge"')
    expect(() => new TokenCache({ maxAge: Number.NaN })).toThrow('"maxAge"')
  })
})

describe('createVerifier({ profile: taskInstanceProfile, cache })', () => {
  it('verifies a token once, then serves it from the cache', async () => {
    const { verify, state } = verifierWith()
    const token = await first.sign()
    const a = await verify(token)
    const b = await verify(token)
    expect(b).toBe(a)
    expect(state.lookups).toBe(1)
    await verify(await first.sign({ jti: 'another' }))
    expect(state.lookups).toBe(2)
  })

  it('is off by default', async () => {
    const { verify, state } = verifierWith({ cache: undefined })
    const token = await first.sign()
    await verify(token)
    await verify(token)
    expect(state.lookups).toBe(2)
  })

  it('never caches a failure', async () => {
    const { verify, state } = verifierWith()
    const wrongAudience = await first.sign({ aud: 'urn:other' })
    const badSignature = await second.sign()
    for (let i = 0; i < 2; i++) {
      await expect(verify(wrongAudience)).rejects.toBeInstanceOf(InvalidTokenError)
      await expect(verify(badSignature)).rejects.toBeInstanceOf(InvalidTokenError)
    }
    expect(state.lookups).toBe(4)
  })

  it('answers expired once the token expires, although it was cached', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { verify, state } = verifierWith({ cache: new TokenCache({ maxAge: 600 }), leeway: 10 })
    const token = await first.sign({}, 20)
    await verify(token)
    vi.setSystemTime(Date.now() + 29_000)
    await verify(token)
    expect(state.lookups).toBe(1)
    vi.setSystemTime(Date.now() + 2_000)
    await expect(verify(token)).rejects.toBeInstanceOf(ExpiredTokenError)
    expect(state.lookups).toBe(2)
  })

  it('verifies again after maxAge', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { verify, state } = verifierWith({ cache: new TokenCache({ maxAge: 5 }) })
    const token = await first.sign()
    await verify(token)
    vi.setSystemTime(Date.now() + 5_000)
    await verify(token)
    expect(state.lookups).toBe(2)
  })

  it('is emptied when the key source announces a key-set change', async () => {
    const { verify, state, rotate } = verifierWith()
    const old = await first.sign()
    await verify(old)
    rotate(second.publicKey)
    await expect(verify(old)).rejects.toBeInstanceOf(InvalidTokenError)
    expect(state.lookups).toBe(2)
    await verify(await second.sign())
  })

  it('takes a cache the caller holds, cleared on the caller’s rotation, bound to one verifier', async () => {
    const cache = new TokenCache({ maxEntries: 2 })
    const { verify, state } = verifierWith({ cache })
    const token = await first.sign()
    await verify(token)
    expect(cache.size).toBe(1)
    cache.clear()
    await verify(token)
    expect(state.lookups).toBe(2)
    expect(() => verifierWith({ cache })).toThrow('"cache" is already used')
  })

  it('takes a TokenCache only: `true` or plain options are refused when the verifier is created', () => {
    for (const cache of [true, { maxAge: 5 }, {}]) {
      expect(() => verifierWith({ cache } as never)).toThrow(
        '"cache" must be a TokenCache (new TokenCache())',
      )
    }
  })
})

describe('jwtAuth({ profile: taskInstanceProfile, cache }) in an app', () => {
  it('answers every request, verifying a repeated token once', async () => {
    const { getKey, state } = countingKeys(first.publicKey)
    const route = defineRoute({ method: 'get', path: '/x', handler: (c) => c.json(c.var.tiToken) })
    const auth = jwtAuth({
      profile: taskInstanceProfile,
      algorithms: ['EdDSA'],
      getKey,
      cache: new TokenCache({ maxEntries: 10 }),
    })
    const app = routeTable(route, { auth }).mount(new Hono())
    const token = await first.sign()
    const headers = { authorization: `Bearer ${token}` }
    for (let i = 0; i < 3; i++) {
      const res = await app.request('/x', { headers })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ sub, scope: 'execution' })
    }
    expect(state.lookups).toBe(1)
    const bad = await app.request('/x', {
      headers: { authorization: `Bearer ${await second.sign()}` },
    })
    expect(bad.status).toBe(401)
  })
})
