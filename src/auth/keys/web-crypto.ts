// Web Crypto for each algorithm: the parameters `crypto.subtle.verify` needs, whether a key fits a
// token's `alg` (checked once per key, then remembered), and importing a public JWK or a secret,
// without a JOSE library on the verification path.

/** What `crypto.subtle.verify` needs for each algorithm, and what its key must be. */
interface SubtleAlg {
  params: { name: string; hash?: string; saltLength?: number }
  /** `key.algorithm.name` of a fitting key. */
  name: string
  /** The key's hash (HMAC, RSA) or the signature's hash (ECDSA: then `curve` names the key). */
  hash?: string
  curve?: string
}

const hmac = (bits: string): SubtleAlg => ({
  params: { name: 'HMAC' },
  name: 'HMAC',
  hash: `SHA-${bits}`,
})
const rsa = (bits: string): SubtleAlg => ({
  params: { name: 'RSASSA-PKCS1-v1_5' },
  name: 'RSASSA-PKCS1-v1_5',
  hash: `SHA-${bits}`,
})
const pss = (bits: string): SubtleAlg => ({
  params: { name: 'RSA-PSS', saltLength: Number(bits) >> 3 },
  name: 'RSA-PSS',
  hash: `SHA-${bits}`,
})
const ecdsa = (bits: string, curve: string): SubtleAlg => ({
  params: { name: 'ECDSA', hash: `SHA-${bits}` },
  name: 'ECDSA',
  curve,
})
const ed25519: SubtleAlg = { params: { name: 'Ed25519' }, name: 'Ed25519' }

const subtleAlgs: Readonly<Record<string, SubtleAlg>> = {
  HS256: /* @__PURE__ */ hmac('256'),
  HS384: /* @__PURE__ */ hmac('384'),
  HS512: /* @__PURE__ */ hmac('512'),
  RS256: /* @__PURE__ */ rsa('256'),
  RS384: /* @__PURE__ */ rsa('384'),
  RS512: /* @__PURE__ */ rsa('512'),
  PS256: /* @__PURE__ */ pss('256'),
  PS384: /* @__PURE__ */ pss('384'),
  PS512: /* @__PURE__ */ pss('512'),
  ES256: /* @__PURE__ */ ecdsa('256', 'P-256'),
  ES384: /* @__PURE__ */ ecdsa('384', 'P-384'),
  ES512: /* @__PURE__ */ ecdsa('512', 'P-521'),
  EdDSA: ed25519,
  Ed25519: ed25519,
}

interface KeyAlgorithm {
  name: string
  hash?: { name: string }
  namedCurve?: string
  modulusLength?: number
}

// Whether a key may verify `alg`: the same rules jose applies on every call (name, hash, curve,
// usage, RSA ≥ 2048 bits), so a key handed over by a custom `getKey` or a key set cannot verify a
// token of another algorithm, e.g. an HMAC-SHA512 key an HS256 token.
const fits = (key: CryptoKey, spec: SubtleAlg) => {
  const algorithm = key.algorithm as KeyAlgorithm
  if (algorithm.name !== spec.name || !key.usages.includes('verify')) return false
  if (spec.name !== 'HMAC' && key.type !== 'public') return false
  if (spec.curve) return algorithm.namedCurve === spec.curve
  if (spec.hash && algorithm.hash?.name !== spec.hash) return false
  return !algorithm.modulusLength || algorithm.modulusLength >= 2048
}

// Keys already found to fit an algorithm: reading `key.algorithm` builds a new object each time.
const fitting = new WeakMap<CryptoKey, Set<string>>()

/** Whether `key` may verify tokens of `alg`; remembered per key. */
export const keyFits = (key: CryptoKey, alg: string): boolean => {
  if (fitting.get(key)?.has(alg)) return true
  const spec = subtleAlgs[alg]
  if (!spec || !fits(key, spec)) return false
  const algs = fitting.get(key) ?? new Set<string>()
  fitting.set(key, algs.add(alg))
  return true
}

/**
 * Imports a public JWK (checked by `jwkProblem`) for verifying `alg`: only its key members go to
 * Web Crypto, so `alg`, `use` or `key_ops` spellings cannot make a runtime refuse it.
 */
export const importPublicJwk = (jwk: JsonWebKey, alg: string): Promise<CryptoKey> => {
  const spec = subtleAlgs[alg]
  if (!spec || spec.name === 'HMAC') {
    return Promise.reject(new TypeError(`"${alg}" is not an asymmetric algorithm`))
  }
  return crypto.subtle.importKey('jwk', keyMembers(jwk, false), importParams(spec), true, [
    'verify',
  ])
}

const importParams = (spec: SubtleAlg) =>
  spec.curve
    ? { name: spec.name, namedCurve: spec.curve }
    : spec.hash
      ? { name: spec.name, hash: spec.hash }
      : { name: spec.name }

const publicNames = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const
const privateNames = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const

// Only the key's own members: `alg`, `use`, `key_ops` or `ext` spellings cannot make a runtime
// refuse the key, and no multi-prime `oth` reaches Web Crypto.
const keyMembers = (jwk: JsonWebKey, withPrivate: boolean): JsonWebKey => {
  const members: Record<string, unknown> = {}
  for (const name of withPrivate ? [...publicNames, ...privateNames] : publicNames) {
    const value = jwk[name]
    if (value !== undefined) members[name] = value
  }
  return members as unknown as JsonWebKey
}

/**
 * Imports a private JWK (checked by `jwkProblem`) as a signing key for `alg` and its public half
 * as a verifying key, both from the JWK's key members only.
 */
export const importJwkPair = async (
  jwk: JsonWebKey,
  alg: string,
): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> => {
  const spec = subtleAlgs[alg]
  if (!spec || spec.name === 'HMAC') throw new TypeError(`"${alg}" is not an asymmetric algorithm`)
  const params = importParams(spec)
  const [privateKey, publicKey] = await Promise.all([
    crypto.subtle.importKey('jwk', keyMembers(jwk, true), params, false, ['sign']),
    crypto.subtle.importKey('jwk', keyMembers(jwk, false), params, true, ['verify']),
  ])
  return { privateKey, publicKey }
}

/** Imports raw secret bytes as an HMAC key for `alg` (a custom `getKey` may hand them over). */
export const importSecret = (
  bytes: Uint8Array<ArrayBuffer>,
  alg: string,
): Promise<CryptoKey> | undefined => {
  const spec = subtleAlgs[alg]
  if (spec?.name !== 'HMAC') return undefined
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: spec.hash }, false, ['verify'])
}

/** The `crypto.subtle.verify` parameters for `alg`, one of the supported algorithms. */
export const subtleParams = (alg: string): SubtleAlg['params'] =>
  (subtleAlgs[alg] as SubtleAlg).params
