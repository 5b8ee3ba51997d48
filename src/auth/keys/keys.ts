import type { JWK, JWSHeaderParameters } from 'jose'
import { InvalidTokenError, KeysUnavailableError } from '../errors'
import { createDiscoveredKeySet, trustedUrl } from './discovery'
import {
  cryptoKeyProblem,
  isAsymmetric,
  isHmac,
  jwkFits,
  jwkProblem,
  privateMembers,
  sameKey,
  secretBytes,
} from './key-checks'
import { checkedKeyPair } from './key-pair'
import { createRemoteKeySet, type RemoteKeySetOptions } from './remote-keys'
import { secretMaterialProblem } from './secret-material'
import { importPublicJwk } from './web-crypto'

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

/**
 * Where keys come from; any combination. Names match the Worker's bindings. Every key is checked
 * when the middleware is created: a weak, symmetric-in-disguise or wrong-purpose key throws then.
 */
export interface KeyOptions {
  /** Private JWK (object or JSON text) with `kid` and `alg`; its public half verifies. Default: none. */
  privateJwk?: JWK | string
  /**
   * Public keys that verify: JWKs (with `kid`), or `CryptoKey` entries. A JWK without `alg` takes
   * the one algorithm of `algorithms` its key fits (an RSA key with RS256 and RS512 both allowed
   * needs its `alg`). Asymmetric only; RSA at least 2048 bits with exponent 65537; `use`/`key_ops`
   * must allow verification. Default: none.
   */
  publicKeys?: readonly (JWK | CryptoKeyEntry)[]
  /**
   * Symmetric secret for HS256/384/512 (the only algorithms raw bytes serve): at least 32/48/64
   * bytes, not a key, and not holding the material of a key given beside it. Default: none.
   */
  secret?: string | Uint8Array
  /** A trusted remote key set (JWKS) URL; `https:` unless on loopback. Default: none. */
  jwksUrl?: string | URL
  /**
   * An OpenID provider's issuer URL: its discovery document names the key set (`jwks_uri`), and
   * its `issuer` must be this exact string; tokens must then carry it as `iss` unless `issuer`
   * says otherwise. `https:` unless on loopback. A string is used exactly as given; a `URL` by
   * its `href`, and refused when its path is `/` (the slash may not be the issuer's). Default: none.
   */
  openIdIssuer?: string | URL
  /**
   * Development only: lets `jwksUrl`, `openIdIssuer` and its `jwks_uri` use plain `http:` off
   * loopback (an IdP in docker-compose, `http://keycloak:8080`). Over plain HTTP anyone on the
   * path can serve their own keys and mint any token: never set it in production. Only `true`
   * opts in. Default: `false` (`http:` on `localhost`, `127.0.0.1` and `[::1]` only).
   */
  dangerouslyAllowInsecureHttp?: boolean
  /** Fetching and caching of `jwksUrl` (and `openIdIssuer`'s key set): timeout, cooldown, staleness. Default: see `RemoteKeySetOptions`. */
  remoteKeySet?: RemoteKeySetOptions
}

/** Finds the verification key for a token's protected header. */
export type KeyResolver = (header: JWSHeaderParameters) => Promise<CryptoKey | Uint8Array>

/**
 * The resolver the library builds, with its lookup: the key itself once imported (no promise to
 * wait for on the hot path), a promise before that or for a remote key set.
 */
export type LocalKeyResolver = KeyResolver & {
  lookup: (header: JWSHeaderParameters) => CryptoKey | Promise<CryptoKey>
  onKeySetChange?: (listener: () => void) => void
  refreshing?: () => Promise<void> | undefined
}

export interface KeyResolverOptions extends KeyOptions {
  algorithms: readonly Algorithm[]
  realm: string
  /** `fetch` used for `jwksUrl`. Default: the global `fetch`. */
  fetch?: typeof fetch
}

const hmacHash = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' } as const

/**
 * Parses a JWK given as JSON text, naming the option when it is not one, and refuses keys that
 * must not sign or verify (symmetric, wrong purpose, weak RSA, `alg` not fitting the key).
 */
export const parseJwk = (value: JWK | string, option: string): JWK => {
  let jwk: unknown = value
  if (typeof value === 'string') {
    try {
      jwk = JSON.parse(value)
    } catch {}
    if (passed.has(value)) return jwk as JWK
  }
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) {
    throw new TypeError(`"${option}" must be a JWK object or its JSON text`)
  }
  const problem = jwkProblem(jwk as JWK, true)
  if (problem) throw new TypeError(`"${option}" ${problem}`)
  if (typeof value === 'string') {
    if (passed.size >= 8) passed.clear()
    passed.add(value)
  }
  return jwk as JWK
}

// JWK texts already checked: a Worker hands one key's text to the issuer, its key set and the
// middleware, and each parses it; the checks run once. Text, not objects, which can change.
const passed = new Set<string>()

/** The public half of a private JWK: every private member removed. */
export const toPublicJwk = (jwk: JWK): JWK => {
  const pub: Record<string, unknown> = { ...jwk }
  for (const member of privateMembers) delete pub[member]
  delete pub.key_ops
  return pub as JWK
}

interface LocalKey {
  alg: string
  kid: string | undefined
  /** What the key was given as: a public JWK, or the `CryptoKey` itself. */
  source: JWK | CryptoKey
  key: () => CryptoKey | Promise<CryptoKey>
  /** The service's own key (`privateJwk`): when it fails, the service has no key, not the token. */
  own?: boolean
}

// Imports once, on first use: factories are synchronous and Workers forbid I/O at global scope.
// Once imported, the key itself is returned, so that a request need not wait on a settled promise.
const once = <T>(make: () => Promise<T>) => {
  let value: T | undefined
  let pending: Promise<T> | undefined
  return (): T | Promise<T> => {
    if (value !== undefined) return value
    // A failure is kept too: a key that cannot be imported or checked never verifies anything.
    pending ??= make().then((made) => {
      value = made
      return made
    })
    return pending
  }
}

// A JWK without `alg` (what PyJWT and Airflow publish) takes the one allowed algorithm its key
// type and curve fit; none or several is a configuration error, never a guess per token.
const derivedAlg = (jwk: JWK, algorithms: readonly string[], option: string) => {
  const fits = algorithms.filter((alg) => isAsymmetric(alg) && jwkFits(jwk, alg))
  if (fits.length === 1) return fits[0] as string
  throw new TypeError(
    fits.length
      ? `"${option}" has a key without "alg" that fits several allowed algorithms (${fits.join(', ')}): give it an "alg"`
      : `"${option}" has a key without "alg" that fits no allowed algorithm`,
  )
}

// A CryptoKey's point or modulus can only be read asynchronously, so the checks a JWK passes at
// creation (small-order and off-curve points, ROCA) run on first use for an extractable key; one
// that fails never verifies anything. A non-extractable key cannot be read, so is not checked.
const checkedCryptoKey = async (key: CryptoKey) => {
  if (!key.extractable) return key
  const { key_ops: _, ext: __, ...jwk } = (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey
  const problem = jwkProblem(jwk as JWK)
  if (problem) throw new TypeError(`"publicKeys" has a key that ${problem}`)
  return key
}

const localKey = (
  entry: JWK | CryptoKeyEntry,
  option: string,
  algorithms: readonly string[],
  checked = false,
): LocalKey => {
  if (entry && 'key' in entry && typeof entry.key === 'object') {
    const { key, alg, kid } = entry as CryptoKeyEntry
    const problem = cryptoKeyProblem(key, alg)
    if (problem) throw new TypeError(`"${option}" has a key that ${problem}`)
    return { alg, kid, source: key, key: once(() => checkedCryptoKey(key)) }
  }
  const jwk = entry as JWK
  // The public half of a private JWK `parseJwk` has checked needs no second pass.
  const problem = checked ? undefined : jwkProblem(jwk)
  if (problem) throw new TypeError(`"${option}" has a key that ${problem}`)
  const alg = typeof jwk.alg === 'string' ? jwk.alg : derivedAlg(jwk, algorithms, option)
  return {
    alg,
    kid: jwk.kid,
    source: jwk,
    key: once(() => importPublicJwk(jwk as JsonWebKey, alg)),
  }
}

const sameSource = (a: JWK | CryptoKey, b: JWK | CryptoKey) =>
  a === b || (!(a instanceof CryptoKey) && !(b instanceof CryptoKey) && sameKey(a, b))

// A token's `kid` must choose one key. The same key listed again under its `kid` (the live set
// copied back beside the signing key during a rotation) is that key once; another key under a
// `kid` already taken would make every token of that `kid` match two keys and verify with none,
// so it is refused here, as `publishedKeys` refuses it. A `CryptoKey` cannot be compared with a
// JWK without exporting it, so under a taken `kid` only the very same `CryptoKey` counts as one.
const addLocal = (locals: LocalKey[], next: LocalKey, option: string) => {
  const twins = locals.filter((key) => key.kid === next.kid)
  if (twins.some((key) => !sameSource(key.source, next.source))) {
    if (next.kid !== undefined) {
      throw new TypeError(`"${option}" has another key under the kid ${JSON.stringify(next.kid)}`)
    }
  } else if (twins.some((key) => key.alg === next.alg)) {
    return
  }
  locals.push(next)
}

/**
 * Builds the key lookup once, in the factory: keys are checked now and imported on first use;
 * the remote key set is created once here and caches itself. Raw bytes only ever serve HMAC, and
 * HMAC only ever uses `secret`, so no token can choose how a key is interpreted.
 */
export const createKeyResolver = (options: KeyResolverOptions): LocalKeyResolver => {
  const { algorithms, realm } = options
  if (!algorithms?.length) throw new TypeError('"algorithms" is required')
  const locals: LocalKey[] = []
  if (options.privateJwk) {
    const jwk = parseJwk(options.privateJwk, 'privateJwk')
    const local = localKey(toPublicJwk(jwk), 'privateJwk', algorithms, true)
    // The public half verifies only once the private part is proven its own (key-pair.ts).
    if (jwk.d !== undefined) {
      local.key = once(async () => (await checkedKeyPair(jwk, local.alg, 'privateJwk')).publicKey)
      local.own = true
    }
    addLocal(locals, local, 'privateJwk')
  }
  for (const entry of options.publicKeys ?? []) {
    addLocal(locals, localKey(entry, 'publicKeys', algorithms), 'publicKeys')
  }

  const hmacKeys = new Map<string, () => CryptoKey | Promise<CryptoKey>>()
  if (options.secret !== undefined) {
    const bytes = secretBytes(options.secret, algorithms)
    const material = secretMaterialProblem(bytes, options)
    if (material) throw new TypeError(material)
    for (const alg of algorithms) {
      if (!isHmac(alg)) continue
      const algorithm = { name: 'HMAC', hash: hmacHash[alg] }
      hmacKeys.set(
        alg,
        once(() => crypto.subtle.importKey('raw', bytes, algorithm, false, ['verify'])),
      )
    }
    if (!hmacKeys.size) throw new TypeError('"secret" needs an HS algorithm in "algorithms"')
  }

  const insecure = options.dangerouslyAllowInsecureHttp === true
  const remoteOptions = {
    ...options.remoteKeySet,
    realm,
    fetch: options.fetch,
    dangerouslyAllowInsecureHttp: insecure,
  }
  if (options.jwksUrl && options.openIdIssuer) {
    throw new TypeError('"jwksUrl" and "openIdIssuer" both name a key set: give one')
  }
  const remote = options.jwksUrl
    ? createRemoteKeySet(trustedUrl(options.jwksUrl, 'jwksUrl', insecure), remoteOptions)
    : options.openIdIssuer
      ? createDiscoveredKeySet(options.openIdIssuer, remoteOptions)
      : undefined

  if (!locals.length && !hmacKeys.size && !remote) {
    throw new TypeError(
      'one of "privateJwk", "publicKeys", "secret", "jwksUrl" or "openIdIssuer" is required',
    )
  }

  const lookup = (header: JWSHeaderParameters): CryptoKey | Promise<CryptoKey> => {
    const { alg, kid } = header
    if (typeof alg !== 'string') throw new InvalidTokenError(realm, 'The token names no algorithm')
    const hmac = hmacKeys.get(alg)
    if (hmac) return hmac()
    if (!isAsymmetric(alg)) throw new InvalidTokenError(realm, 'No key matches the token')
    const candidates = locals.filter((k) => (kid === undefined || k.kid === kid) && k.alg === alg)
    if (candidates.length === 1) {
      const local = candidates[0] as LocalKey
      const key = local.key()
      if (key instanceof CryptoKey) return key
      return key.catch((error: unknown) => {
        if (local.own) throw new KeysUnavailableError(realm, 30, error)
        throw new InvalidTokenError(realm, 'The key for this token cannot verify it', error)
      })
    }
    if (remote) return remote(header)
    throw new InvalidTokenError(realm, 'No key matches the token')
  }
  const resolve: KeyResolver = async (header) => lookup(header)
  // Lets a token cache in front of the verifier forget everything when the remote set rotates, and
  // the middleware keep a background refresh alive (`waitUntil`).
  return Object.assign(resolve, {
    lookup,
    onKeySetChange: remote?.onKeySetChange,
    refreshing: remote?.refreshing,
  })
}
