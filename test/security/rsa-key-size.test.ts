import { Hono } from 'hono'
import type { HTTPException } from 'hono/http-exception'
import { accessTokenProfile, jwtAuth, localKeys } from 'hono-scoped-jwt'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { remoteKeys } from 'hono-scoped-jwt/remote'
import { afterEach, describe, expect, it } from 'vitest'
import { b64u, bearer, tiId } from './helpers'

// Issue 19, item 1: one RSA key with a huge modulus in a key set held the event loop for seconds
// (its modulus was read into a BigInt byte by byte: quadratic). RSA moduli are bounded (2048 to
// 16384 bits, the most Web Crypto verifies with) and every check of a key is linear.

/** An RSA public JWK whose modulus has `bits` bits (top bit set; not a real key: only checked). */
const rsaJwk = (bits: number, kid = 'big') => {
  const n = new Uint8Array(Math.ceil(bits / 8))
  for (let i = 0; i < n.length; i += 65536) crypto.getRandomValues(n.subarray(i, i + 65536))
  n[0] = (n[0] as number) | 0x80
  n[n.length - 1] = (n[n.length - 1] as number) | 1
  return { kty: 'RSA', alg: 'RS256', kid, n: b64u(n), e: 'AQAB' }
}

// 94 KiB of modulus: what fits the default key set response cap, as the review sent it.
const huge = rsaJwk(94 * 1024 * 8)
const tooLarge =
  /is an RSA key of 770048 bits \(at most 16384, the largest Web Crypto verifies with\)/

/** The middleware on these public keys (the access profile, named: no default is relied on). */
const withKeys = (keys: object[]) =>
  jwtAuth({
    profile: accessTokenProfile(),
    audience: 'api',
    algorithms: ['RS256'],
    keys: localKeys(keys),
  })

const serving = (keys: unknown[]) => async () =>
  new Response(JSON.stringify({ keys }), { headers: { 'content-type': 'application/json' } })

/** An app on `remoteKeys` served `keys`; `causes` collects each error's cause. */
const remoteApp = (keys: unknown[]) => {
  const causes: string[] = []
  const app = new Hono()
    .use(
      jwtAuth({
        profile: accessTokenProfile(),
        audience: 'api',
        algorithms: ['RS256'],
        keys: remoteKeys('https://keys.test/jwks.json'),
        fetch: serving(keys) as typeof fetch,
      }),
    )
    .get('/x', (c) => c.text('ok'))
    .onError((error) => {
      causes.push(String(error.cause))
      return (error as HTTPException).getResponse()
    })
  return { app, causes }
}

describe('RSA key sizes', () => {
  it('a modulus over 16384 bits is refused in localKeys, naming the bound', () => {
    expect(() => withKeys([huge])).toThrow(tooLarge)
    expect(() => withKeys([rsaJwk(16392)])).toThrow(/RSA key of 16392 bits \(at most 16384/)
  })

  it('a key set holding only the huge key is unusable: 503, the cause names the bound', async () => {
    const { app, causes } = remoteApp([huge])
    const token = `${b64u(JSON.stringify({ alg: 'RS256', kid: 'big' }))}.${b64u('{}')}.${b64u(new Uint8Array(256))}`
    const res = await app.request('/x', bearer(token))
    expect(res.status).toBe(503)
    expect(causes.join()).toMatch(/no usable key: key "big" /)
    expect(causes.join()).toMatch(tooLarge)
  })

  it('beside it, a sound key of the same set still verifies', async () => {
    const jwk = await generateSigningJwk('RS256')
    const issuer = createIssuer({ profile: accessTokenProfile(), audience: 'api', privateJwk: jwk })
    const { d: _, p: __, q: ___, dp: ____, dq: _____, qi: ______, ...pub } = jwk
    const { app } = remoteApp([huge, pub])
    const res = await app.request('/x', bearer(await issuer.mint({ sub: tiId })))
    expect(res.status).toBe(200)
  })
})

describe('checking an RSA modulus is linear by construction', () => {
  // The quadratic step was one `BigInt(byte)` per byte of the modulus. The checks now read a
  // modulus as bytes (bit length, ROCA residues): how many BigInts they build does not grow with it.
  const real = globalThis.BigInt
  let built = 0
  const counting = Object.assign(
    (value: string | number | bigint | boolean) => {
      built++
      return real(value)
    },
    { asIntN: real.asIntN, asUintN: real.asUintN },
  ) as BigIntConstructor
  const bigintsFor = (bits: number) => {
    const jwk = rsaJwk(bits, `k${bits}`)
    built = 0
    globalThis.BigInt = counting
    try {
      withKeys([jwk])
    } finally {
      globalThis.BigInt = real
    }
    return built
  }
  afterEach(() => {
    globalThis.BigInt = real
  })

  it('a 16384-bit modulus builds no more BigInts than a 2048-bit one', () => {
    expect(bigintsFor(16384)).toBe(bigintsFor(2048))
  })
})
