// What an outside review broke (issue 10), one block per finding, each through the public API:
// key checks at creation, the gate, the table, the refresh, the client and the token cache.

import { Hono } from 'hono'
import type { HTTPException } from 'hono/http-exception'
import {
  createJwsVerifier,
  createVerifier,
  jwtAuth,
  localKeys,
  routeTable,
  TokenCache,
} from 'hono-scoped-jwt'
import { defineGroup, defineRoute, taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { remoteKeys } from 'hono-scoped-jwt/remote'
import { decodeJwt, generateKeyPair, importJWK, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { canonicalToken } from '../../src/auth/verify/cache'
import { createTaskClient } from '../../src/client/index'
import { otherTiId } from '../auth/helpers'
import { appWith, b64u, bearer, claims, ed25519Signer, hs256, tiId } from './helpers'

const hex = (h: string) => new Uint8Array(h.match(/../g)?.map((x) => Number.parseInt(x, 16)) ?? [])
const okpKey = (x: string, kid = 'k') => ({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid, x })
const ok = (c: { json: (v: unknown) => Response }) => c.json({ ok: true })

// Every small-order point of Ed25519 (orders 1, 2, 4 and 8), both signs where a sign exists.
const smallOrder = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
]
const notAPoint = [
  ['y = p (non-canonical)', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  [
    'x = 0 with the sign bit set',
    '0100000000000000000000000000000000000000000000000000000000000080',
  ],
  ['y = 2 (no such point)', `02${'00'.repeat(31)}`],
]

/** A token that verifies under any small-order key: R = the identity, S = 0. */
const forged = (kid: string) => {
  const input = `${b64u(JSON.stringify({ alg: 'EdDSA', kid }))}.${b64u(JSON.stringify(claims({ sub: otherTiId })))}`
  return `${input}.${b64u(new Uint8Array([...hex(smallOrder[0] as string), ...new Uint8Array(32)]))}`
}

/** A key set endpoint serving fixed keys. */
const keySet = (keys: unknown[]) => async () =>
  new Response(JSON.stringify({ keys }), { headers: { 'content-type': 'application/json' } })

describe('1. Ed25519 points that are not sound keys', () => {
  it.each(smallOrder)('small order %s: refused in localKeys', (x) => {
    expect(() =>
      jwtAuth({
        profile: taskInstanceProfile,
        algorithms: ['EdDSA'],
        keys: localKeys([okpKey(b64u(hex(x)))]),
      }),
    ).toThrow(/"localKeys" has a key that is an Ed25519 point of small order/)
  })

  it('every generated Ed25519 public key is a sound point (the square root finds its x)', async () => {
    const { ed25519PointProblem } = await import('../../src/auth/keys/curves')
    for (let i = 0; i < 200; i++) {
      const pair = (await crypto.subtle.generateKey('Ed25519', true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair
      const raw = new Uint8Array(
        (await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer,
      )
      expect(ed25519PointProblem(raw)).toBeUndefined()
    }
  })

  it.each(notAPoint)('%s: refused in localKeys', (_, x) => {
    expect(() =>
      jwtAuth({
        profile: taskInstanceProfile,
        algorithms: ['EdDSA'],
        keys: localKeys([okpKey(b64u(hex(x)))]),
      }),
    ).toThrow(/not a canonical Ed25519 point/)
  })

  it('as an extractable CryptoKey: checked on first use, the forged token gets 401', async () => {
    const x = b64u(hex(smallOrder[0] as string))
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'OKP', crv: 'Ed25519', x },
      'Ed25519',
      true,
      ['verify'],
    )
    const app = appWith({
      algorithms: ['EdDSA'],
      keys: localKeys([{ key, alg: 'EdDSA', kid: 'zero' }]),
    })
    const res = await app.request('/x', bearer(forged('zero')))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('The key for this token cannot verify it')
  })

  it('through remoteKeys: the small-order key is dropped, the forged token gets 401', async () => {
    const good = await ed25519Signer('good')
    const app = appWith({
      algorithms: ['EdDSA'],
      keys: remoteKeys('https://keys.test/jwks.json'),
      fetch: keySet([good.jwk, okpKey(b64u(hex(smallOrder[0] as string)), 'zero')]) as typeof fetch,
    })
    const res = await app.request('/x', bearer(forged('zero')))
    expect(res.status).toBe(401)
    expect((await app.request('/x', bearer(await good.token(claims())))).status).toBe(200)
  })
})

// A 2048-bit public modulus with the ROCA fingerprint, from the ROCA authors' detector tests:
// github.com/crocs-muni/roca, roca/tests/data/mod03.txt (a positive sample).
const rocaModulus =
  '9dcd7420e420c270a68060eb8b5aa7457a9f6648f86fafed2775cc1f79ae962f1e63f1b9e51c55f9ea6fdc7332e9b0058c9ff2eb1fc89855029cf6aafe21e689feb38ac9ffb12f1ce371bb5d0e9aae64161abce74b4244bf68f1edb4411f756a097c8929c14740245ea355f8332d1aa36bb50c7dcb4505da8de02e4e53d38f8df06097da7524df0df93db48eac8cc4af2d3a16257eb2b2adca6ba464e5974fa92550d31b1babf161e7692d00b86e3dd886ecab4abfbe1a8f8cc263ff4af55cdb45f4249a5193925f5e983d762f0b6800943eb0267b08f42ed311ce1f5c86eacbc8ce4d3cb7a2fee1ef5641423a1cf4114e5ecf50034a60a412523af9e6f4aa11'
const rocaJwk = { kty: 'RSA', alg: 'RS256', kid: 'roca', n: b64u(hex(rocaModulus)), e: 'AQAB' }

describe('8. ROCA moduli (CVE-2017-15361)', () => {
  it('refused in localKeys', () => {
    expect(() =>
      jwtAuth({ profile: taskInstanceProfile, algorithms: ['RS256'], keys: localKeys([rocaJwk]) }),
    ).toThrow(/ROCA fingerprint/)
  })

  it('generated RSA keys pass', async () => {
    const jwk = await generateSigningJwk('RS256')
    expect(() => createIssuer({ profile: taskInstanceProfile, privateJwk: jwk })).not.toThrow()
  })

  it('through remoteKeys: the set holding only a ROCA key is unusable, so nothing verifies (503)', async () => {
    const app = appWith({
      algorithms: ['RS256'],
      keys: remoteKeys('https://keys.test/jwks.json'),
      fetch: keySet([rocaJwk]) as typeof fetch,
    })
    const token = `${b64u(JSON.stringify({ alg: 'RS256', kid: 'roca' }))}.${b64u('{}')}.${b64u(new Uint8Array(256))}`
    expect((await app.request('/x', bearer(token))).status).toBe(503)
  })
})

describe('7. broken keys refused when the middleware or issuer is created', () => {
  const ecKey = async () => {
    const jwk = await generateSigningJwk('ES256')
    const { d: _, ...pub } = jwk
    return { jwk, pub }
  }

  it('an off-curve EC point', async () => {
    const { pub } = await ecKey()
    const bent = { ...pub, y: b64u(new Uint8Array(32).fill(7)) }
    expect(() =>
      jwtAuth({ profile: taskInstanceProfile, algorithms: ['ES256'], keys: localKeys([bent]) }),
    ).toThrow(/is an EC point that is not on P-256/)
  })

  it('an EC key without "y", or with a 31-byte "x"', async () => {
    const { pub } = await ecKey()
    const { y: _, ...noY } = pub
    expect(() =>
      jwtAuth({ profile: taskInstanceProfile, algorithms: ['ES256'], keys: localKeys([noY]) }),
    ).toThrow(/without a valid/)
    const short = { ...pub, x: b64u(new Uint8Array(31).fill(1)) }
    expect(() =>
      jwtAuth({ profile: taskInstanceProfile, algorithms: ['ES256'], keys: localKeys([short]) }),
    ).toThrow(/not 32 bytes/)
  })

  it('an Ed25519 key with a 31-byte "x"', () => {
    expect(() =>
      jwtAuth({
        profile: taskInstanceProfile,
        algorithms: ['EdDSA'],
        keys: localKeys([okpKey(b64u(new Uint8Array(31).fill(9)))]),
      }),
    ).toThrow(/Ed25519 key of 31 bytes/)
  })

  // Refused when the factory runs (an RSA `d` against its CRT exponents) or on first use (Web
  // Crypto's proof that what the private part signs, the public half verifies): either way the
  // mixed key never signs, and never verifies (503: the service has no usable key; the cause says why).
  const refusal = async (attempt: () => Promise<unknown>) => {
    try {
      await attempt()
    } catch (error) {
      return String(error)
    }
    return 'accepted'
  }
  it.each(['EdDSA', 'ES256', 'ES384', 'ES512', 'RS256'] as const)(
    'a %s private JWK whose "d" is another key\'s: refused by issuer and middleware',
    async (alg) => {
      const [one, other] = [await generateSigningJwk(alg), await generateSigningJwk(alg)]
      const mixed = { ...one, d: other.d }
      const mismatch = 'has a private part \\("d"\\) that does not match'
      const token = await createIssuer({ profile: taskInstanceProfile, privateJwk: one }).mint({
        sub: tiId,
      })
      const mint = async () =>
        createIssuer({ profile: taskInstanceProfile, privateJwk: mixed }).mint({ sub: tiId })
      const serve = async () => {
        let cause: unknown
        const app = new Hono()
          .use(
            jwtAuth({ profile: taskInstanceProfile, algorithms: [alg], keys: localKeys([mixed]) }),
          )
          .get('/x', (c) => c.text('ok'))
          .onError((error) => {
            cause = error.cause
            return (error as HTTPException).getResponse()
          })
        // The token's signature holds with the public half (it is `one`'s): only the pair proof
        // refuses, and no answer comes before it, for requests racing it on a cold start or after.
        const racing = await Promise.all([1, 2].map(() => app.request('/x', bearer(token))))
        expect(racing.map((res) => res.status)).toEqual([503, 503])
        expect((await app.request('/x', bearer(token))).status).toBe(503)
        throw cause
      }
      // The signature layer alone waits for the proof too.
      const jws = async () => {
        const verifyJws = createJwsVerifier({ algorithms: [alg], keys: localKeys([mixed]) })
        try {
          return await verifyJws(token)
        } catch (error) {
          throw (error as { status?: number; cause?: unknown }).status === 503
            ? (error as { cause: unknown }).cause
            : error
        }
      }
      expect(await refusal(mint)).toMatch(new RegExp(`"privateJwk" ${mismatch}`))
      expect(await refusal(serve)).toMatch(new RegExp(`"localKeys" ${mismatch}`))
      expect(await refusal(jws)).toMatch(new RegExp(`"localKeys" ${mismatch}`))
      // The genuine key still passes, and signs what it verifies.
      const issuer = createIssuer({ profile: taskInstanceProfile, privateJwk: one })
      const verify = createVerifier({
        profile: taskInstanceProfile,
        algorithms: [alg],
        keys: localKeys([one]),
      })
      expect((await verify(await issuer.mint({ sub: tiId }))).sub).toBe(tiId)
    },
  )
})

describe('4. a "secret" that is public-key material', async () => {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const spki = new Uint8Array(
    (await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer,
  )
  const raw = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer)
  const rsa = await generateSigningJwk('RS256')
  const rsaSpki = new Uint8Array(
    (await crypto.subtle.exportKey(
      'spki',
      await crypto.subtle.importKey(
        'jwk',
        { kty: 'RSA', n: rsa.n, e: rsa.e },
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        true,
        ['verify'],
      ),
    )) as ArrayBuffer,
  )
  const jwk = { ...(await generateSigningJwk('EdDSA')), d: undefined }
  const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))

  it.each<[string, string | Uint8Array]>([
    ['SPKI DER bytes (EC)', spki],
    ['SPKI DER bytes (RSA)', rsaSpki],
    ['SPKI base64 without armour', base64(rsaSpki)],
    ['SPKI base64 wrapped at 64 columns', base64(rsaSpki).replace(/.{64}/g, '$&\n')],
    ['SPKI base64url', b64u(spki)],
    ['a raw uncompressed EC point', raw],
    ['JWK set text', JSON.stringify({ keys: [jwk] })],
    ['[jwk] text', JSON.stringify([jwk])],
  ])('%s: refused, so no token MACed with it verifies', async (_, secret) => {
    expect(() => appWith({ algorithms: ['HS256'], secret })).toThrow(/"secret" looks like a key/)
    expect(() =>
      createIssuer({ profile: taskInstanceProfile, algorithm: 'HS256', secret }),
    ).toThrow(/looks like a key/)
  })

  it('random secrets, as bytes and as base64, still pass', async () => {
    for (let i = 0; i < 200; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(64))
      const app = appWith({ algorithms: ['HS256'], secret: bytes })
      const token = await hs256(bytes, { alg: 'HS256' }, claims())
      if (i === 0) expect((await app.request('/x', bearer(token))).status).toBe(200)
      expect(() => appWith({ algorithms: ['HS256'], secret: base64(bytes) })).not.toThrow()
    }
  })
})

describe('5. scopes named like Object.prototype members', () => {
  const keysFor = async () => {
    const jwk = await generateSigningJwk()
    return {
      auth: jwtAuth({
        profile: taskInstanceProfile,
        algorithms: ['EdDSA'],
        keys: localKeys([jwk]),
      }),
    }
  }
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'x:toString'])(
    '%s without a checker: a build error',
    async (scope) => {
      const { auth } = await keysFor()
      const table = defineGroup({
        path: '/a',
        routes: [defineRoute({ method: 'get', path: '/x', scopes: [scope as 'a:b'], handler: ok })],
      })
      expect(() => routeTable(table, { auth, checkers: {} })).toThrow(/Unknown scope/)
    },
  )
})

describe('6. routes that match the same requests', () => {
  it('/ti/:id/info and /ti/:task_instance_id/info are a build error', async () => {
    const auth = jwtAuth({
      profile: taskInstanceProfile,
      algorithms: ['EdDSA'],
      keys: localKeys([await generateSigningJwk()]),
    })
    const table = defineGroup({
      path: '/ti',
      routes: [
        defineRoute({ method: 'get', path: '/:id/info', handler: ok }),
        defineRoute({
          method: 'get',
          path: '/:task_instance_id/info',
          scopes: ['ti:self'],
          handler: ok,
        }),
      ],
    })
    expect(() => routeTable(table, { auth })).toThrow(
      'Routes match the same requests: GET /ti/:id/info and GET /ti/:task_instance_id/info',
    )
  })

  it('another method, or a static segment, is a different route', async () => {
    const auth = jwtAuth({
      profile: taskInstanceProfile,
      algorithms: ['EdDSA'],
      keys: localKeys([await generateSigningJwk()]),
    })
    const table = defineGroup({
      path: '/ti',
      routes: [
        defineRoute({ method: 'get', path: '/:id/info', handler: ok }),
        defineRoute({ method: 'put', path: '/:task_instance_id/info', handler: ok }),
        defineRoute({ method: 'get', path: '/:id/other', handler: ok }),
      ],
    })
    expect(() => routeTable(table, { auth })).not.toThrow()
  })
})

describe('9. the client takes Refreshed-API-Token from the API only', () => {
  const answer = (status: number, headers: Record<string, string>, url = '') => {
    const res = new Response(status === 302 ? null : '{}', { status, headers })
    if (url) Object.defineProperty(res, 'url', { value: url })
    if (url) Object.defineProperty(res, 'redirected', { value: true })
    return res
  }
  const clientWith = (res: () => Response) =>
    // biome-ignore lint/suspicious/noExplicitAny: an untyped app: only the header swap matters
    createTaskClient<Hono<any, any, any>>('https://api.test/base', {
      token: 'start',
      fetch: async () => res(),
    })
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const call = (client: { api: any }) => client.api.x.$get()

  it('a redirect to another origin that sets the header: ignored', async () => {
    const client = clientWith(() =>
      answer(200, { 'refreshed-api-token': 'evil' }, 'https://evil.test/'),
    )
    await call(client)
    expect(client.token).toBe('start')
  })

  it('a 3xx carrying the header: ignored', async () => {
    const client = clientWith(() =>
      answer(302, { 'refreshed-api-token': 'evil', location: 'https://evil.test/' }),
    )
    await call(client)
    expect(client.token).toBe('start')
  })

  it('the API itself, also after a same-origin redirect: taken', async () => {
    const client = clientWith(() =>
      answer(200, { 'refreshed-api-token': 'fresh' }, 'https://api.test/base/x'),
    )
    await call(client)
    expect(client.token).toBe('fresh')
  })
})

describe('9. the client does not follow redirects with the bearer token', () => {
  it('asks fetch for redirect: manual unless told otherwise', async () => {
    const seen: (RequestInit['redirect'] | undefined)[] = []
    // biome-ignore lint/suspicious/noExplicitAny: an untyped app: only the request init matters
    const client = createTaskClient<Hono<any, any, any>>('https://api.test', {
      token: 't',
      fetch: async (_, init) => {
        seen.push(init?.redirect)
        return new Response('{}')
      },
    })
    // biome-ignore lint/suspicious/noExplicitAny: see above
    await (client.api as any).x.$get()
    expect(seen).toEqual(['manual'])
  })
})

/** A table with one `/run` route that takes workload tokens and exchanges them. */
const exchangeApp = (
  jwk: Awaited<ReturnType<typeof generateSigningJwk>>,
  issuer: ReturnType<typeof createIssuer>,
  handler: typeof ok,
) =>
  routeTable(
    defineGroup({
      path: '/ti/:task_instance_id',
      scopes: ['ti:self'],
      routes: [
        defineRoute({
          method: 'patch',
          path: '/run',
          scopes: ['token:workload'],
          exchange: true,
          handler,
        }),
      ],
    }),
    {
      auth: jwtAuth({
        profile: taskInstanceProfile,
        algorithms: ['EdDSA'],
        keys: localKeys([jwk]),
      }),
      issuer,
    },
  ).mount(new Hono())

describe('10. no refresh for a request its route policy refused', () => {
  it('app.use(prefix, auth) + a mounted table: 403 without Refreshed-API-Token', async () => {
    const jwk = await generateSigningJwk()
    const issuer = createIssuer({ profile: taskInstanceProfile, privateJwk: jwk })
    const auth = jwtAuth({
      profile: taskInstanceProfile,
      algorithms: ['EdDSA'],
      keys: localKeys([jwk]),
    })
    const table = routeTable(
      defineGroup({
        path: '/ti/:task_instance_id',
        scopes: ['ti:self'],
        routes: [defineRoute({ method: 'get', path: '/info', handler: ok })],
      }),
      { auth, issuer },
    )
    const app = new Hono()
    app.use('/ti/*', auth)
    table.mount(app)
    // 550 s into a 600 s token of task A: due for refresh.
    const nearExpiry = await issuer.mint({ sub: tiId, expiresIn: 600 })
    const past = Date.now
    Date.now = () => past() + 550_000
    try {
      const denied = await app.request(`/ti/${otherTiId}/info`, bearer(nearExpiry))
      expect(denied.status).toBe(403)
      expect(denied.headers.get('refreshed-api-token')).toBeNull()
      const allowed = await app.request(`/ti/${tiId}/info`, bearer(nearExpiry))
      expect(allowed.status).toBe(200)
      expect(decodeJwt(allowed.headers.get('refreshed-api-token') ?? '')).toMatchObject({
        sub: tiId,
      })
    } finally {
      Date.now = past
    }
  })
})

describe('11. ECDSA twins are one token to the cache', () => {
  // Curve orders (SEC 2) and their byte sizes: the twin of (r, s) is (r, n − s).
  const orders = {
    ES256: [32, 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n],
    ES384: [
      48,
      0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    ],
    ES512: [
      66,
      0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    ],
  } as const
  const twin = (token: string, alg: keyof typeof orders) => {
    const [size, n] = orders[alg]
    const [h, p, sig] = token.split('.') as [string, string, string]
    const bytes = Uint8Array.from(atob(sig.replaceAll('-', '+').replaceAll('_', '/')), (c) =>
      c.charCodeAt(0),
    )
    const hex = [...bytes.subarray(size)].map((b) => b.toString(16).padStart(2, '0')).join('')
    let s = n - BigInt(`0x${hex}`)
    for (let i = 2 * size - 1; i >= size; i--) {
      bytes[i] = Number(s & 0xffn)
      s >>= 8n
    }
    return `${h}.${p}.${b64u(bytes)}`
  }

  it('the (r, n − s) twin verifies, shares the entry, and one delete forgets both', async () => {
    const jwk = await generateSigningJwk('ES256')
    const issuer = createIssuer({ profile: taskInstanceProfile, privateJwk: jwk })
    const cache = new TokenCache()
    const app = appWith({ algorithms: ['ES256'], keys: localKeys([jwk]), cache })
    const token = await issuer.mint({ sub: tiId })
    const other = twin(token, 'ES256')
    expect(other).not.toBe(token)
    expect(canonicalToken(other)).toBe(canonicalToken(token))
    expect((await app.request('/x', bearer(token))).status).toBe(200)
    expect((await app.request('/x', bearer(other))).status).toBe(200)
    expect(cache.size).toBe(1)
    expect(cache.delete(other)).toBe(true)
    expect(cache.size).toBe(0)
  })

  it.each(['ES384', 'ES512'] as const)('%s twins have one spelling too', async (alg) => {
    const { privateKey } = await generateKeyPair(alg)
    const token = await new SignJWT({ sub: tiId }).setProtectedHeader({ alg }).sign(privateKey)
    const other = twin(token, alg)
    expect(other).not.toBe(token)
    expect(canonicalToken(other)).toBe(canonicalToken(token))
  })

  it('non-ECDSA tokens are their own spelling', async () => {
    const signer = await ed25519Signer()
    const token = await signer.token(claims())
    expect(canonicalToken(token)).toBe(token)
  })
})

describe('12. typ', () => {
  const run = async (header: Record<string, unknown>, options = {}) => {
    const signer = await ed25519Signer()
    const app = appWith({ algorithms: ['EdDSA'], keys: localKeys([signer.jwk]), ...options })
    return app.request('/x', bearer(await signer.token(claims(), header)))
  }

  it.each(['at+jwt', 'dpop+jwt', 'JWE', 'logout+jwt', 'secevent+jwt', 'nonsense', 'text/jwt'])(
    'typ %s: 401',
    async (typ) => {
      const res = await run({ typ })
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toContain('The token type (typ) is not accepted')
    },
  )

  it.each([undefined, 'JWT', 'jwt', 'application/jwt', 'Application/JWT'])(
    'typ %s: 200',
    async (typ) => {
      expect((await run(typ === undefined ? {} : { typ })).status).toBe(200)
    },
  )

  it('a non-string typ: 401', async () => {
    expect((await run({ typ: 1 })).status).toBe(401)
  })

  it('types and requireType are settable', async () => {
    const options = { types: ['at+jwt'], requireType: true }
    expect((await run({ typ: 'application/at+jwt' }, options)).status).toBe(200)
    expect((await run({ typ: 'JWT' }, options)).status).toBe(401)
    expect((await run({}, options)).status).toBe(401)
  })
})

describe('smaller findings', () => {
  it('Bearer<TAB>token: 400 malformed, like two spaces', async () => {
    const signer = await ed25519Signer()
    const app = appWith({ algorithms: ['EdDSA'], keys: localKeys([signer.jwk]) })
    const token = await signer.token(claims())
    const res = await app.request('/x', { headers: { authorization: `Bearer\t${token}` } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ detail: 'Malformed authorization header' })
  })

  it('minting over maxTokenLength is refused, naming the limit', async () => {
    const issuer = createIssuer({
      profile: taskInstanceProfile,
      privateJwk: await generateSigningJwk(),
    })
    await expect(issuer.mint({ sub: tiId, claims: { pad: 'x'.repeat(8_000) } })).rejects.toThrow(
      /over "maxTokenLength" \(8192\)/,
    )
    const small = createIssuer({
      profile: taskInstanceProfile,
      privateJwk: await generateSigningJwk(),
      maxTokenLength: 400,
    })
    await expect(small.mint({ sub: tiId, claims: { pad: 'x'.repeat(200) } })).rejects.toThrow(
      /over "maxTokenLength" \(400\)/,
    )
  })

  it('a workload token whose exchange would not fit is refused at minting; the largest that fits exchanges', async () => {
    const jwk = await generateSigningJwk()
    const issuer = createIssuer({ profile: taskInstanceProfile, privateJwk: jwk })
    const app = exchangeApp(jwk, issuer, ok)
    const mint = (size: number) =>
      issuer.mint({ sub: tiId, scope: 'workload', claims: { pad: 'x'.repeat(size) } })
    // The largest pad the issuer still mints a workload token for.
    let low = 0
    let high = 8192
    while (high - low > 1) {
      const mid = (low + high) >> 1
      if (
        await mint(mid).then(
          () => true,
          () => false,
        )
      )
        low = mid
      else high = mid
    }
    await expect(mint(high)).rejects.toThrow(/its exchange would be over "maxTokenLength" \(8192\)/)
    const workload = await mint(low)
    const res = await app.request(`/ti/${tiId}/run`, { method: 'PATCH', ...bearer(workload) })
    expect(res.status).toBe(200)
    const fresh = res.headers.get('refreshed-api-token') ?? ''
    expect(fresh.length).toBeLessThanOrEqual(8192)
    expect(decodeJwt(fresh)).toMatchObject({ sub: tiId, scope: 'execution' })
  })

  it('a foreign workload token whose exchange would not fit: 401 before the handler runs, never 500', async () => {
    const jwk = await generateSigningJwk()
    let handled = 0
    const app = exchangeApp(
      jwk,
      createIssuer({ profile: taskInstanceProfile, privateJwk: jwk }),
      (c) => {
        handled++
        return ok(c)
      },
    )
    // Another signer (no jti, no typ) pads its workload token to just under the limit: valid
    // here, but its execution token (a jti, a typ, one more character of scope) would be over it.
    const key = await importJWK(jwk, 'EdDSA')
    const now = Math.floor(Date.now() / 1000)
    const sign = (pad: number) =>
      new SignJWT({ scope: 'workload', pad: 'x'.repeat(pad) })
        .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
        .setSubject(tiId)
        .setAudience('urn:airflow.apache.org:task')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(key)
    const base = (await sign(0)).length
    let token = await sign(Math.floor(((8192 - base) * 3) / 4))
    while (token.length > 8192) token = await sign(String(decodeJwt(token).pad).length - 1)
    expect(token.length).toBeGreaterThan(8180)
    const res = await app.request(`/ti/${tiId}/run`, { method: 'PATCH', ...bearer(token) })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Invalid auth token' })
    expect(res.headers.get('www-authenticate')).toContain('The token is too long to exchange')
    expect(res.headers.get('refreshed-api-token')).toBeNull()
    expect(handled).toBe(0)
  })

  it('a near-expiry refresh that would exceed the limit is skipped, never 500 or an over-long token', async () => {
    const jwk = await generateSigningJwk()
    const issuer = createIssuer({ profile: taskInstanceProfile, privateJwk: jwk })
    const auth = jwtAuth({
      profile: taskInstanceProfile,
      algorithms: ['EdDSA'],
      keys: localKeys([jwk]),
    })
    const app = routeTable(
      defineGroup({
        path: '/ti/:task_instance_id',
        scopes: ['ti:self'],
        routes: [defineRoute({ method: 'put', path: '/heartbeat', handler: ok })],
      }),
      { auth, issuer },
    ).mount(new Hono())
    // Signed elsewhere, without `jti` and 8,150 characters long: re-minted, it gains a `jti`.
    const key = await crypto.subtle.importKey('jwk', jwk as JsonWebKey, 'Ed25519', false, ['sign'])
    const iat = Math.floor(Date.now() / 1000) - 550
    const body = { sub: tiId, aud: 'urn:airflow.apache.org:task', iat, nbf: iat, exp: iat + 600 }
    const sign = async (pad: string) => {
      const input = `${b64u(JSON.stringify({ alg: 'EdDSA', kid: jwk.kid }))}.${b64u(JSON.stringify({ ...body, pad }))}`
      const sig = await crypto.subtle.sign('Ed25519', key, new TextEncoder().encode(input))
      return `${input}.${b64u(new Uint8Array(sig))}`
    }
    let token = await sign('')
    token = await sign('x'.repeat(Math.floor(((8150 - token.length) * 3) / 4)))
    expect(token.length).toBeGreaterThan(8100)
    expect(token.length).toBeLessThanOrEqual(8192)
    const res = await app.request(`/ti/${tiId}/heartbeat`, { method: 'PUT', ...bearer(token) })
    expect(res.status).toBe(200)
    expect(res.headers.get('refreshed-api-token')).toBeNull()
  })

  it('"not valid yet" describes a future nbf only; a token without nbf is accepted', async () => {
    const signer = await ed25519Signer()
    const app = appWith({ algorithms: ['EdDSA'], keys: localKeys([signer.jwk]) })
    const res = await app.request('/x', bearer(await signer.token(claims({ nbf: undefined }))))
    expect(res.status).toBe(200)
    const early = await app.request('/x', bearer(await signer.token(claims({ nbf: 4e9 }))))
    expect(early.status).toBe(401)
    expect(early.headers.get('www-authenticate')).toContain('The token is not valid yet')
  })
})
