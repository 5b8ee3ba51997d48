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

// Contract §2: the key types a private JWK may be, by its `alg`.
const signingKeyTypes: Partial<Record<Algorithm, string>> = {
  EdDSA: 'OKP',
  ES256: 'EC',
  RS256: 'RSA',
  PS256: 'RSA',
}
// A remote key set may hold any asymmetric key; jose still matches each key's own `alg`.
const remoteAlgorithms: Algorithm[] = ['EdDSA', 'ES256', 'ES384', 'ES512', 'RS256', 'PS256']

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
  const alg = jwk.alg as Algorithm
  const kty = signingKeyTypes[alg]
  if (!kty || jwk.kty !== kty || typeof jwk.d !== 'string') {
    throw new ConfigError(
      '"JWT_PRIVATE_JWK" must be a private Ed25519 (EdDSA), P-256 (ES256) or RSA (RS256/PS256) JWK with its "alg"',
    )
  }
  if (typeof jwk.kid !== 'string' || !jwk.kid)
    throw new ConfigError('"JWT_PRIVATE_JWK" needs a "kid"')
  if ((alg === 'EdDSA' && jwk.crv !== 'Ed25519') || (alg === 'ES256' && jwk.crv !== 'P-256')) {
    throw new ConfigError(`"JWT_PRIVATE_JWK" has the wrong curve for ${alg}`)
  }
  // base64url: 4 characters per 3 bytes; 2048 bits are 256 bytes.
  if (kty === 'RSA' && Math.floor(((jwk.n as string | undefined)?.length ?? 0) * 0.75) < 256) {
    throw new ConfigError('"JWT_PRIVATE_JWK" RSA keys must have at least 2048 bits')
  }
  return { text, alg }
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
    throw new ConfigError('"JWT_SECRET" must be at least 64 bytes (HS512)')
  }
  const jwksUrl = present(env.JWKS_URL)
  if (jwksUrl !== undefined && !URL.canParse(jwksUrl))
    throw new ConfigError('"JWKS_URL" is not a URL')

  const algorithms = new Set<Algorithm>()
  if (jwk) algorithms.add(jwk.alg)
  if (secret) algorithms.add('HS512')
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
