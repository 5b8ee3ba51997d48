import type { JWK } from 'jose'
import { defaultAudience, type TaskInstanceProfile, taskInstanceProfile } from '../airflow'
import type { Algorithm, KeySource, VerifyOptions } from '../index'
import { localKeys, publishedKeys } from '../index'
import type { IssuerOptions } from '../mint'
import { remoteKeys } from '../remote'

/** The Worker's bindings (contract §2). Secrets and vars arrive as strings, or not at all. */
export interface ExecutionBindings {
  DB: D1Database
  JWT_PRIVATE_JWK?: string
  JWT_SECRET?: string
  /** Rotation: public keys published and trusted beside JWT_PRIVATE_JWK (the next, the previous). */
  JWT_PUBLIC_JWKS?: string
  /** Rotation: the replaced JWT_SECRET, verifying only, until JWT_PREVIOUS_SECRET_UNTIL. */
  JWT_PREVIOUS_SECRET?: string
  JWT_PREVIOUS_SECRET_UNTIL?: string
  JWKS_URL?: string
  JWT_AUDIENCE?: string
  JWT_ISSUER?: string
  JWT_LEEWAY?: string
  JWT_EXPIRATION_TIME?: string
  WORKLOAD_TOKEN_EXPIRATION_TIME?: string
  MULTI_TEAM?: string
  /** Static assets (`[assets]` in wrangler.toml): the files of the docs page. */
  ASSETS?: { fetch: (request: Request) => Promise<Response> }
}

/** What the bindings mean, checked once per isolate. */
export interface ExecutionConfig {
  /** How tokens verify; `undefined` when no key is configured (authenticated routes answer 503). */
  verify: VerifyOptions<TaskInstanceProfile> | undefined
  /** How tokens are minted; `undefined` without a private key or secret (no exchange, no refresh). */
  issuer: IssuerOptions<TaskInstanceProfile> | undefined
  /** Why there is no key, naming the bindings to set. */
  missingKey: string | undefined
  multiTeam: boolean
}

/** A binding with a value the Worker refuses to start with. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

// Contract §2: what a private JWK may be, by its `alg`: what Airflow's JWTGenerator can sign with
// (PyJWT's RSA, RSA-PSS, EC and EdDSA algorithms).
const signingKeys: Partial<Record<Algorithm, { kty: string; crv?: string }>> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
}
// A remote key set may hold any asymmetric key; a key without `alg` serves the token's `alg` when
// its type and curve fit it (the allow-list still applies).
const remoteAlgorithms = Object.keys(signingKeys) as Algorithm[]
// A secret of 64 bytes or more is long enough for every HMAC algorithm; minted tokens use HS512,
// as Airflow does with `[api_auth] jwt_secret`.
const secretAlgorithms: Algorithm[] = ['HS512', 'HS384', 'HS256']

// The algorithm of a private JWK without `alg`, as Airflow's `_guess_best_algorithm` picks it
// (RSA → RS512, Ed25519 → EdDSA); an EC key's curve names its one algorithm.
const guessAlgorithm = (jwk: Record<string, unknown>): Algorithm | undefined => {
  if (jwk.kty === 'RSA') return 'RS512'
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  if (jwk.kty === 'EC') {
    return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as const)[jwk.crv as 'P-256']
  }
  return undefined
}

const present = (value: string | undefined) => (value?.trim() ? value.trim() : undefined)

const integer = (name: string, value: string | undefined, fallback: number, min: number) => {
  const text = present(value)
  if (text === undefined) return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < min) {
    throw new ConfigError(`"${name}" must be an integer ≥ ${min}, got ${JSON.stringify(text)}`)
  }
  return n
}

const privateJwk = (text: string) => {
  let jwk: Record<string, unknown>
  try {
    jwk = JSON.parse(text)
  } catch {
    throw new ConfigError('"JWT_PRIVATE_JWK" is not JSON')
  }
  const alg = (jwk.alg ?? guessAlgorithm(jwk)) as Algorithm
  const needs = signingKeys[alg]
  if (!needs || jwk.kty !== needs.kty || typeof jwk.d !== 'string') {
    throw new ConfigError(
      '"JWT_PRIVATE_JWK" must be a private Ed25519 (EdDSA), EC (ES256/384/512) or RSA (RS256/384/512, PS256/384/512; RS512 without "alg", as Airflow) JWK',
    )
  }
  if (typeof jwk.kid !== 'string' || !jwk.kid)
    throw new ConfigError('"JWT_PRIVATE_JWK" needs a "kid"')
  if (needs.crv && jwk.crv !== needs.crv) {
    throw new ConfigError(`"JWT_PRIVATE_JWK" has the wrong curve for ${alg}`)
  }
  // base64url: 4 characters per 3 bytes; 2048 bits are 256 bytes.
  if (
    needs.kty === 'RSA' &&
    Math.floor(((jwk.n as string | undefined)?.length ?? 0) * 0.75) < 256
  ) {
    throw new ConfigError('"JWT_PRIVATE_JWK" RSA keys must have at least 2048 bits')
  }
  return { text: JSON.stringify({ ...jwk, alg }), alg }
}

/**
 * JWT_PUBLIC_JWKS: a JWK set (`{"keys": […]}`, the shape of the published set, so the live set can
 * be copied back during a switch) of public keys the private JWK's rules allow, each with `kid`.
 */
const publicJwks = (text: string, signing: string | undefined) => {
  if (!signing)
    throw new ConfigError('"JWT_PUBLIC_JWKS" needs "JWT_PRIVATE_JWK" (the key that signs)')
  let keys: unknown
  try {
    keys = JSON.parse(text)?.keys
  } catch {}
  if (!Array.isArray(keys))
    throw new ConfigError('"JWT_PUBLIC_JWKS" is not a JWK set {"keys": […]}')
  const withAlg = (keys as Record<string, unknown>[]).map((jwk) => {
    if (!jwk || typeof jwk !== 'object') throw new ConfigError('"JWT_PUBLIC_JWKS" holds a non-key')
    // Never published: a private member here means the wrong half was put in this binding.
    if (typeof jwk.d === 'string') {
      throw new ConfigError('"JWT_PUBLIC_JWKS" holds a private key: put only public keys there')
    }
    // The same keys JWT_PRIVATE_JWK may be, the same algorithm guessed when `alg` is absent.
    const alg = (jwk.alg ?? guessAlgorithm(jwk)) as Algorithm
    const needs = signingKeys[alg]
    if (!needs || jwk.kty !== needs.kty || (needs.crv && jwk.crv !== needs.crv)) {
      throw new ConfigError(
        '"JWT_PUBLIC_JWKS" keys must be public keys JWT_PRIVATE_JWK could be (EdDSA, ES256/384/512, RS256/384/512, PS256/384/512)',
      )
    }
    return { ...jwk, alg } as JWK
  })
  try {
    // The signing key's public half first; a key listed again under its kid counts once.
    return publishedKeys({ privateJwk: signing, publicKeys: withAlg }).slice(1)
  } catch (error) {
    throw new ConfigError((error as Error).message.replace('"publicKeys"', '"JWT_PUBLIC_JWKS"'))
  }
}

/** RFC 3339 with an offset or `Z`, or NumericDate digits, as milliseconds since the epoch. */
const instant = (name: string, text: string) => {
  const ms = /^\d+$/.test(text)
    ? Number(text) * 1000
    : /(Z|[+-]\d\d:\d\d)$/i.test(text)
      ? Date.parse(text)
      : Number.NaN
  if (!Number.isFinite(ms)) {
    throw new ConfigError(
      `"${name}" must be an RFC 3339 time with an offset, got ${JSON.stringify(text)}`,
    )
  }
  return ms
}

/**
 * JWT_PREVIOUS_SECRET: verifies only, and only until JWT_PREVIOUS_SECRET_UNTIL, which may be at
 * most the longest token lifetime + leeway + 1 h away: it is there for tokens already signed, never
 * a second long-lived key. A window already over leaves it out.
 */
const previousSecret = (env: ExecutionBindings, secret: string | undefined, horizon: number) => {
  const previous = env.JWT_PREVIOUS_SECRET || undefined
  if (previous === undefined) return undefined
  if (!secret)
    throw new ConfigError('"JWT_PREVIOUS_SECRET" needs "JWT_SECRET" (the secret that signs)')
  if (new TextEncoder().encode(previous).byteLength < 64) {
    throw new ConfigError('"JWT_PREVIOUS_SECRET" must be at least 64 bytes (HS512)')
  }
  const text = present(env.JWT_PREVIOUS_SECRET_UNTIL)
  if (text === undefined) {
    throw new ConfigError('"JWT_PREVIOUS_SECRET_UNTIL" is required with "JWT_PREVIOUS_SECRET"')
  }
  const until = instant('JWT_PREVIOUS_SECRET_UNTIL', text)
  if (until > Date.now() + (horizon + 3600) * 1000) {
    throw new ConfigError(
      '"JWT_PREVIOUS_SECRET_UNTIL" is further away than the longest token lifetime + leeway + 1 h',
    )
  }
  return until > Date.now()
    ? { previousSecret: previous, previousSecretUntil: new Date(until) }
    : undefined
}

/**
 * Reads the bindings. Throws `ConfigError` for a value that must stop the Worker (a short secret,
 * a broken key); a missing key is not an error here, it becomes 503 on authenticated routes.
 */
export const loadConfig = (env: ExecutionBindings): ExecutionConfig => {
  const audience = (present(env.JWT_AUDIENCE) ?? defaultAudience)
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
  if (!audience.length) throw new ConfigError('"JWT_AUDIENCE" names no audience')
  const issuerName = present(env.JWT_ISSUER)
  const leeway = integer('JWT_LEEWAY', env.JWT_LEEWAY, 10, 0)
  const expirationTime = integer('JWT_EXPIRATION_TIME', env.JWT_EXPIRATION_TIME, 600, 1)
  const workloadExpirationTime = integer(
    'WORKLOAD_TOKEN_EXPIRATION_TIME',
    env.WORKLOAD_TOKEN_EXPIRATION_TIME,
    600,
    1,
  )
  const team = present(env.MULTI_TEAM)?.toLowerCase() ?? 'false'
  if (team !== 'true' && team !== 'false')
    throw new ConfigError('"MULTI_TEAM" must be true or false')

  const jwkText = present(env.JWT_PRIVATE_JWK)
  const jwk = jwkText === undefined ? undefined : privateJwk(jwkText)
  const secret = env.JWT_SECRET || undefined
  if (secret !== undefined && new TextEncoder().encode(secret).byteLength < 64) {
    throw new ConfigError(
      '"JWT_SECRET" must be at least 64 bytes (HS512, RFC 7518 §3.2). A shorter Airflow ' +
        '[api_auth] jwt_secret cannot be reused: set a new random one of 64 bytes or more ' +
        '(`openssl rand -base64 64`) in Airflow and in JWT_SECRET, then restart both',
    )
  }
  const extraKeys =
    present(env.JWT_PUBLIC_JWKS) === undefined
      ? []
      : publicJwks(present(env.JWT_PUBLIC_JWKS) as string, jwk?.text)
  const previous = previousSecret(
    env,
    secret,
    Math.max(expirationTime, workloadExpirationTime) + leeway,
  )
  const jwksUrl = present(env.JWKS_URL)
  if (jwksUrl !== undefined && !URL.canParse(jwksUrl))
    throw new ConfigError('"JWKS_URL" is not a URL')

  const algorithms = new Set<Algorithm>()
  if (jwk) algorithms.add(jwk.alg)
  for (const key of extraKeys) algorithms.add(key.alg as Algorithm)
  if (secret) for (const alg of secretAlgorithms) algorithms.add(alg)
  if (jwksUrl) for (const alg of remoteAlgorithms) algorithms.add(alg)

  const hasKey = algorithms.size > 0
  const keys: KeySource[] = []
  if (jwk) keys.push(localKeys([jwk.text], 'JWT_PRIVATE_JWK'))
  if (extraKeys.length) keys.push(localKeys(extraKeys, 'JWT_PUBLIC_JWKS'))
  if (jwksUrl) {
    try {
      keys.push(remoteKeys(jwksUrl))
    } catch (error) {
      throw new ConfigError((error as Error).message.replace('"remoteKeys"', '"JWKS_URL"'))
    }
  }
  const lifetimes = { expirationTime, workloadExpirationTime }
  return {
    verify: hasKey
      ? {
          profile: taskInstanceProfile,
          algorithms: [...algorithms],
          keys,
          secret,
          ...previous,
          audience,
          issuer: issuerName,
          leeway,
        }
      : undefined,
    issuer:
      jwk || secret
        ? {
            profile: taskInstanceProfile,
            privateJwk: jwk?.text,
            ...(extraKeys.length ? { publicKeys: extraKeys } : {}),
            secret: jwk ? undefined : secret,
            algorithm: jwk ? jwk.alg : 'HS512',
            audience,
            issuer: issuerName,
            ...lifetimes,
          }
        : undefined,
    missingKey: hasKey
      ? undefined
      : 'No token key configured: set the JWT_PRIVATE_JWK or JWT_SECRET secret, or the JWKS_URL var',
    multiTeam: team === 'true',
  }
}
