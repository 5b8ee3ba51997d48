// Keys that must never verify (or sign) are refused when the middleware or issuer is created,
// with an error naming the option; claims jose leaves loose are refused per request.
import { type TaskInstanceProfile, taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { describe, expect, it } from 'vitest'
import { localKeys } from '../../src/auth/keys/local-keys'
import { remoteKeys } from '../../src/auth/keys/remote-sources'
import { createIssuer } from '../../src/auth/mint/issuer'
import { jwtAuth } from '../../src/auth/verify/middleware'
import { createVerifier, type VerifyOptions } from '../../src/auth/verify/verify'
import { claims, ed25519Signer, expectRefused, now } from './helpers'

const rsaPair = async (modulusLength: number, exponent = [1, 0, 1], name = 'RSASSA-PKCS1-v1_5') =>
  (await crypto.subtle.generateKey(
    { name, modulusLength, publicExponent: new Uint8Array(exponent), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair

const jwkOf = async (key: CryptoKey) => {
  const { key_ops: _, ext: __, ...jwk } = (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey
  return jwk
}

const rsa2048 = await rsaPair(2048)
const rsa1024 = await rsaPair(1024)
const rsaE3 = await rsaPair(2048, [3])
const ec384 = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, [
  'sign',
  'verify',
])) as CryptoKeyPair
const good = { ...(await jwkOf(rsa2048.publicKey)), alg: 'RS256', kid: 'good' }
const secret64 = 'k'.repeat(64)
const { d: _, ...withoutD } = await jwkOf(rsa2048.privateKey)

// An entry is the options, or a function building them when the key source's own factory is what
// refuses (a URL is checked when `remoteKeys` is called): either way, configuring throws.
type Given = Partial<VerifyOptions> | (() => Partial<VerifyOptions>)

const refusals: [string, Given, RegExp][] = [
  ['no algorithms', { algorithms: [], secret: secret64 }, /"algorithms" is required/],
  ['alg none', { algorithms: ['none' as 'HS256'], secret: secret64 }, /unsupported algorithm/],
  ['HS256 secret of 31 bytes', { algorithms: ['HS256'], secret: 'k'.repeat(31) }, /at least 32/],
  ['HS384 secret of 47 bytes', { algorithms: ['HS384'], secret: 'k'.repeat(47) }, /at least 48/],
  [
    'HS512 secret of 63 bytes',
    { algorithms: ['HS512'], secret: new Uint8Array(63) },
    /at least 64/,
  ],
  ['secret with RS256 only', { algorithms: ['RS256'], secret: secret64 }, /needs an HS algorithm/],
  [
    'secret that is a PEM key',
    { algorithms: ['HS256'], secret: `-----BEGIN PUBLIC KEY-----\n${'A'.repeat(64)}` },
    /looks like a key/,
  ],
  [
    'secret that is PEM bytes',
    {
      algorithms: ['HS256'],
      secret: new TextEncoder().encode(`  -----BEGIN PUBLIC KEY-----${'A'.repeat(64)}`),
    },
    /looks like a key/,
  ],
  [
    'secret that is a JWK',
    { algorithms: ['HS256'], secret: JSON.stringify(good) },
    /looks like a key/,
  ],
  [
    'secret that is an SSH key',
    { algorithms: ['HS256'], secret: `ssh-ed25519 ${'A'.repeat(64)}` },
    /looks like a key/,
  ],
  [
    'symmetric JWK in localKeys',
    { algorithms: ['HS256'], keys: localKeys([{ kty: 'oct', k: 'a'.repeat(64), alg: 'HS256' }]) },
    /symmetric/,
  ],
  [
    'RSA of 1024 bits',
    {
      algorithms: ['RS256'],
      keys: localKeys([{ ...(await jwkOf(rsa1024.publicKey)), alg: 'RS256' }]),
    },
    /1024 bits/,
  ],
  [
    'RSA with e = 3',
    {
      algorithms: ['RS256'],
      keys: localKeys([{ ...(await jwkOf(rsaE3.publicKey)), alg: 'RS256' }]),
    },
    /65537/,
  ],
  ['use "enc"', { algorithms: ['RS256'], keys: localKeys([{ ...good, use: 'enc' }]) }, /"use"/],
  [
    'key_ops without verify',
    { algorithms: ['RS256'], keys: localKeys([{ ...good, key_ops: ['encrypt'] }]) },
    /"key_ops"/,
  ],
  [
    // A whole private JWK is the service's own key in localKeys (its public half verifies); private
    // members on a key that is not one (no "d") are still refused.
    'private members without "d" in localKeys',
    { algorithms: ['RS256'], keys: localKeys([{ ...withoutD, alg: 'RS256' }]) },
    /private/,
  ],
  [
    'RSA key claiming ES256',
    { algorithms: ['ES256'], keys: localKeys([{ ...good, alg: 'ES256' }]) },
    /does not fit/,
  ],
  [
    'JWK with alg none',
    { algorithms: ['RS256'], keys: localKeys([{ ...good, alg: 'none' }]) },
    /unsupported "alg"/,
  ],
  [
    'JWK without alg that several allowed algorithms fit',
    { algorithms: ['RS256', 'PS256'], keys: localKeys([{ ...good, alg: undefined }]) },
    /fits several allowed algorithms/,
  ],
  [
    'CryptoKey that is private',
    { algorithms: ['RS256'], keys: localKeys([{ key: rsa2048.privateKey, alg: 'RS256' }]) },
    /not a public key/,
  ],
  [
    'CryptoKey of 1024 bits',
    { algorithms: ['RS256'], keys: localKeys([{ key: rsa1024.publicKey, alg: 'RS256' }]) },
    /1024 bits/,
  ],
  [
    'CryptoKey for another alg',
    { algorithms: ['PS256'], keys: localKeys([{ key: rsa2048.publicKey, alg: 'PS256' }]) },
    /not a PS256 key/,
  ],
  [
    'CryptoKey on another curve',
    { algorithms: ['ES256'], keys: localKeys([{ key: ec384.publicKey, alg: 'ES256' }]) },
    /not a ES256 key/,
  ],
  [
    'CryptoKey for HMAC',
    { algorithms: ['HS256'], keys: localKeys([{ key: ec384.publicKey, alg: 'HS256' }]) },
    /symmetric/,
  ],
  [
    'remoteKeys over plain http',
    () => ({ algorithms: ['RS256'], keys: remoteKeys('http://keys.example.com/jwks.json') }),
    /https/,
  ],
  [
    'maxTokenLength of 0',
    { algorithms: ['HS256'], secret: secret64, maxTokenLength: 0 },
    /maxTokenLength/,
  ],
]

describe('refused when the middleware is created', () => {
  it.each(refusals)('%s', (_, given, message) => {
    const named = () =>
      ({
        profile: taskInstanceProfile,
        ...(typeof given === 'function' ? given() : given),
      }) as VerifyOptions<TaskInstanceProfile>
    expect(() => jwtAuth(named())).toThrow(message)
    expect(() => createVerifier(named())).toThrow(TypeError)
  })

  it('accepts the minimum sizes and a good key', () => {
    for (const [alg, size] of [
      ['HS256', 32],
      ['HS384', 48],
      ['HS512', 64],
    ] as const) {
      expect(() =>
        jwtAuth({
          profile: taskInstanceProfile,
          algorithms: [alg],
          secret: new Uint8Array(size).fill(7),
        }),
      ).not.toThrow()
    }
    expect(() =>
      jwtAuth({ profile: taskInstanceProfile, algorithms: ['RS256'], keys: localKeys([good]) }),
    ).not.toThrow()
    expect(() =>
      jwtAuth({
        profile: taskInstanceProfile,
        algorithms: ['RS256'],
        keys: localKeys([{ key: rsa2048.publicKey, alg: 'RS256' }]),
      }),
    ).not.toThrow()
    expect(() =>
      jwtAuth({
        profile: taskInstanceProfile,
        algorithms: ['RS256'],
        keys: remoteKeys('http://127.0.0.1:9/jwks.json'),
      }),
    ).not.toThrow()
  })

  it('the issuer refuses a weak RSA private key and a PEM secret too', async () => {
    const weak = { ...(await jwkOf(rsa1024.privateKey)), alg: 'RS256', kid: 'weak' }
    expect(() => createIssuer({ profile: taskInstanceProfile, privateJwk: weak })).toThrow(
      /1024 bits/,
    )
    expect(() =>
      createIssuer({ profile: taskInstanceProfile, privateJwk: { ...weak, kty: 'oct' } }),
    ).toThrow(/symmetric/)
    expect(() =>
      createIssuer({
        profile: taskInstanceProfile,
        secret: `-----BEGIN RSA PRIVATE KEY-----${'A'.repeat(64)}`,
      }),
    ).toThrow(/looks like a key/)
  })
})

const signer = await ed25519Signer()

describe('claims jose leaves loose', () => {
  const verify = createVerifier({
    profile: taskInstanceProfile,
    algorithms: ['EdDSA'],
    keys: localKeys([signer.jwk]),
  })
  const raw = (text: string) =>
    signer.token(btoa(text).replaceAll('=', '').replaceAll('+', '-').replaceAll('/', '_'))
  const valid = JSON.stringify(claims())

  it.each(['exp', 'nbf', 'iat'])('%s of 1e400 (parsed as Infinity) is refused', async (name) => {
    const token = await raw(valid.replace(new RegExp(`"${name}":\\d+`), `"${name}":1e400`))
    const error = await expectRefused(verify(token))
    expect(error.challenge?.description).toMatch(/finite/)
  })

  it('exp of -1e400 is refused as invalid, not as expired', async () => {
    const error = await expectRefused(verify(await raw(valid.replace(/"exp":\d+/, '"exp":-1e400'))))
    expect(error.code).toBe('ERR_TOKEN_INVALID')
  })

  it('iat in the future beyond the leeway is refused; within it, accepted', async () => {
    await expectRefused(verify(await signer.token(claims({ iat: now() + 60 }))))
    await expect(verify(await signer.token(claims({ iat: now() + 5 })))).resolves.toBeTruthy()
  })

  it.each([[[1]], [[]], [[null]], [{ aud: 'x' }], [7]])('aud %j is refused', async (aud) => {
    await expectRefused(verify(await signer.token(claims({ aud }))))
  })
})
