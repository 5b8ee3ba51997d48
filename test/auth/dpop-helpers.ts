// DPoP clients and bound tokens for the tests: keys generated at test time; proofs signed by jose,
// the oracle, never by the code under test.

import { type DpopOptions, dpop } from 'hono-scoped-jwt/dpop'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import { accessTokenProfile, jwtAuth, localKeys } from '../../src/index'

const encoder = new TextEncoder()

export const b64u = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')

/** `ath` of a token, computed here independently of the library. */
export const athOf = async (token: string) =>
  b64u(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))

export type ProofAlg = 'ES256' | 'EdDSA' | 'PS256' | 'Ed25519'

/** What a proof is made of; every field can be overridden to build a bad one. */
export interface ProofParts {
  htm: string
  htu: string
  token?: string
  claims?: Record<string, unknown>
  header?: Record<string, unknown>
  /** Seconds before now. */
  age?: number
}

/** A DPoP client: its key pair, public JWK, thumbprint (`cnf.jkt`), and a proof maker. */
export const dpopClient = async (alg: ProofAlg = 'ES256') => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const jwk: JWK = await exportJWK(publicKey)
  const privateJwk: JWK = await exportJWK(privateKey)
  const jkt = await calculateJwkThumbprint(jwk, 'sha256')
  const proof = async ({ htm, htu, token, claims = {}, header = {}, age = 0 }: ProofParts) =>
    new SignJWT({
      jti: crypto.randomUUID(),
      htm,
      htu,
      ...(token === undefined ? {} : { ath: await athOf(token) }),
      ...claims,
    })
      .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk, ...header })
      .setIssuedAt(Math.floor(Date.now() / 1000) - age)
      .sign(privateKey)
  // Any header and claims, even those jose would not sign (another `alg`), signed with this key.
  const params =
    alg === 'ES256'
      ? { name: 'ECDSA', hash: 'SHA-256' }
      : { name: alg === 'PS256' ? 'RSA-PSS' : 'Ed25519', saltLength: 32 }
  const signRaw = async (header: Record<string, unknown>, claims: Record<string, unknown>) => {
    const input = `${b64u(encoder.encode(JSON.stringify(header)))}.${b64u(encoder.encode(JSON.stringify(claims)))}`
    const signature = await crypto.subtle.sign(params, privateKey, encoder.encode(input))
    return `${input}.${b64u(signature)}`
  }
  return { alg, privateKey, jwk, privateJwk, jkt, proof, signRaw }
}

export type DpopClient = Awaited<ReturnType<typeof dpopClient>>

/** Headers of a DPoP request: the token under the DPoP scheme and its proof. */
export const dpopHeaders = (token: string, proof: string) => ({
  authorization: `DPoP ${token}`,
  dpop: proof,
})

/** An access-token auth taking DPoP: one ES256 key of `issuer`, audience `api`. */
export const dpopAuthFor = (publicJwk: JWK, issuer: string, options: DpopOptions = {}) =>
  jwtAuth({
    keys: localKeys([publicJwk]),
    algorithms: ['ES256'],
    issuer,
    audience: 'api',
    profile: accessTokenProfile(),
    dpop: dpop(options),
  })
