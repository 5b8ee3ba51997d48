import { compactVerify, type JWSHeaderParameters, jwtVerify } from 'jose'
import { AuthError, ExpiredTokenError, InvalidTokenError } from '../errors'
import {
  type Algorithm,
  createKeyResolver,
  type KeyOptions,
  type KeyResolver,
  supportedAlgorithms,
} from '../keys/keys'
import type { AnyProfile, ClaimsOf } from '../profile/profile'
import { type TaskInstanceProfile, taskInstanceProfile } from '../profile/task-instance'
import { checkToken, type GateOptions } from '../token/gate'
import { type KeySetEvents, type TokenCache, type TokenCacheOptions, withTokenCache } from './cache'
import { previousSecretEnd, previousSecretOptions, withPreviousSecret } from './previous-secret'

/** How tokens are verified. Crypto and claims only: scopes and token types are the policy's job. */
export interface VerifyOptions<P extends AnyProfile = TaskInstanceProfile> extends KeyOptions {
  /** Algorithms accepted in the token header. Required: there is no default allow-list. */
  algorithms: readonly Algorithm[]
  /** How claims are read: `taskInstanceProfile` or `accessTokenProfile(…)`. Default: `taskInstanceProfile`. */
  profile?: P
  /**
   * Accepted audiences; a token must carry one of them. Default: the profile's (task instance:
   * `['urn:airflow.apache.org:task']`; access token: none, `aud` not checked).
   */
  audience?: string | readonly string[]
  /** When set, the `iss` a token must carry. Default: `openIdIssuer` when set, else none (not checked). */
  issuer?: string
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default: `10`. */
  leeway?: number
  /** Longest token accepted, in characters. Default: `8192`. */
  maxTokenLength?: number
  /** `realm` of the `WWW-Authenticate` challenges. Default: the profile's (`'execution-api'`, `'api'`). */
  realm?: string
  /** Replaces the key lookup entirely (tests, custom key stores). Default: built from the key options. */
  getKey?: KeyResolver
  /** `fetch` used for `jwksUrl`. Default: the global `fetch`. */
  fetch?: typeof fetch
  /** Remember verified tokens (per isolate, see `TokenCache`); `true` for the defaults. Default: off. */
  // biome-ignore lint/suspicious/noExplicitAny: a cache of the profile's claims
  cache?: boolean | TokenCacheOptions | TokenCache<any>
  /**
   * The shared secret `secret` replaced: it verifies HS tokens (never signs) until
   * `previousSecretUntil`, so tokens signed before a secret rotation keep working. Default: none.
   */
  previousSecret?: string | Uint8Array
  /** When `previousSecret` stops verifying: a `Date` or NumericDate. Required with it. Default: none. */
  previousSecretUntil?: Date | number
}

export const defaultAudience = 'urn:airflow.apache.org:task'
export const defaultRealm = 'execution-api'

/** Verifies one compact JWS token, resolving to its typed claims or rejecting with an `AuthError`. */
export type Verifier<Claims = ClaimsOf<TaskInstanceProfile>> = (token: string) => Promise<Claims>

// Messages of jose's claim errors, reworded for `error_description`: short, and never the token.
const describeClaimFailure = (claim: string | undefined) => {
  if (claim === 'aud') return 'The token is not meant for this audience'
  if (claim === 'iss') return 'The token issuer is not trusted'
  if (claim === 'nbf') return 'The token is not valid yet'
  if (claim) return `The token's "${claim}" claim is missing or invalid`
  return 'The token claims are invalid'
}

const translate = (error: unknown, realm: string): AuthError => {
  if (error instanceof AuthError) return error
  const { code, claim } = error as { code?: string; claim?: string }
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new ExpiredTokenError(realm)
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return new InvalidTokenError(realm, describeClaimFailure(claim), error)
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new InvalidTokenError(realm, 'The token signature is invalid', error)
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new InvalidTokenError(realm, 'The token algorithm is not allowed', error)
    default:
      return new InvalidTokenError(realm, 'The token is malformed', error)
  }
}

// Options every verifier checks the same way, when it is created.
const prepare = (
  options: SignatureOptions,
  payload: GateOptions['payload'],
  fallbackRealm: string,
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
  const gate: GateOptions = { realm, maxLength, algorithms: new Set(options.algorithms), payload }
  const getKey = options.getKey ?? createKeyResolver({ ...options, realm })
  return { realm, gate, getKey }
}

/** The options of the signature layer alone: keys, allow-list, size cap. */
export type SignatureOptions = Omit<
  VerifyOptions,
  'audience' | 'issuer' | 'leeway' | 'cache' | 'profile' | 'previousSecret' | 'previousSecretUntil'
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
  const { realm, gate, getKey } = prepare(options, 'bytes', defaultRealm)
  const algorithms = [...options.algorithms]
  return async (token: string): Promise<VerifiedJws> => {
    checkToken(token, gate)
    try {
      const { protectedHeader, payload } = await compactVerify(token, getKey, { algorithms })
      return { protectedHeader, payload }
    } catch (error) {
      throw translate(error, realm)
    }
  }
}

/**
 * Creates a verifier: the strict gate first (length, canonical base64url, JSON objects, allowed
 * `alg`, finite dates; no key lookup, no crypto), then the signature (keys imported once, in this
 * closure), then `aud`, `iss`, `exp`/`nbf`/`iat` with leeway and the required claims, then the
 * claims schema.
 *
 * @example
 * const verify = createVerifier({ secret, algorithms: ['HS512'] })
 * const token = await verify(compactJws)
 */
export const createVerifier = <P extends AnyProfile = TaskInstanceProfile>(
  options: VerifyOptions<P>,
): Verifier<ClaimsOf<P>> => {
  const profile: AnyProfile = options.profile ?? taskInstanceProfile
  if (typeof profile?.check !== 'function') throw new TypeError('"profile" must be a token profile')
  const { realm, gate, getKey } = prepare(options, 'claims', profile.realm)
  const leeway = options.leeway ?? 10
  if (!Number.isFinite(leeway) || leeway < 0) throw new TypeError('"leeway" must be a number ≥ 0')
  const audience =
    typeof options.audience === 'string'
      ? [options.audience]
      : options.audience || profile.audience
        ? [...(options.audience ?? profile.audience ?? [])]
        : undefined
  if (audience && (!audience.length || !audience.every((a) => typeof a === 'string' && a))) {
    throw new TypeError('"audience" must name at least one audience, as strings')
  }
  const issuer = options.issuer ?? (options.openIdIssuer && String(options.openIdIssuer))

  const verifyOptions = {
    algorithms: [...options.algorithms],
    audience,
    issuer,
    clockTolerance: leeway,
    requiredClaims: [...profile.requiredClaims],
  }

  const verify: Verifier<ClaimsOf<P>> = async (token) => {
    checkToken(token, gate)
    let payload: Record<string, unknown>
    try {
      ;({ payload } = await jwtVerify(token, getKey, verifyOptions))
    } catch (error) {
      throw translate(error, realm)
    }
    // The profile reads the claims: once, synchronously, on the payload parsed for this token.
    const problem = profile.check(payload)
    if (problem !== undefined) throw new InvalidTokenError(realm, problem)
    const { iat } = payload
    if (typeof iat === 'number' && iat > Date.now() / 1000 + leeway) {
      throw new InvalidTokenError(realm, 'The token was issued in the future')
    }
    return payload as ClaimsOf<P>
  }
  const verified = options.cache
    ? (withTokenCache(verify, options.cache, leeway, getKey as KeySetEvents) as Verifier<
        ClaimsOf<P>
      >)
    : verify
  // Outside the cache: a token the previous secret verified is never served once its window ends.
  const end = previousSecretEnd(options)
  if (end === undefined) return verified
  return withPreviousSecret(verified, createVerifier(previousSecretOptions(options)), end)
}
