// The verifier's own signature path (WebCrypto on the gate's segments): keys must fit the token's
// algorithm whoever hands them over, and the gate's memory of header segments changes no answer.
import { taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { describe, expect, it } from 'vitest'
import { localKeys } from '../../src/auth/keys/local-keys'
import { createJwsVerifier, createVerifier } from '../../src/auth/verify/verify'
import { b64u, claims, ed25519Signer, expectRefused } from './helpers'

const encoder = new TextEncoder()
const bytes = encoder.encode('a-secret-of-sixty-four-bytes-for-hmac-sha-512-0123456789abcdefgh')

const hmac = async (hash: string, header: Record<string, unknown>, payload: unknown) => {
  const key = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, false, ['sign'])
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(input)))
  return `${input}.${b64u(sig)}`
}

describe('keys from a custom getKey must fit the token algorithm', () => {
  it('an HMAC-SHA-512 key never verifies an HS256 token (made with SHA-512)', async () => {
    const sha512 = await crypto.subtle.importKey(
      'raw',
      bytes,
      { name: 'HMAC', hash: 'SHA-512' },
      false,
      ['verify'],
    )
    const verify = createVerifier({
      profile: taskInstanceProfile,
      algorithms: ['HS256'],
      getKey: async () => sha512,
    })
    const token = await hmac('SHA-512', { alg: 'HS256' }, claims())
    const error = await expectRefused(verify(token))
    expect(error.challenge?.description).toBe('The key for this token cannot verify it')
  })

  it('a P-384 key never verifies an ES256 token (signed with P-384 over SHA-256)', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const input = `${b64u(JSON.stringify({ alg: 'ES256' }))}.${b64u(JSON.stringify(claims()))}`
    const sig = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      pair.privateKey,
      encoder.encode(input),
    )
    const verify = createVerifier({
      profile: taskInstanceProfile,
      algorithms: ['ES256'],
      getKey: async () => pair.publicKey,
    })
    await expectRefused(verify(`${input}.${b64u(new Uint8Array(sig))}`))
  })

  it('raw secret bytes from getKey verify an HS256 token, and only with the right bytes', async () => {
    const verify = createVerifier({
      profile: taskInstanceProfile,
      algorithms: ['HS256'],
      getKey: async () => bytes,
    })
    const token = await hmac('SHA-256', { alg: 'HS256' }, claims())
    await expect(verify(token)).resolves.toMatchObject({ scope: 'execution' })
    const other = createVerifier({
      profile: taskInstanceProfile,
      algorithms: ['HS256'],
      getKey: async () => encoder.encode('another-secret-of-at-least-thirty-two-bytes!!'),
    })
    await expectRefused(other(token))
  })

  it('a getKey that throws something else answers 401, never 500', async () => {
    const verify = createVerifier({
      profile: taskInstanceProfile,
      algorithms: ['HS256'],
      getKey: async () => {
        throw new Error('store down')
      },
    })
    await expectRefused(verify(await hmac('SHA-256', { alg: 'HS256' }, claims())))
  })
})

describe('header segments remembered by the gate', () => {
  it('more distinct headers than it keeps: every token still answered on its own', async () => {
    const signer = await ed25519Signer('k1')
    const verify = createVerifier({
      profile: taskInstanceProfile,
      algorithms: ['EdDSA'],
      keys: localKeys([signer.jwk]),
    })
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 100; i++) {
        const token = await signer.token(claims({ n: i }), { n: i })
        await expect(verify(token)).resolves.toMatchObject({ n: i })
        // The same header with a broken signature: refused, remembered header or not.
        await expectRefused(verify(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BA' : 'AA'}`))
      }
    }
  })

  it('a header refused once is refused every time', async () => {
    const signer = await ed25519Signer('k1')
    const verify = createVerifier({
      profile: taskInstanceProfile,
      algorithms: ['EdDSA'],
      keys: localKeys([signer.jwk]),
    })
    const token = await signer.token(claims(), { kid: 7 })
    for (let i = 0; i < 3; i++) await expectRefused(verify(token))
  })

  it('headers with nested members verify every time, and come back as sent', async () => {
    const signer = await ed25519Signer('k1')
    const verify = createJwsVerifier({ algorithms: ['EdDSA'], keys: localKeys([signer.jwk]) })
    const token = await signer.token(claims(), { x5c: ['abc'], ext: { a: 1 } })
    for (let i = 0; i < 3; i++) {
      const { protectedHeader } = await verify(token)
      expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: 'k1', ext: { a: 1 } })
    }
  })
})
