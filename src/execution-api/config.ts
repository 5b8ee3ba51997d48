import type { Algorithm, IssuerOptions, VerifyOptions } from '../index'
import { defaultAudience } from '../index'

/** The Worker's bindings (contract §2). Secrets and vars arrive as strings, or not at all. */
export interface ExecutionBindings {
  DB: D1Database
  JWT_PRIVATE_JWK?: string
  JWT_SECRET?: string
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
  verify: VerifyOptions | undefined
  /** How tokens are minted; `undefined` without a private key or secret (no exchange, no refresh). */
  issuer: IssuerOptions | undefined
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
  const jwksUrl = present(env.JWKS_URL)
  if (jwksUrl !== undefined && !URL.canParse(jwksUrl))
    throw new ConfigError('"JWKS_URL" is not a URL')

  const algorithms = new Set<Algorithm>()
  if (jwk) algorithms.add(jwk.alg)
  if (secret) for (const alg of secretAlgorithms) algorithms.add(alg)
  if (jwksUrl) for (const alg of remoteAlgorithms) algorithms.add(alg)

  const hasKey = algorithms.size > 0
  const lifetimes = { expirationTime, workloadExpirationTime }
  return {
    verify: hasKey
      ? {
          algorithms: [...algorithms],
          privateJwk: jwk?.text,
          secret,
          jwksUrl,
          audience,
          issuer: issuerName,
          leeway,
        }
      : undefined,
    issuer:
      jwk || secret
        ? {
            privateJwk: jwk?.text,
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
