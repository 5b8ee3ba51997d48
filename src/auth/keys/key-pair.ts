// A private JWK must be one key: a `d` that does not give the public members would sign tokens
// its own public half refuses, or publish a key set that is not the signer's. Web Crypto answers
// that without arithmetic of ours: what the private key signs, the public half must verify. It is
// asynchronous, so it runs with the first import (the first token signed or verified), and a key
// that fails it never signs or verifies anything.
import type { JWK } from 'jose'
import { importJwkPair, subtleParams } from './web-crypto'

export const keyPairMismatch = 'has a private part ("d") that does not match its public part'

export interface CheckedKeyPair {
  privateKey: CryptoKey
  publicKey: CryptoKey
}

// The issuer and the middleware of one Worker are usually handed the same key: it is imported and
// checked once for both. A few entries only: a service holds one or two signing keys.
const checked = new Map<string, Promise<CheckedKeyPair>>()
const maxEntries = 8

const members = ['kty', 'crv', 'x', 'y', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const
const cacheKey = (jwk: JWK, alg: string) =>
  JSON.stringify([alg, ...members.map((m) => (jwk as Record<string, unknown>)[m] ?? null)])

const check = async (jwk: JWK, alg: string, option: string): Promise<CheckedKeyPair> => {
  let pair: CheckedKeyPair
  try {
    pair = await importJwkPair(jwk as JsonWebKey, alg)
  } catch (cause) {
    // Runtimes that check the private part at import (OpenSSL's EC and RSA consistency checks).
    throw new TypeError(`"${option}" ${keyPairMismatch}`, { cause })
  }
  const data = new TextEncoder().encode('hono-scoped-jwt key pair check')
  const algorithm = subtleParams(alg)
  const signature = await crypto.subtle.sign(algorithm, pair.privateKey, data)
  if (!(await crypto.subtle.verify(algorithm, pair.publicKey, signature, data))) {
    throw new TypeError(`"${option}" ${keyPairMismatch}`)
  }
  return pair
}

/**
 * Imports a private JWK for `alg` with its public half, and proves they are one key: a signature
 * made with the private key must verify with the public one. Rejects with a `TypeError` naming
 * `option` otherwise. Remembered per key, so a second factory given the same key pays nothing.
 */
export const checkedKeyPair = (jwk: JWK, alg: string, option: string): Promise<CheckedKeyPair> => {
  const key = cacheKey(jwk, alg)
  let pair = checked.get(key)
  if (!pair) {
    if (checked.size >= maxEntries) checked.delete(checked.keys().next().value as string)
    pair = check(jwk, alg, option)
    checked.set(key, pair)
    // A refusal is not kept: the next factory names its own option.
    pair.catch(() => checked.delete(key))
  }
  return pair
}
