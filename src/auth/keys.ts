import {
  createRemoteJWKSet,
  customFetch,
  importJWK,
  type JWK,
  type JWSHeaderParameters,
} from 'jose'
import { InvalidTokenError, KeysUnavailableError } from './errors'

/** The algorithms the library signs and verifies with. `none` is never among them. */
export const supportedAlgorithms = [
  'HS256',
  'HS384',
  'HS512',
  'EdDSA',
  'Ed25519',
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
] as const

export type Algorithm = (typeof supportedAlgorithms)[number]

/** A public key given as a `CryptoKey`, with the algorithm it verifies and its `kid`. */
export interface CryptoKeyEntry {
  key: CryptoKey
  alg: Algorithm
  kid?: string
}

/** Where keys come from; any combination. Names match the Worker's bindings. */
export interface KeyOptions {
  /** Private JWK (object or JSON text) with `kid` and `alg`; its public half verifies. Default: none. */
  privateJwk?: JWK | string
  /** Public keys that verify: JWKs with `alg` (and `kid`), or `CryptoKey` entries. Default: none. */
  publicKeys?: readonly (JWK | CryptoKeyEntry)[]
  /** Symmetric secret for HS256/384/512: at least 32/48/64 bytes. Default: none. */
  secret?: string | Uint8Array
  /** A trusted remote key set (JWKS) URL. Default: none. */
  jwksUrl?: string | URL
}

/** Finds the verification key for a token's protected header. */
export type KeyResolver = (header: JWSHeaderParameters) => Promise<CryptoKey | Uint8Array>

export interface KeyResolverOptions extends KeyOptions {
  algorithms: readonly Algorithm[]
  realm: string
  /** `fetch` used for `jwksUrl`. Default: the global `fetch`. */
  fetch?: typeof fetch
}

const hmacHash = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' } as const
const hmacMinBytes = { HS256: 32, HS384: 48, HS512: 64 } as const
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

const isHmac = (alg: string): alg is keyof typeof hmacHash => alg in hmacHash

/** Parses a JWK given as JSON text, naming the option when it is not one. */
export const parseJwk = (value: JWK | string, option: string): JWK => {
  if (typeof value !== 'string') return value
  try {
    const jwk: unknown = JSON.parse(value)
    if (jwk && typeof jwk === 'object' && !Array.isArray(jwk)) return jwk as JWK
  } catch {}
  throw new TypeError(`"${option}" must be a JWK object or its JSON text`)
}

/** The public half of a private JWK: every private member removed. */
export const toPublicJwk = (jwk: JWK): JWK => {
  const pub: Record<string, unknown> = { ...jwk }
  for (const member of privateMembers) delete pub[member]
  delete pub.key_ops
  return pub as JWK
}

/** Secret bytes, checked against the strongest HMAC algorithm allowed. */
export const secretBytes = (secret: string | Uint8Array, algorithms: readonly string[]) => {
  // A copy: later changes to the caller's buffer cannot change the key.
  const bytes =
    typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret)
  for (const alg of algorithms) {
    if (isHmac(alg) && bytes.byteLength < hmacMinBytes[alg]) {
      throw new TypeError(`"secret" must be at least ${hmacMinBytes[alg]} bytes for ${alg}`)
    }
  }
  return bytes
}

interface LocalKey {
  alg: string
  kid: string | undefined
  key: () => Promise<CryptoKey>
}

// Imports once, on first use: factories are synchronous and Workers forbid I/O at global scope.
const once = <T>(make: () => Promise<T>) => {
  let value: Promise<T> | undefined
  return () => {
    value ??= make()
    return value
  }
}

const localKey = (entry: JWK | CryptoKeyEntry, option: string): LocalKey => {
  if ('key' in entry && typeof entry.key === 'object') {
    const { key, alg, kid } = entry as CryptoKeyEntry
    return { alg, kid, key: async () => key }
  }
  const jwk = entry as JWK
  if (typeof jwk.alg !== 'string') throw new TypeError(`"${option}" keys must name their "alg"`)
  if (jwk.kty === 'oct')
    throw new TypeError(`"${option}" must not hold a symmetric key: use "secret"`)
  const alg = jwk.alg
  return { alg, kid: jwk.kid, key: once(async () => (await importJWK(jwk, alg)) as CryptoKey) }
}

/**
 * Builds the key lookup once, in the factory: keys are imported on first use and reused by every
 * request; the remote key set is created once here and caches itself.
 */
export const createKeyResolver = (options: KeyResolverOptions): KeyResolver => {
  const { algorithms, realm } = options
  const locals: LocalKey[] = []
  if (options.privateJwk) {
    locals.push(localKey(toPublicJwk(parseJwk(options.privateJwk, 'privateJwk')), 'privateJwk'))
  }
  for (const entry of options.publicKeys ?? []) locals.push(localKey(entry, 'publicKeys'))

  const hmacKeys = new Map<string, () => Promise<CryptoKey>>()
  if (options.secret !== undefined) {
    const bytes = secretBytes(options.secret, algorithms)
    for (const alg of algorithms) {
      if (!isHmac(alg)) continue
      const algorithm = { name: 'HMAC', hash: hmacHash[alg] }
      hmacKeys.set(
        alg,
        once(() => crypto.subtle.importKey('raw', bytes, algorithm, false, ['verify'])),
      )
    }
  }

  const remote = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl), {
        timeoutDuration: 5_000,
        cooldownDuration: 30_000,
        cacheMaxAge: 3_600_000,
        ...(options.fetch ? { [customFetch]: options.fetch } : {}),
      })
    : undefined

  if (!locals.length && !hmacKeys.size && !remote) {
    throw new TypeError('one of "privateJwk", "publicKeys", "secret" or "jwksUrl" is required')
  }

  const fromRemote = async (header: JWSHeaderParameters) => {
    try {
      return await (remote as NonNullable<typeof remote>)(header)
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
        throw new InvalidTokenError(realm, 'No key matches the token', error)
      }
      if (code === 'ERR_JOSE_NOT_SUPPORTED' || code === 'ERR_JWK_INVALID') {
        throw new InvalidTokenError(realm, 'The key for this token cannot verify it', error)
      }
      throw new KeysUnavailableError(realm, 30, error)
    }
  }

  return async (header) => {
    const { alg, kid } = header
    if (typeof alg !== 'string') throw new InvalidTokenError(realm, 'The token names no algorithm')
    const hmac = hmacKeys.get(alg)
    if (hmac) return hmac()
    if (isHmac(alg)) throw new InvalidTokenError(realm, 'No key matches the token')
    const candidates = locals.filter((k) => (kid === undefined || k.kid === kid) && k.alg === alg)
    if (candidates.length === 1) return (candidates[0] as LocalKey).key()
    if (remote) return fromRemote(header)
    throw new InvalidTokenError(realm, 'No key matches the token')
  }
}
