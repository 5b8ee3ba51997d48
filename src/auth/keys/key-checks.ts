import type { JWK } from 'jose'
import { decodeBase64url } from '../token/gate'
import { bigintOf, ed25519PointProblem, nistCurves, onNistCurve } from './curves'
import { hasRocaFingerprint } from './roca'

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
  RS256: /* @__PURE__ */ rsa('RSASSA-PKCS1-v1_5', '256'),
  RS384: /* @__PURE__ */ rsa('RSASSA-PKCS1-v1_5', '384'),
  RS512: /* @__PURE__ */ rsa('RSASSA-PKCS1-v1_5', '512'),
  PS256: /* @__PURE__ */ rsa('RSA-PSS', '256'),
  PS384: /* @__PURE__ */ rsa('RSA-PSS', '384'),
  PS512: /* @__PURE__ */ rsa('RSA-PSS', '512'),
  ES256: /* @__PURE__ */ ec('P-256'),
  ES384: /* @__PURE__ */ ec('P-384'),
  ES512: /* @__PURE__ */ ec('P-521'),
  EdDSA: ed25519,
  Ed25519: ed25519,
}

/** HMAC algorithms and the shortest secret each accepts (RFC 7518 §3.2: at least the hash size). */
export const hmacMinBytes = { HS256: 32, HS384: 48, HS512: 64 } as const

export const isHmac = (alg: string): alg is keyof typeof hmacMinBytes => alg in hmacMinBytes

export const isAsymmetric = (alg: string) => Object.hasOwn(asymmetric, alg)

export const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

// The members that make a public key what it is; `alg`, `use`, `key_ops` only describe its use.
const keyMembers = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const

/** Whether two JWKs hold the same public key, whatever they say of its use. */
export const sameKey = (a: JWK, b: JWK) =>
  keyMembers.every((member) => a[member as keyof JWK] === b[member as keyof JWK])

// 2048 bits is NIST's floor (SP 800-131A) and what jose and RFC 7518 §3.3 ask for. 16384 bits is
// the largest modulus OpenSSL and BoringSSL (Node, Deno's and Bun's Web Crypto, workerd) will
// verify with (OPENSSL_RSA_MAX_MODULUS_BITS): a larger key could never verify a token, and a key
// set could send one only to make every check on it cost time.
export const minRsaBits = 2048
export const maxRsaBits = 16384

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

/**
 * Why an RSA key must not verify (modulus under 2048 or over 16384 bits, exponent not 65537), or
 * `undefined`.
 */
export const rsaProblem = (modulusBits: number, exponent: Uint8Array): string | undefined => {
  if (modulusBits < minRsaBits)
    return `is an RSA key of ${modulusBits} bits (at least ${minRsaBits})`
  if (modulusBits > maxRsaBits) {
    return `is an RSA key of ${modulusBits} bits (at most ${maxRsaBits}, the largest Web Crypto verifies with)`
  }
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
  const problem = pointProblem(jwk)
  if (problem || !allowPrivate || record.d === undefined) return problem
  return privateShapeProblem(jwk)
}

// A member as canonical base64url bytes, or `undefined`.
const member = (jwk: JWK, name: string) => {
  const value = (jwk as Record<string, unknown>)[name]
  return typeof value === 'string' ? decodeBase64url(value) : undefined
}

const nistCurveOf = (jwk: JWK) =>
  typeof jwk.crv === 'string' && Object.hasOwn(nistCurves(), jwk.crv)
    ? nistCurves()[jwk.crv]
    : undefined

// The public part itself: a modulus or point that cannot be a sound key is refused here, once,
// rather than failing (or, worse, verifying forgeries) per request. Every step is linear in the
// key's size (decoding, bit length, the ROCA residues), and the size bound comes first.
const pointProblem = (jwk: JWK): string | undefined => {
  if (jwk.kty === 'RSA') {
    const n = member(jwk, 'n')
    const e = member(jwk, 'e')
    if (!n || !e) return 'is an RSA key without a valid "n" and "e"'
    const weak = rsaProblem(bitLength(n), e)
    if (weak) return weak
    // CVE-2017-15361: moduli from Infineon's library can be factored.
    if (hasRocaFingerprint(n)) return 'is an RSA key with the ROCA fingerprint'
    return undefined
  }
  if (jwk.kty === 'OKP') {
    if (jwk.crv !== 'Ed25519') return `has an unsupported "crv" (${String(jwk.crv)})`
    const x = member(jwk, 'x')
    if (!x) return 'is an Ed25519 key without a valid "x"'
    return ed25519PointProblem(x)
  }
  const curve = nistCurveOf(jwk)
  if (!curve) return `has an unsupported "crv" (${String(jwk.crv)})`
  const x = member(jwk, 'x')
  const y = member(jwk, 'y')
  if (!x || !y) return 'is an EC key without a valid "x" and "y"'
  if (x.length !== curve.size || y.length !== curve.size) {
    return `is an EC key whose coordinates are not ${curve.size} bytes`
  }
  if (!onNistCurve(curve, bigintOf(x), bigintOf(y))) {
    return `is an EC point that is not on ${jwk.crv}`
  }
  return undefined
}

// What can be told of a private part without Web Crypto: it is base64url, and an Ed25519 seed or
// an EC scalar has the curve's size. Whether it is the public part's own is `checkedKeyPair`'s
// question, answered on first use.
const privateShapeProblem = (jwk: JWK): string | undefined => {
  const d = member(jwk, 'd')
  if (!d) return 'has a "d" that is not base64url'
  const mismatch = 'has a private part ("d") that does not match its public part'
  const size = jwk.kty === 'OKP' ? 32 : jwk.kty === 'EC' ? nistCurveOf(jwk)?.size : undefined
  if (size !== undefined && d.length !== size) return mismatch
  if (jwk.kty === 'RSA') return rsaExponentsAgree(jwk, d) ? undefined : mismatch
  return undefined
}

// Web Crypto signs an RSA key with its CRT members (p, q, dp, dq, qi), so its proof says nothing
// of `d`: another implementation given this JWK may sign with `d`. Two reductions tie `d` to the
// CRT exponents (d ≡ dp mod p − 1, d ≡ dq mod q − 1); cheap, on a modulus already bounded.
const rsaExponentsAgree = (jwk: JWK, d: Uint8Array) => {
  const [p, q, dp, dq] = ['p', 'q', 'dp', 'dq'].map((name) => member(jwk, name))
  if (!p || !q || !dp || !dq) return true
  const exponent = bigintOf(d)
  const [P, Q] = [bigintOf(p) - 1n, bigintOf(q) - 1n]
  return P > 0n && Q > 0n && exponent % P === bigintOf(dp) && exponent % Q === bigintOf(dq)
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

// A JWK, a JWK set `{"keys": […]}` or a list of JWKs: JSON with a `kty` at the top or one level in.
const isJwkJson = (text: string) => {
  if (!text.startsWith('{') && !text.startsWith('[')) return false
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return false
  }
  const hasKty = (v: unknown) => !!v && typeof v === 'object' && 'kty' in v
  const list = Array.isArray(value) ? value : (value as { keys?: unknown } | null)?.keys
  return hasKty(value) || (Array.isArray(list) && list.some(hasKty))
}

// DER object identifiers of public-key algorithms (RSA, RSA-PSS, EC, Ed25519/448, X25519/448),
// found in every SPKI, PKCS#8 key and certificate. A random secret holding one of these byte
// strings inside a DER sequence of exactly its length is not a random secret.
const keyOids = [
  [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01],
  [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
  [0x06, 0x03, 0x2b, 0x65],
]

const includes = (bytes: Uint8Array, needle: readonly number[]) => {
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

// A DER SEQUENCE spanning all of `bytes` that is a key: it names a key algorithm (SPKI, PKCS#8,
// certificate), or it is a PKCS#1 RSA public key (two INTEGERs, the last one 65537).
const isDerKey = (bytes: Uint8Array) => {
  if (bytes.length < 16 || bytes[0] !== 0x30) return false
  const first = bytes[1] as number
  const lengthBytes = first < 0x80 ? 0 : first - 0x80
  if (lengthBytes > 2) return false
  let length = first < 0x80 ? first : 0
  for (let i = 0; i < lengthBytes; i++) length = length * 256 + (bytes[2 + i] as number)
  if (2 + lengthBytes + length !== bytes.length) return false
  if (keyOids.some((oid) => includes(bytes, oid))) return true
  const tail = bytes.subarray(-5).join()
  return bytes[2 + lengthBytes] === 0x02 && tail === '2,3,1,0,1'
}

// base64 or base64url text, whitespace allowed (PEM without its armour), as bytes; else undefined.
const base64Bytes = (text: string) => {
  const compact = text.replace(/\s+/g, '').replace(/=+$/, '')
  if (compact.length < 16 || !/^[A-Za-z0-9+/_-]+$/.test(compact)) return undefined
  return decodeBase64url(compact.replaceAll('+', '-').replaceAll('/', '_'))
}

// An uncompressed EC point (0x04 ‖ x ‖ y) that lies on P-256, P-384 or P-521.
const isRawEcPoint = (bytes: Uint8Array) =>
  bytes[0] === 0x04 &&
  Object.values(nistCurves()).some(
    (curve) =>
      bytes.length === 1 + 2 * curve.size &&
      onNistCurve(
        curve,
        bigintOf(bytes.subarray(1, 1 + curve.size)),
        bigintOf(bytes.subarray(1 + curve.size)),
      ),
  )

const looksLikeKey = (bytes: Uint8Array) => {
  if (isDerKey(bytes) || isRawEcPoint(bytes)) return true
  const text = new TextDecoder().decode(bytes).trim()
  if (keyTextPrefixes.some((prefix) => text.startsWith(prefix))) return true
  if (isJwkJson(text)) return true
  const decoded = base64Bytes(text)
  return !!decoded && (isDerKey(decoded) || isRawEcPoint(decoded))
}

/**
 * A secret's bytes, refused when too short for the strongest HMAC algorithm allowed, or when it
 * is really a key: PEM or SSH text, a JWK, a JWK set or a list of JWKs, DER (SPKI, PKCS#8, PKCS#1,
 * certificate) as bytes or as base64 text, or an uncompressed EC point on a NIST curve. HMAC with a public key as secret is the classic
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
    throw new TypeError(
      '"secret" looks like a key (PEM, SSH, JWK or JWK set, DER or base64 DER, EC point), not a random secret',
    )
  }
  for (const alg of algorithms) {
    if (isHmac(alg) && bytes.byteLength < hmacMinBytes[alg]) {
      throw new TypeError(`"secret" must be at least ${hmacMinBytes[alg]} bytes for ${alg}`)
    }
  }
  return bytes
}
