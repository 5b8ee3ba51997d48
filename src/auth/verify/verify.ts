import type { JWSHeaderParameters } from 'jose'
import { AuthError, InvalidTokenError } from '../errors'
import {
  type Algorithm,
  createKeyResolver,
  type KeyOptions,
  type KeyResolver,
  type LocalKeyResolver,
  supportedAlgorithms,
} from '../keys/keys'
import { importSecret, keyFits, subtleParams } from '../keys/web-crypto'
import { type DefaultProfile, defaultProfile } from '../profile/default'
import type { AnyProfile, ClaimsOf } from '../profile/profile'
import {
  checkToken,
  type GatedToken,
  type GateOptions,
  headerCache,
  mediaType,
} from '../token/gate'
import type { KeySetEvents, TokenCache } from './cache'
import { registeredClaims } from './claims'
import { previousSecretEnd, previousSecretOptions, withPreviousSecret } from './previous-secret'

/** How tokens are verified. Crypto and claims only: scopes and token types are the policy's job. */
export interface VerifyOptions<P extends AnyProfile = DefaultProfile> extends KeyOptions {
  /** Algorithms accepted in the token header. Required: there is no default allow-list. */
  algorithms: readonly Algorithm[]
  /**
   * How claims are read: `accessTokenProfile(…)` or `taskInstanceProfile` (`hono-scoped-jwt/airflow`).
   * Default: the access-token profile (RFC 9068), `accessTokenProfile()`.
   */
  profile?: P
  /**
   * Accepted audiences; a token must carry one of them (RFC 9068 §4, RFC 8725 §3.9). Default: the
   * profile's (task instance: `['urn:airflow.apache.org:task']`). A profile without one (access
   * tokens) requires this option: the factory throws without it, since a resource server that
   * skips `aud` accepts tokens the same issuer made for other APIs. `false` accepts any audience
   * (or none) on purpose, e.g. tokens from `hono/jwt`'s `sign`, which sets no `aud`.
   */
  audience?: string | readonly string[] | false
  /** When set, the `iss` a token must carry. Default: the issuer of `discoveredKeys` when used, else none (not checked). */
  issuer?: string
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default: `10`. */
  leeway?: number
  /** Longest token accepted, in characters. Default: `8192`. */
  maxTokenLength?: number
  /**
   * `typ` header values accepted (RFC 8725 §3.11), compared case-insensitively, `application/`
   * optional (RFC 7515 §4.1.9). Default: the profile's (task instance: `['JWT']`; access token:
   * `['JWT', 'at+jwt']`).
   */
  types?: readonly string[]
  /** Refuse a token without `typ`. Default: `false` (absent `typ` is accepted). */
  requireType?: boolean
  /** `realm` of the `WWW-Authenticate` challenges. Default: the profile's (`'execution-api'`, `'api'`). */
  realm?: string
  /** Replaces the key lookup entirely (tests, custom key stores). Default: built from the key options. */
  getKey?: KeyResolver
  /** `fetch` for remote key sets that name none. Default: the global `fetch`. */
  fetch?: typeof fetch
  /** Remember verified tokens (per isolate): a `new TokenCache()`. Default: none. */
  // biome-ignore lint/suspicious/noExplicitAny: a cache of the profile's claims
  cache?: TokenCache<any>
  /**
   * The shared secret `secret` replaced: it verifies HS tokens (never signs) until
   * `previousSecretUntil`, so tokens signed before a secret rotation keep working. Default: none.
   */
  previousSecret?: string | Uint8Array
  /** When `previousSecret` stops verifying: a `Date` or NumericDate. Required with it. Default: none. */
  previousSecretUntil?: Date | number
}

/**
 * The audiences a verifier accepts: the option's, else the profile's; `undefined` (aud not
 * checked) only when the option says `false`. Throws when neither names one.
 */
const audienceOf = (
  option: VerifyOptions['audience'],
  profile: AnyProfile,
): string[] | undefined => {
  if (option === false) return undefined
  const audience = typeof option === 'string' ? [option] : [...(option ?? profile.audience ?? [])]
  if (option === undefined && !profile.audience) {
    throw new TypeError(
      '"audience" is required: name the audiences this API accepts (the `aud` of its tokens), ' +
        'or set it to false to accept tokens for any audience',
    )
  }
  if (!audience.length || !audience.every((a) => typeof a === 'string' && a)) {
    throw new TypeError('"audience" must name at least one audience, as strings')
  }
  return audience
}

/** Verifies one compact JWS token, resolving to its typed claims or rejecting with an `AuthError`. */
export type Verifier<Claims = ClaimsOf<DefaultProfile>> = (token: string) => Promise<Claims>

// Options every verifier checks the same way, when it is created.
const prepare = (
  options: SignatureOptions,
  payload: GateOptions['payload'],
  fallbackRealm: string,
  // `typ` values a claims set may carry; absent for a plain JWS, which carries any.
  types?: readonly string[],
) => {
  const realm = options.realm ?? fallbackRealm
  if (!options.algorithms?.length) throw new TypeError('"algorithms" is required')
  for (const alg of options.algorithms) {
    if (!(supportedAlgorithms as readonly string[]).includes(alg)) {
      throw new TypeError(`"algorithms" has an unsupported algorithm: ${alg}`)
    }
  }
  const maxLength = options.maxTokenLength ?? 8192
  if (!Number.isInteger(maxLength) || maxLength <= 0) {
    throw new TypeError('"maxTokenLength" must be a positive integer')
  }
  const gate: GateOptions = {
    realm,
    maxLength,
    algorithms: new Set(options.algorithms),
    payload,
    headers: headerCache(),
  }
  if (types) {
    if (!Array.isArray(types) || !types.every((t) => typeof t === 'string' && t)) {
      throw new TypeError('"types" must be a list of non-empty strings')
    }
    gate.types = new Set(types.map(mediaType))
    gate.requireType = (options as VerifyOptions).requireType ?? false
  }
  const getKey = options.getKey ?? createKeyResolver({ ...(options as VerifyOptions), realm })
  const badSignature = () => new InvalidTokenError(realm, 'The token signature is invalid')
  return { realm, gate, getKey, keyFor: keysFor(realm, getKey), badSignature }
}

/**
 * The key for a token, fitted to its `alg`: the key itself once imported (no promise to wait for on
 * the hot path), a promise before that or from a remote key set. Rejects with `AuthError`s only.
 */
const keysFor = (realm: string, getKey: KeyResolver | LocalKeyResolver) => {
  const lookup = 'lookup' in getKey ? getKey.lookup : getKey
  const unfit = () => new InvalidTokenError(realm, 'The key for this token cannot verify it')
  const settle = async (pending: Promise<CryptoKey | Uint8Array>, alg: string) => {
    let key: CryptoKey | Uint8Array
    try {
      key = await pending
      if (key instanceof Uint8Array) key = (await importSecret(new Uint8Array(key), alg)) ?? key
    } catch (error) {
      throw translate(error, realm)
    }
    if (!(key instanceof CryptoKey) || !keyFits(key, alg)) throw unfit()
    return key
  }
  return (header: Readonly<Record<string, unknown>>): CryptoKey | Promise<CryptoKey> => {
    const alg = header.alg as string
    let key: CryptoKey | Promise<CryptoKey | Uint8Array>
    try {
      key = lookup(header as JWSHeaderParameters)
    } catch (error) {
      throw translate(error, realm)
    }
    if (!(key instanceof CryptoKey)) return settle(key, alg)
    if (!keyFits(key, alg)) throw unfit()
    return key
  }
}

// A key lookup's failure as the client sees it: our own errors as they are, anything else a 401.
const translate = (error: unknown, realm: string): AuthError =>
  error instanceof AuthError ? error : new InvalidTokenError(realm, 'The token is malformed', error)

/**
 * Whether the signature over the segments the gate decoded holds: one WebCrypto call, awaited by
 * the caller itself (a wrapping `async` function would cost every request another microtask). A
 * signature WebCrypto cannot even parse rejects: the caller counts that as a wrong signature.
 */
const signatureHolds = (gated: GatedToken, key: CryptoKey): Promise<boolean> =>
  crypto.subtle.verify(
    subtleParams(gated.header.alg as string),
    key,
    gated.signature,
    gated.signingInput,
  )

/** The options of the signature layer alone: keys, allow-list, size cap. */
export type SignatureOptions = Omit<
  VerifyOptions,
  | 'audience'
  | 'issuer'
  | 'leeway'
  | 'cache'
  | 'profile'
  | 'types'
  | 'requireType'
  | 'previousSecret'
  | 'previousSecretUntil'
>

/** A verified compact JWS whose payload is any bytes: what the signature layer gives. */
export interface VerifiedJws {
  protectedHeader: JWSHeaderParameters
  payload: Uint8Array
}

/**
 * The signature layer alone, for compact JWS whose payload is not a claims set: the same gate,
 * keys and allow-list as `createVerifier`, without any claim check. Rejects with `AuthError`s only.
 *
 * @example
 * const verifyJws = createJwsVerifier({ publicKeys: [jwk], algorithms: ['ES256'] })
 * const { payload } = await verifyJws(compactJws)
 */
export const createJwsVerifier = (
  options: SignatureOptions,
): ((token: string) => Promise<VerifiedJws>) => {
  const { gate, keyFor, badSignature } = prepare(options, 'bytes', 'api')
  return async (token: string): Promise<VerifiedJws> => {
    const gated = checkToken(token, gate)
    let key = keyFor(gated.header)
    if (!(key instanceof CryptoKey)) key = await key
    let holds = false
    try {
      holds = await signatureHolds(gated, key)
    } catch {
      // holds stays false
    }
    if (!holds) throw badSignature()
    return {
      protectedHeader: gated.header as JWSHeaderParameters,
      payload: gated.payloadBytes as Uint8Array,
    }
  }
}

/**
 * Creates a verifier: the strict gate first (length, canonical base64url, JSON objects, allowed
 * `alg`, finite dates; no key lookup, no crypto), then the signature (keys imported once, in this
 * closure) over the segments the gate decoded, then `aud`, `iss`, `exp`/`nbf`/`iat` with leeway and
 * the profile's required claims, then the profile's claims: each in plain code, once, on the
 * payload the gate parsed.
 *
 * @example
 * const verify = createVerifier({ secret, algorithms: ['HS512'], audience: 'https://api.example.com' })
 * const token = await verify(compactJws)
 */
export const createVerifier = <P extends AnyProfile = DefaultProfile>(
  options: VerifyOptions<P>,
): Verifier<ClaimsOf<P>> => {
  const profile: AnyProfile = options.profile ?? defaultProfile()
  if (typeof profile?.check !== 'function') throw new TypeError('"profile" must be a token profile')
  const { realm, gate, getKey, keyFor, badSignature } = prepare(
    options,
    'claims',
    profile.realm,
    options.types ?? profile.types ?? ['JWT'],
  )
  const leeway = options.leeway ?? 10
  if (!Number.isFinite(leeway) || leeway < 0) throw new TypeError('"leeway" must be a number ≥ 0')
  const audience = audienceOf(options.audience, profile)
  const issuer = options.issuer ?? (getKey as LocalKeyResolver).issuer
  const registered = registeredClaims({
    realm,
    required: profile.requiredClaims,
    audience,
    issuer: issuer || undefined,
    leeway,
  })
  const { check } = profile

  const verify: Verifier<ClaimsOf<P>> = async (token) => {
    const gated = checkToken(token, gate)
    let key = keyFor(gated.header)
    if (!(key instanceof CryptoKey)) key = await key
    let holds = false
    try {
      holds = await signatureHolds(gated, key)
    } catch {
      // holds stays false
    }
    if (!holds) throw badSignature()
    const payload = gated.payload as Record<string, unknown>
    registered(payload)
    // The profile reads the claims: once, synchronously, on the payload parsed for this token.
    const problem = check(payload)
    if (problem !== undefined) throw new InvalidTokenError(realm, problem)
    return payload as ClaimsOf<P>
  }
  // The key set's background refresh, for the middleware to hand to `waitUntil`.
  const refreshing = (getKey as { refreshing?: () => Promise<void> | undefined }).refreshing
  if (options.cache !== undefined && typeof options.cache?.wrap !== 'function') {
    throw new TypeError('"cache" must be a TokenCache (new TokenCache())')
  }
  const cached = (
    options.cache ? options.cache.wrap(verify, leeway, getKey as KeySetEvents) : verify
  ) as Verifier<ClaimsOf<P>>
  // Outside the cache: a token the previous secret verified is never served once its window ends.
  const end = previousSecretEnd(options)
  const verifier =
    end === undefined
      ? cached
      : withPreviousSecret(cached, createVerifier(previousSecretOptions(options)), end)
  return refreshing ? Object.assign(verifier, { refreshing }) : verifier
}
