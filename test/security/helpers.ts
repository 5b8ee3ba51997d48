// Shared pieces of the security suite: hand-made tokens (any header, any bytes), and a tiny app.
import { Hono } from 'hono'
import { expect } from 'vitest'
import { AuthError } from '../../src/auth/errors'
import { type TaskInstanceProfile, taskInstanceProfile } from '../../src/auth/profile/task-instance'
import { type JwtAuth, jwtAuth } from '../../src/auth/verify/middleware'
import type { VerifyOptions } from '../../src/auth/verify/verify'

export const audience = 'urn:airflow.apache.org:task'
export const tiId = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b'
export const now = () => Math.floor(Date.now() / 1000)

/** Valid claims for `sub`, overridable. */
export const claims = (overrides: Record<string, unknown> = {}) => {
  const iat = now()
  return { sub: tiId, aud: audience, iat, nbf: iat, exp: iat + 600, ...overrides }
}

const encoder = new TextEncoder()

/** Canonical unpadded base64url of bytes or of a string's UTF-8. */
export const b64u = (data: Uint8Array | string) => {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

export interface Signer {
  alg: string
  /** The public JWK (with `alg` and `kid`). */
  jwk: JsonWebKey & { alg: string; kid: string }
  /** Signs `header.payload` given as raw segment text: nothing is normalised. */
  signInput: (input: string) => Promise<string>
  /** A compact JWS of any header and payload, JSON or already-encoded text. */
  token: (payload: unknown, header?: Record<string, unknown> | string) => Promise<string>
}

const sigSegment = async (key: CryptoKey, input: string) =>
  b64u(new Uint8Array(await crypto.subtle.sign('Ed25519', key, encoder.encode(input))))

/** A fresh Ed25519 key pair that signs anything, for tokens no issuer would mint. */
export const ed25519Signer = async (kid = crypto.randomUUID()): Promise<Signer> => {
  const pair = (await crypto.subtle.generateKey('Ed25519', true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const exported = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey
  const { key_ops: _, ext: __, ...pub } = exported
  const jwk = { ...pub, alg: 'EdDSA', kid }
  const signInput = (input: string) => sigSegment(pair.privateKey, input)
  const token = async (payload: unknown, header: Record<string, unknown> | string = {}) => {
    const h =
      typeof header === 'string' ? header : b64u(JSON.stringify({ alg: 'EdDSA', kid, ...header }))
    const p = typeof payload === 'string' ? payload : b64u(JSON.stringify(payload))
    return `${h}.${p}.${await signInput(`${h}.${p}`)}`
  }
  return { alg: 'EdDSA', jwk, signInput, token }
}

/** HMAC-SHA256 over raw segment text with any key bytes (for confusion attacks). */
export const hs256 = async (
  keyBytes: Uint8Array,
  header: Record<string, unknown>,
  payload: unknown,
) => {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`
  const key = await crypto.subtle.importKey(
    'raw',
    keyBytes,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return `${input}.${b64u(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(input))))}`
}

/** An app with one authenticated route answering the token's `sub`. */
export const appWith = (options: VerifyOptions<TaskInstanceProfile>) => {
  const auth: JwtAuth<TaskInstanceProfile> = jwtAuth({ profile: taskInstanceProfile, ...options })
  const app = new Hono()
  app.get('/x', auth, (c) => c.json({ sub: c.var.tiToken.sub }))
  return app
}

export const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

/** Asserts a verifier refused with our 401 and nothing else. */
export const expectRefused = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AuthError)
  expect((error as AuthError).status).toBe(401)
  return error as AuthError
}
