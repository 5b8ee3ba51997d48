import type { JWSHeaderParameters } from 'jose'
import { InvalidTokenError } from '../errors'
import { isHmac, secretBytes } from './key-checks'

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

/** What a key source is told when a verifier opens it. */
export interface KeySourceContext {
  /** The algorithms the verifier accepts. */
  algorithms: readonly Algorithm[]
  /** `realm` of the challenges its errors carry. */
  realm: string
  /** The verifier's `fetch` option (a remote set's own `fetch` wins). */
  fetch?: typeof fetch
  /** The shared secrets given beside it, by option name: a key source refuses one holding its keys' material. */
  secrets: readonly { option: string; bytes: Uint8Array }[]
}

/** A key source opened for one verifier. */
export interface OpenKeySource {
  /**
   * The key for a token's header: the key itself once imported, a promise before that (or from a
   * remote set), `undefined` when this source has no key for it and the next one may.
   */
  lookup: (header: JWSHeaderParameters) => CryptoKey | Promise<CryptoKey> | undefined
  /** A remote set answers every header, so it is asked last; a verifier takes one at most. */
  remote?: boolean
  /** The `iss` its tokens must carry unless the verifier's `issuer` says otherwise (discovery). */
  issuer?: string
  onKeySetChange?: (listener: () => void) => void
  refreshing?: () => Promise<void> | undefined
  /** Throws when another source of the same verifier holds another key under one of its `kid`s. */
  refuseTwins?: (other: OpenKeySource) => void
}

/**
 * Where verification keys come from, beside `secret`: `localKeys([...])` (JWKs, private JWKs,
 * `CryptoKey`s), `remoteKeys(url)` and `discoveredKeys(issuer)` from `hono-scoped-jwt/remote`. A
 * value, so that a Worker bundles only the sources it uses. Opened once per verifier.
 */
export interface KeySource {
  readonly open: (context: KeySourceContext) => OpenKeySource
}

/**
 * Where keys come from; any combination. Names match the Worker's bindings. Every key is checked
 * when the middleware is created: a weak, symmetric-in-disguise or wrong-purpose key throws then.
 */
export interface KeyOptions {
  /**
   * Symmetric secret for HS256/384/512 (the only algorithms raw bytes serve): at least 32/48/64
   * bytes, not a key, and not holding the material of a key given beside it. Default: none.
   */
  secret?: string | Uint8Array
  /**
   * Asymmetric keys: `localKeys([jwk, …])`, `remoteKeys(url)` or `discoveredKeys(issuer)`
   * (`hono-scoped-jwt/remote`), or a list of them; local keys are asked before a remote set.
   * Default: none.
   */
  keys?: KeySource | readonly KeySource[]
}

/** Finds the verification key for a token's protected header. */
export type KeyResolver = (header: JWSHeaderParameters) => Promise<CryptoKey | Uint8Array>

/**
 * The resolver the library builds, with its lookup: the key itself once imported (no promise to
 * wait for on the hot path), a promise before that or for a remote key set.
 */
export type LocalKeyResolver = KeyResolver & {
  lookup: (header: JWSHeaderParameters) => CryptoKey | Promise<CryptoKey>
  /** The `iss` a key source expects (discovery), when one does. */
  issuer?: string
  onKeySetChange?: (listener: () => void) => void
  refreshing?: () => Promise<void> | undefined
}

export interface KeyResolverOptions extends KeyOptions {
  algorithms: readonly Algorithm[]
  realm: string
  /** `fetch` for remote key sets that name none. Default: the global `fetch`. */
  fetch?: typeof fetch
  /** The secret `secret` replaced, held against the key sources' material too. Default: none. */
  previousSecret?: string | Uint8Array
}

const hmacHash = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' } as const

// Imports once, on first use: factories are synchronous and Workers forbid I/O at global scope.
// Once imported, the key itself is returned, so that a request need not wait on a settled promise.
// A failure is kept too: a key that cannot be imported or checked never verifies anything.
export const once = <T>(make: () => Promise<T>) => {
  let value: T | undefined
  let pending: Promise<T> | undefined
  return (): T | Promise<T> => {
    if (value !== undefined) return value
    pending ??= make().then((made) => {
      value = made
      return made
    })
    return pending
  }
}

const asBytes = (secret: string | Uint8Array) =>
  typeof secret === 'string' ? new TextEncoder().encode(secret) : secret

const sourcesOf = (keys: KeyOptions['keys']): readonly KeySource[] => {
  const list = keys === undefined ? [] : Array.isArray(keys) ? keys : [keys as KeySource]
  for (const source of list) {
    if (typeof source?.open !== 'function') {
      throw new TypeError(
        '"keys" takes key sources: localKeys([...]), remoteKeys(url) or discoveredKeys(issuer)',
      )
    }
  }
  return list
}

/**
 * Builds the key lookup once, in the factory: keys are checked now and imported on first use;
 * a remote key set is opened once here and caches itself. Raw bytes only ever serve HMAC, and
 * HMAC only ever uses `secret`, so no token can choose how a key is interpreted.
 */
export const createKeyResolver = (options: KeyResolverOptions): LocalKeyResolver => {
  const { algorithms, realm } = options
  if (!algorithms?.length) throw new TypeError('"algorithms" is required')

  const hmacKeys = new Map<string, () => CryptoKey | Promise<CryptoKey>>()
  const secrets: { option: string; bytes: Uint8Array }[] = []
  if (options.secret !== undefined) {
    const bytes = secretBytes(options.secret, algorithms)
    secrets.push({ option: 'secret', bytes })
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
  const previous = options.previousSecret
  if (typeof previous === 'string' || previous instanceof Uint8Array) {
    secrets.push({ option: 'previousSecret', bytes: asBytes(previous) })
  }

  const context = { algorithms, realm, fetch: options.fetch, secrets }
  const opened = sourcesOf(options.keys).map((source) => source.open(context))
  const remotes = opened.filter((source) => source.remote)
  if (remotes.length > 1) throw new TypeError('"keys" has two remote key sets: give one')
  const remote = remotes[0]
  const locals = opened.filter((source) => !source.remote)
  // A `kid` must choose one key across sources too, not only within one.
  for (let i = 0; i < locals.length; i++) {
    for (let j = i + 1; j < locals.length; j++) locals[i]?.refuseTwins?.(locals[j] as OpenKeySource)
  }

  if (!locals.length && !hmacKeys.size && !remote) {
    throw new TypeError('one of "secret", "keys" or "getKey" is required')
  }

  const noKey = () => new InvalidTokenError(realm, 'No key matches the token')
  const lookup = (header: JWSHeaderParameters): CryptoKey | Promise<CryptoKey> => {
    const { alg } = header
    if (typeof alg !== 'string') throw new InvalidTokenError(realm, 'The token names no algorithm')
    const hmac = hmacKeys.get(alg)
    if (hmac) return hmac()
    // The gate let only allowed algorithms through: an HS one without a secret has no key.
    if (isHmac(alg)) throw noKey()
    for (const local of locals) {
      const key = local.lookup(header)
      if (key !== undefined) return key
    }
    const key = remote?.lookup(header)
    if (key === undefined) throw noKey()
    return key
  }
  const resolve: KeyResolver = async (header) => lookup(header)
  // Lets a token cache in front of the verifier forget everything when the remote set rotates, and
  // the middleware keep a background refresh alive (`waitUntil`).
  return Object.assign(resolve, {
    lookup,
    issuer: opened.find((source) => source.issuer !== undefined)?.issuer,
    onKeySetChange: remote?.onKeySetChange,
    refreshing: remote?.refreshing,
  })
}
