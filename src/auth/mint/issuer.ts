import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'
import { secretBytes } from '../keys/key-checks'
import { type Algorithm, parseJwk, toPublicJwk } from '../keys/keys'
import { registeredClaims, type TokenType, tiClaimsSchema } from '../profile/task-instance'
import { defaultAudience } from '../verify/verify'

/** How tokens are minted. Names match the Worker's bindings. */
export interface IssuerOptions {
  /** Private JWK (object or JSON text) that signs; its `kid` goes in the header. Default: none. */
  privateJwk?: JWK | string
  /** Symmetric secret (HS512 by default), at least 64 bytes for HS512. Default: none. */
  secret?: string | Uint8Array
  /** Signing algorithm. Default: the JWK's `alg`, else from its key type (Ed25519 → `EdDSA`); `HS512` for a secret. */
  algorithm?: Algorithm
  /** Audiences; minted tokens carry the first. Default: `'urn:airflow.apache.org:task'`. */
  audience?: string | readonly string[]
  /** `iss` of minted tokens. Default: none. */
  issuer?: string
  /** Execution token lifetime in seconds. Default: `600`. */
  expirationTime?: number
  /** Workload token lifetime in seconds. Default: `600`. */
  workloadExpirationTime?: number
}

export interface MintOptions {
  /** The task instance id. */
  sub: string
  /** Default: `'execution'`. */
  scope?: TokenType
  /** Extra claims; registered claims among them are ignored. */
  claims?: Record<string, unknown>
  /** Lifetime in seconds. Default: the configured lifetime of the token type. */
  expiresIn?: number
}

export interface Issuer {
  /** Signs a new token with fresh `jti`, `iat`, `nbf` and `exp`. */
  mint(options: MintOptions): Promise<string>
  /** The public JWK set of the signing key (empty for a shared secret). */
  jwks(): Promise<{ keys: JWK[] }>
  readonly expirationTime: number
  readonly workloadExpirationTime: number
}

const algorithmFor = (jwk: JWK): Algorithm => {
  if (jwk.alg) return jwk.alg as Algorithm
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256'
  if (jwk.kty === 'RSA') return 'RS256'
  throw new TypeError('"privateJwk" needs an "alg"')
}

const lifetime = (value: number | undefined, option: string) => {
  const seconds = value ?? 600
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new TypeError(`"${option}" must be a positive integer`)
  return seconds
}

/**
 * Creates the token issuer; the signing key is imported once, on first use.
 *
 * @example
 * const issuer = createIssuer({ privateJwk: env.JWT_PRIVATE_JWK })
 * const workload = await issuer.mint({ sub: ti.id, scope: 'workload' })
 */
export const createIssuer = (options: IssuerOptions): Issuer => {
  const expirationTime = lifetime(options.expirationTime, 'expirationTime')
  const workloadExpirationTime = lifetime(options.workloadExpirationTime, 'workloadExpirationTime')
  const audience =
    typeof options.audience === 'string'
      ? options.audience
      : (options.audience?.[0] ?? defaultAudience)

  let alg: Algorithm
  let kid: string | undefined
  let signingKey: () => Promise<CryptoKey | Uint8Array>
  let publicJwk: JWK | undefined
  if (options.privateJwk) {
    const jwk = parseJwk(options.privateJwk, 'privateJwk')
    if (typeof jwk.d !== 'string') throw new TypeError('"privateJwk" must be a private key')
    alg = options.algorithm ?? algorithmFor(jwk)
    kid = jwk.kid
    publicJwk = { ...toPublicJwk(jwk), alg, use: 'sig' }
    let key: Promise<CryptoKey> | undefined
    signingKey = () => (key ??= importJWK(jwk, alg) as Promise<CryptoKey>)
  } else if (options.secret !== undefined) {
    alg = options.algorithm ?? 'HS512'
    if (!alg.startsWith('HS')) throw new TypeError(`"secret" cannot sign ${alg}`)
    const bytes = secretBytes(options.secret, [alg])
    signingKey = async () => bytes
  } else {
    throw new TypeError('"privateJwk" or "secret" is required')
  }

  return {
    expirationTime,
    workloadExpirationTime,
    async mint({ sub, scope = 'execution', claims, expiresIn }) {
      const now = Math.floor(Date.now() / 1000)
      const ttl = expiresIn ?? (scope === 'workload' ? workloadExpirationTime : expirationTime)
      const extra = Object.fromEntries(
        Object.entries(claims ?? {}).filter(([name]) => !registeredClaims.has(name)),
      )
      // Never mint what the verifier would refuse (a `sub` that is not a UUID, an unknown scope).
      const checked = tiClaimsSchema.safeParse({
        ...extra,
        scope,
        sub,
        aud: audience,
        iat: now,
        nbf: now,
        exp: now + ttl,
      })
      if (!checked.success) {
        const [issue] = checked.error.issues
        throw new TypeError(`Refusing to mint: claim "${issue?.path.join('.')}": ${issue?.message}`)
      }
      const jwt = new SignJWT({ ...extra, scope })
        .setProtectedHeader(kid ? { alg, kid, typ: 'JWT' } : { alg, typ: 'JWT' })
        .setSubject(sub)
        .setAudience(audience)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + ttl)
        .setJti(crypto.randomUUID())
      if (options.issuer) jwt.setIssuer(options.issuer)
      return jwt.sign(await signingKey())
    },
    async jwks() {
      return { keys: publicJwk ? [publicJwk] : [] }
    },
  }
}

/**
 * A fresh private signing JWK with `kid` and `alg` (EdDSA by default), for development and tests.
 *
 * @example
 * const jwk = await generateSigningJwk('ES256')
 */
export const generateSigningJwk = async (
  alg: Exclude<Algorithm, `HS${string}`> = 'EdDSA',
): Promise<JWK> => {
  const crv = alg === 'EdDSA' ? { crv: 'Ed25519' } : {}
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...crv })
  const jwk = await exportJWK(privateKey)
  return { ...jwk, alg, kid: crypto.randomUUID() } as JWK
}
