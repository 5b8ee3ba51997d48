// Named attacks, table-driven, through an app: each answers 400 or 401 with the contract's body,
// never 2xx, never 5xx, and never echoes the token.
import { describe, expect, it, vi } from 'vitest'
import { localKeys } from '../../src/auth/keys/local-keys'
import { remoteKeys } from '../../src/auth/keys/remote-sources'
import { appWith, b64u, bearer, claims, ed25519Signer, hs256, now } from './helpers'

const signer = await ed25519Signer()
const attacker = await ed25519Signer(signer.jwk.kid)
const app = appWith({ algorithms: ['EdDSA'], keys: localKeys([signer.jwk]) })
const roomy = appWith({
  algorithms: ['EdDSA'],
  keys: localKeys([signer.jwk]),
  maxTokenLength: 2_000_000,
})

// An RSA verifier, for HS256 tokens MACed with the public key's own bytes.
const rsa = (await crypto.subtle.generateKey(
  {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  },
  true,
  ['sign', 'verify'],
)) as CryptoKeyPair
const rsaJwk = (await crypto.subtle.exportKey('jwk', rsa.publicKey)) as JsonWebKey
const rsaPublic = { kty: 'RSA', n: rsaJwk.n, e: rsaJwk.e, alg: 'RS256', kid: 'rsa' }
const spki = new Uint8Array((await crypto.subtle.exportKey('spki', rsa.publicKey)) as ArrayBuffer)
const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki))}\n-----END PUBLIC KEY-----\n`
const rsaApps = [
  appWith({ algorithms: ['RS256'], keys: localKeys([rsaPublic]) }),
  appWith({ algorithms: ['RS256', 'HS256'], keys: localKeys([rsaPublic]) }),
]

const enc = (value: unknown) => b64u(JSON.stringify(value))
const valid = claims()
const header = { alg: 'EdDSA', kid: signer.jwk.kid }
const rawBytes = (...bytes: number[]) => b64u(new Uint8Array(bytes))
const utf8 = (text: string) => [...new TextEncoder().encode(text)]
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`

/** [name, Authorization header value(s)]; a token is sent as `Bearer <token>`. */
const attacks: [string, () => Promise<string | string[]>][] = [
  ...['none', 'None', 'NONE', 'nOnE'].flatMap((alg): [string, () => Promise<string>][] => [
    [`alg "${alg}", empty signature`, async () => `${enc({ alg })}.${enc(valid)}.`],
    [`alg "${alg}", some signature`, async () => `${enc({ alg })}.${enc(valid)}.${b64u('sig')}`],
    [`alg "${alg}", signed`, () => signer.token(valid, { alg })],
  ]),
  ['alg as an array', () => signer.token(valid, { alg: ['EdDSA'] })],
  ['alg with a trailing space', () => signer.token(valid, { alg: 'EdDSA ' })],
  ['alg missing', () => signer.token(valid, enc({ kid: signer.jwk.kid }))],
  [
    'HS256 MACed with the public key PEM',
    () => hs256(new TextEncoder().encode(pem), { alg: 'HS256', kid: 'rsa' }, valid),
  ],
  ['HS256 MACed with the public key DER', () => hs256(spki, { alg: 'HS256', kid: 'rsa' }, valid)],
  [
    'HS256 MACed with the public JWK text',
    () => hs256(new TextEncoder().encode(JSON.stringify(rsaPublic)), { alg: 'HS256' }, valid),
  ],
  ['attacker key in "jwk"', () => attacker.token(valid, { jwk: attacker.jwk })],
  [
    'attacker key set in "jku"',
    () => attacker.token(valid, { jku: 'https://attacker.test/jwks.json' }),
  ],
  [
    'attacker certificate URL in "x5u"',
    () => attacker.token(valid, { x5u: 'https://attacker.test/cert.pem' }),
  ],
  ['attacker chain in "x5c"', () => attacker.token(valid, { x5c: [b64u('not a certificate')] })],
  ...[
    '../../../../etc/passwd',
    "' OR '1'='1' --",
    '$(rm -rf /)',
    '`id`',
    'kid\u0000',
    'x'.repeat(4000),
  ].map((kid): [string, () => Promise<string>] => [
    `kid ${JSON.stringify(kid.slice(0, 24))}`,
    () => attacker.token(valid, { kid }),
  ]),
  ['kid not a string', () => signer.token(valid, { kid: { $ne: null } })],
  ['crit with an unknown name', () => signer.token(valid, { crit: ['exp-ext'], 'exp-ext': 1 })],
  ['crit with a registered name', () => signer.token(valid, { crit: ['alg'] })],
  ['crit with "b64"', () => signer.token(valid, { crit: ['b64'], b64: true })],
  [
    'b64 false, unencoded payload',
    async () => {
      const h = enc({ ...header, b64: false, crit: ['b64'] })
      return `${h}.${JSON.stringify(valid)}.${await signer.signInput(`${h}.${JSON.stringify(valid)}`)}`
    },
  ],
  [
    'b64 false, detached',
    async () => {
      const h = enc({ ...header, b64: false, crit: ['b64'] })
      return `${h}..${await signer.signInput(`${h}.${JSON.stringify(valid)}`)}`
    },
  ],
  [
    'JSON serialization',
    async () => {
      const [p, pl, s] = (await signer.token(valid)).split('.')
      return JSON.stringify({ protected: p, payload: pl, signature: s })
    },
  ],
  [
    'JWE-shaped, five segments',
    async () =>
      `${enc({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${b64u('k')}.${b64u('iv')}.${b64u('ct')}.${b64u('tag')}`,
  ],
  [
    'two Authorization headers',
    async () => {
      const token = await signer.token(valid)
      return [`Bearer ${token}`, `Bearer ${token}`]
    },
  ],
  ['a token of 1 MB', async () => `${enc(header)}.${b64u('x'.repeat(786_432))}.${b64u('s')}`],
  [
    'header JSON nested 100,000 deep',
    async () => `${b64u(`{"alg":"EdDSA","x":${deep(100_000)}}`)}.${enc(valid)}.${b64u('s')}`,
  ],
  [
    'payload JSON nested 100,000 deep',
    async () => `${enc(header)}.${b64u(`{"sub":${deep(100_000)}}`)}.${b64u('s')}`,
  ],
  [
    'invalid UTF-8 in the header',
    async () => {
      const h = rawBytes(...utf8('{"alg":"EdDSA","kid":"'), 0xc3, 0x28, ...utf8('"}'))
      return `${h}.${enc(valid)}.${await signer.signInput(`${h}.${enc(valid)}`)}`
    },
  ],
  [
    'lone surrogate (CESU) in the payload',
    async () => {
      const p = rawBytes(...utf8('{"sub":"'), 0xed, 0xa0, 0x80, ...utf8('"}'))
      return signer.token(p)
    },
  ],
  [
    'overlong UTF-8 in the payload',
    () => signer.token(rawBytes(...utf8('{"sub":"'), 0xc0, 0xaf, ...utf8('"}'))),
  ],
  [
    'byte order mark before the header',
    async () => {
      const h = rawBytes(0xef, 0xbb, 0xbf, ...utf8(JSON.stringify(header)))
      return `${h}.${enc(valid)}.${await signer.signInput(`${h}.${enc(valid)}`)}`
    },
  ],
  [
    'duplicate alg, none last',
    () => signer.token(valid, b64u(`{"alg":"EdDSA","kid":"${signer.jwk.kid}","alg":"none"}`)),
  ],
  [
    'duplicate alg, none first',
    () => signer.token(valid, b64u(`{"alg":"none","kid":"${signer.jwk.kid}","alg":"EdDSA"}`)),
  ],
  [
    'duplicate sub in the payload',
    () => signer.token(b64u(`{"sub":"${crypto.randomUUID()}",${JSON.stringify(valid).slice(1)}`)),
  ],
  ['header is an array', () => signer.token(valid, enc([header]))],
  ['payload is a string', () => signer.token(b64u('"hello"'))],
  ['padding', async () => `${(await signer.token(valid)).replace(/\.([^.]*)$/, '.$1==')}`],
  [
    'standard base64 alphabet',
    async () => {
      // The alphabets differ in '-' and '_' only: a token without either would stay valid (and
      // Ed25519 signs deterministically), so vary a claim until the token has one.
      let token = await signer.token(valid)
      while (!/[-_]/.test(token)) token = await signer.token({ ...valid, jti: crypto.randomUUID() })
      return token.replaceAll('-', '+').replaceAll('_', '/')
    },
  ],
  [
    'exp 1e400 (Infinity)',
    () => signer.token(b64u(JSON.stringify(valid).replace(/"exp":\d+/, '"exp":1e400'))),
  ],
  ['exp as a string', () => signer.token({ ...valid, exp: String(valid.exp) })],
  ['iat in the future', () => signer.token({ ...valid, iat: now() + 3600 })],
  ['aud entry not a string', () => signer.token({ ...valid, aud: [1] })],
  ['sub not a UUID', () => signer.token({ ...valid, sub: '1 OR 1=1' })],
  ['signature of another key with the same kid', () => attacker.token(valid)],
]

describe('attack corpus', () => {
  it.each(attacks)('%s: 400 or 401, never 2xx or 5xx', async (name, make) => {
    const made = await make()
    const headers = new Headers()
    for (const value of Array.isArray(made) ? made : [`Bearer ${made}`])
      headers.append('authorization', value)
    const fetchSpy = vi.spyOn(globalThis, 'fetch')
    const targets = name.includes('HS256') ? rsaApps : [app, roomy]
    for (const target of targets) {
      const res = await target.request('/x', { headers })
      expect([400, 401], `${name}: ${res.status}`).toContain(res.status)
      const body = await res.text()
      expect(['Invalid auth token', 'Malformed authorization header']).toContain(
        JSON.parse(body).detail,
      )
      const signature = (Array.isArray(made) ? '' : made).split('.').pop() ?? ''
      if (signature.length > 16)
        expect(body + res.headers.get('www-authenticate')).not.toContain(signature)
    }
    // No header ever makes the verifier fetch anything (jku, x5u, jwk, x5c are never read).
    expect(fetchSpy).not.toHaveBeenCalled()
    fetchSpy.mockRestore()
  })

  it('with a key set configured, only its URL is ever fetched, whatever the header names', async () => {
    const urls: string[] = []
    const spy = (async (input: RequestInfo | URL) => {
      urls.push(String(input))
      return Response.json({ keys: [signer.jwk] })
    }) as typeof fetch
    const remote = appWith({
      algorithms: ['EdDSA'],
      keys: remoteKeys('https://keys.test/jwks.json'),
      fetch: spy,
    })
    const jku = 'https://attacker.test/jwks.json'
    for (const extra of [{ jku }, { x5u: jku }, { jwk: attacker.jwk }, { kid: 'unknown', jku }]) {
      const res = await remote.request('/x', bearer(await attacker.token(valid, extra)))
      expect(res.status).toBe(401)
    }
    expect(new Set(urls)).toEqual(new Set(['https://keys.test/jwks.json']))
  })

  it('the honest token passes, so the refusals above are not a broken setup', async () => {
    const res = await app.request('/x', bearer(await signer.token(valid)))
    expect(res.status).toBe(200)
    for (const rsaApp of rsaApps) {
      const { SignJWT } = await import('jose')
      const token = await new SignJWT(valid)
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
        .sign(rsa.privateKey)
      expect((await rsaApp.request('/x', bearer(token))).status).toBe(200)
    }
  })

  it('a 1 MB token is refused before any work', async () => {
    const token = `${enc(header)}.${b64u('x'.repeat(786_432))}.${b64u('s')}`
    const started = performance.now()
    const res = await app.request('/x', bearer(token))
    console.log(`1 MB token refused in ${(performance.now() - started).toFixed(2)} ms`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('too long')
  })
})
