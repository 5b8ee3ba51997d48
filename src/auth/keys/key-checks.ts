import type { JWK } from 'jose'
import { decodeBase64url } from '../token/gate'

/** What an asymmetric algorithm needs of its key, as a JWK and as a Web Crypto key. */
interface KeyNeeds {
  kty: 'RSA' | 'EC' | 'OKP'
  crv?: string
  name: string
  hash?: string
}

const rsa = (name: string, bits: string): KeyNeeds => ({ kty: 'RSA', name, hash: `SHA-${bits}` })
const ec = (crv: string): KeyNeeds => ({ kty: 'EC', crv, name: 'ECDSA' })
const ed25519: KeyNeeds = { kty: 'OKP', crv: 'Ed25519', name: 'Ed25519' }

const asymmetric: Readonly<Record<string, KeyNeeds>> = {
  RS256: rsa('RSASSA-PKCS1-v1_5', '256'),
  RS384: rsa('RSASSA-PKCS1-v1_5', '384'),
  RS512: rsa('RSASSA-PKCS1-v1_5', '512'),
  PS256: rsa('RSA-PSS', '256'),
  PS384: rsa('RSA-PSS', '384'),
  PS512: rsa('RSA-PSS', '512'),
  ES256: ec('P-256'),
  ES384: ec('P-384'),
  ES512: ec('P-521'),
  EdDSA: ed25519,
  Ed25519: ed25519,
}

/** HMAC algorithms and the shortest secret each accepts (RFC 7518 §3.2: at least the hash size). */
export const hmacMinBytes = { HS256: 32, HS384: 48, HS512: 64 } as const

export const isHmac = (alg: string): alg is keyof typeof hmacMinBytes => alg in hmacMinBytes

export const isAsymmetric = (alg: string) => Object.hasOwn(asymmetric, alg)

export const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

const minRsaBits = 2048

// Bit length of a big-endian unsigned integer.
const bitLength = (bytes: Uint8Array) => {
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  if (i === bytes.length) return 0
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number))
}

// The only public exponent we accept is 65537: small exponents invite known attacks, odd ones
// point at a hand-made key.
const isF4 = (bytes: Uint8Array) => {
  const significant = bytes.subarray(bytes.findIndex((b) => b !== 0))
  return significant.length === 3 && significant.join() === '1,0,1'
}

/** Why an RSA key is too weak (modulus under 2048 bits, exponent not 65537), or `undefined`. */
export const rsaProblem = (modulusBits: number, exponent: Uint8Array): string | undefined => {
  if (modulusBits < minRsaBits)
    return `is an RSA key of ${modulusBits} bits (at least ${minRsaBits})`
  if (!isF4(exponent)) return 'is an RSA key whose exponent is not 65537'
  return undefined
}

/** Whether a JWK without `alg` can serve `alg` (same key type and curve). */
export const jwkFits = (jwk: JWK, alg: string) => {
  const needs = asymmetric[alg]
  if (!needs || jwk.kty !== needs.kty) return false
  return needs.crv === undefined || jwk.crv === needs.crv
}

/**
 * Why a JWK must not verify tokens, or `undefined` when it may: a symmetric key (secrets go in
 * `secret`, never in a key list), private members where a public key is expected, `use` other than
 * `sig`, `key_ops` without `verify`, an unsupported `alg` or one that does not fit the key type,
 * or a weak RSA key. With `allowPrivate`, a private JWK (whose public half will verify) passes.
 */
export const jwkProblem = (jwk: JWK, allowPrivate = false): string | undefined => {
  if (!jwk || typeof jwk !== 'object') return 'is not a JWK'
  if (jwk.kty === 'oct') return 'is a symmetric key: use "secret"'
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') return 'has an unsupported "kty"'
  const record = jwk as Record<string, unknown>
  if (!allowPrivate && privateMembers.some((m) => record[m] !== undefined)) {
    return 'holds private key members'
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'is not meant for signatures ("use")'
  if (jwk.key_ops !== undefined) {
    const ops: unknown = jwk.key_ops
    const wanted = allowPrivate ? ['sign', 'verify'] : ['verify']
    if (!Array.isArray(ops) || !ops.some((op) => wanted.includes(op))) {
      return 'is not meant for verification ("key_ops")'
    }
  }
  if (jwk.alg !== undefined) {
    if (!isAsymmetric(jwk.alg)) return `has an unsupported "alg" (${String(jwk.alg)})`
    if (!jwkFits(jwk, jwk.alg)) return `does not fit its "alg" ${jwk.alg}`
  }
  if (jwk.kty === 'RSA') {
    const n = typeof jwk.n === 'string' ? decodeBase64url(jwk.n) : undefined
    const e = typeof jwk.e === 'string' ? decodeBase64url(jwk.e) : undefined
    if (!n || !e) return 'is an RSA key without a valid "n" and "e"'
    return rsaProblem(bitLength(n), e)
  }
  return undefined
}

/**
 * Why a `CryptoKey` cannot verify `alg`, or `undefined`: it must be a public key allowed to
 * verify, of the algorithm (hash, curve) that `alg` names, and strong enough.
 */
export const cryptoKeyProblem = (key: CryptoKey, alg: string): string | undefined => {
  const needs = asymmetric[alg]
  if (!needs) return `names an unsupported or symmetric "alg" (${alg})`
  if (key.type !== 'public') return 'is not a public key'
  if (!key.usages.includes('verify')) return 'is not usable to verify'
  const algorithm = key.algorithm as {
    name: string
    hash?: { name: string }
    namedCurve?: string
    modulusLength?: number
    publicExponent?: Uint8Array
  }
  const curve = needs.name === 'ECDSA' ? needs.crv : undefined
  if (
    algorithm.name !== needs.name ||
    (needs.hash && algorithm.hash?.name !== needs.hash) ||
    (curve && algorithm.namedCurve !== curve)
  ) {
    return `is not a ${alg} key`
  }
  if (needs.kty === 'RSA') {
    return rsaProblem(algorithm.modulusLength ?? 0, algorithm.publicExponent ?? new Uint8Array())
  }
  return undefined
}

// Text a key is written in, never how a random secret starts (a JWK is caught by parsing it).
const keyTextPrefixes = ['-----BEGIN', 'ssh-', 'ecdsa-sha2-']

const looksLikeKey = (bytes: Uint8Array) => {
  const text = new TextDecoder().decode(bytes).trim()
  if (keyTextPrefixes.some((prefix) => text.startsWith(prefix))) return true
  if (!text.startsWith('{')) return false
  try {
    return typeof JSON.parse(text)?.kty === 'string'
  } catch {
    return false
  }
}

/**
 * A secret's bytes, refused when too short for the strongest HMAC algorithm allowed, or when it
 * is really a public key (PEM, SSH or JWK text): HMAC with a public key as secret is the classic
 * algorithm confusion, and anyone holding that key could mint tokens.
 */
export const secretBytes = (secret: string | Uint8Array, algorithms: readonly string[]) => {
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw new TypeError('"secret" must be a string or a Uint8Array')
  }
  // A copy: later changes to the caller's buffer cannot change the key.
  const bytes =
    typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret)
  if (looksLikeKey(bytes)) {
    throw new TypeError('"secret" looks like a key (PEM, SSH or JWK), not a random secret')
  }
  for (const alg of algorithms) {
    if (isHmac(alg) && bytes.byteLength < hmacMinBytes[alg]) {
      throw new TypeError(`"secret" must be at least ${hmacMinBytes[alg]} bytes for ${alg}`)
    }
  }
  return bytes
}
