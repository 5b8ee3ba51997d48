import type { MiddlewareHandler } from 'hono'
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import { secretBytes } from '../keys/key-checks'
import { checkedKeyPair } from '../keys/key-pair'
import type { Algorithm } from '../keys/keys'
import { parseJwk } from '../keys/local-keys'
import { publishedKeys } from '../keys/published-keys'
import { type DefaultProfile, defaultProfile } from '../profile/default'
import type { AnyProfile, TokenTypeOf } from '../profile/profile'
import { mintingIssuer, type RenewalAuth } from './minting-issuer'
import { tokenExchange, tokenRefresh } from './refresh'

/** How tokens are minted. Names match the Worker's bindings. */
export interface IssuerOptions<P extends AnyProfile = DefaultProfile> {
  /** The profile of the tokens minted; every token is checked against it before it is signed. Default: the access-token profile (RFC 9068); Airflow's tokens: `taskInstanceProfile`. */
  profile?: P
  /** Private JWK (object or JSON text) that signs; its `kid` goes in the header. Default: none. */
  privateJwk?: JWK | string
  /** Symmetric secret (HS512 by default), at least 64 bytes for HS512. Default: none. */
  secret?: string | Uint8Array
  /**
   * Public JWKs (with `kid` and `alg`) published in `jwks()` beside the signing key, never used to
   * sign: the next key before it signs, the previous one until its last token has expired. Default: none.
   */
  publicKeys?: readonly JWK[]
  /** Signing algorithm. Default: the JWK's `alg`, else from its key type (Ed25519 → `EdDSA`); `HS512` for a secret. */
  algorithm?: Algorithm
  /** Audiences; minted tokens carry the first. Default: the profile's (task instance: `'urn:airflow.apache.org:task'`; access token: none). */
  audience?: string | readonly string[]
  /** `iss` of minted tokens. Default: none. */
  issuer?: string
  /** Execution token lifetime in seconds. Default: `600`. */
  expirationTime?: number
  /** Workload token lifetime in seconds (task instance profile). Default: `600`. */
  workloadExpirationTime?: number
  /**
   * Longest token minted, in characters: a token the verifiers would refuse as too long is never
   * handed out (an exchange or refresh carries every extra claim over). Default: `8192`, the
   * verifier's default.
   */
  maxTokenLength?: number
}

export interface MintOptions<P extends AnyProfile = DefaultProfile> {
  /** The subject: the task instance id (a UUID) for task tokens, any non-empty string for access tokens. */
  sub: string
  /** The token type. Default: the profile's refreshed type (task instance: `'execution'`). */
  type?: TokenTypeOf<P>
  /** The token type, as the task instance profile spells it (its `scope` claim). Default: `'execution'`. */
  scope?: TokenTypeOf<P>
  /** Granted scopes (access tokens: the space-delimited `scope` claim). Default: none. */
  scopes?: readonly string[]
  /** Extra claims; claims the profile manages among them are ignored. */
  claims?: Record<string, unknown>
  /** Lifetime in seconds. Default: the configured lifetime of the token type. */
  expiresIn?: number
}

export interface Issuer<P extends AnyProfile = DefaultProfile> {
  /** Signs a new token with fresh `jti`, `iat`, `nbf` and `exp`; throws a `TypeError` on claims the profile refuses. */
  mint(options: MintOptions<P>): Promise<string>
  /** The profile of the tokens it mints. */
  readonly profile: P
  /** The `iss` of the tokens it mints (the `issuer` option); absent: none. */
  readonly issuer?: string
  /** The public JWK set: the signing key, then `publicKeys` (empty for a shared secret). */
  jwks(): Promise<{ keys: JWK[] }>
  readonly expirationTime: number
  readonly workloadExpirationTime: number
  /**
   * A route table's steps for this issuer, after each route's guard: the near-expiry refresh and
   * the exchange of `exchange: true` routes (here, so that a table without an issuer bundles
   * neither). With several issuers, only tokens of the one whose `iss` this issuer mints are
   * re-minted; none of them having it throws.
   */
  renewal(auth: RenewalAuth): { refresh: MiddlewareHandler; exchange: MiddlewareHandler }
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
 * const issuer = createIssuer({ privateJwk: env.JWT_PRIVATE_JWK, profile: taskInstanceProfile })
 * const workload = await issuer.mint({ sub: ti.id, scope: 'workload' })
 */
export const createIssuer = <P extends AnyProfile = DefaultProfile>(
  options: IssuerOptions<P>,
): Issuer<P> => {
  const profile = (options.profile ?? defaultProfile()) as P
  const expirationTime = lifetime(options.expirationTime, 'expirationTime')
  const workloadExpirationTime = lifetime(options.workloadExpirationTime, 'workloadExpirationTime')
  const maxTokenLength = options.maxTokenLength ?? 8192
  if (!Number.isInteger(maxTokenLength) || maxTokenLength <= 0) {
    throw new TypeError('"maxTokenLength" must be a positive integer')
  }
  const audience =
    typeof options.audience === 'string'
      ? options.audience
      : (options.audience?.[0] ?? profile.audience?.[0])

  let alg: Algorithm
  let kid: string | undefined
  let signingKey: () => Promise<CryptoKey | Uint8Array>
  let published: JWK[] = []
  if (options.privateJwk) {
    const jwk = parseJwk(options.privateJwk, 'privateJwk')
    if (typeof jwk.d !== 'string') throw new TypeError('"privateJwk" must be a private key')
    alg = options.algorithm ?? algorithmFor(jwk)
    kid = jwk.kid
    // The text already checked above when it names its `alg`: its checks are not run twice.
    const named = typeof options.privateJwk === 'string' && jwk.alg === alg
    published = publishedKeys({
      privateJwk: named ? (options.privateJwk as string) : { ...jwk, alg },
      publicKeys: options.publicKeys,
    })
    let key: Promise<CryptoKey> | undefined
    // Imported on first use, with the proof that the private part is the public one's.
    signingKey = () =>
      (key ??= checkedKeyPair(jwk, alg, 'privateJwk').then((pair) => pair.privateKey))
  } else if (options.secret !== undefined) {
    alg = options.algorithm ?? 'HS512'
    if (!alg.startsWith('HS')) throw new TypeError(`"secret" cannot sign ${alg}`)
    const bytes = secretBytes(options.secret, [alg])
    if (options.publicKeys?.length) throw new TypeError('"publicKeys" needs a "privateJwk"')
    signingKey = async () => bytes
  } else {
    throw new TypeError('"privateJwk" or "secret" is required')
  }

  const defaultType = profile.refreshType ?? profile.defaultTokenTypes[0]
  const issuer: Issuer<P> = {
    profile,
    issuer: options.issuer,
    renewal: (auth) => {
      const reissues = mintingIssuer(auth, issuer)
      return {
        refresh: tokenRefresh({ issuer, reissues }),
        exchange: tokenExchange(issuer, auth.realm, reissues),
      }
    },
    expirationTime,
    workloadExpirationTime,
    async mint({ sub, type, scope, scopes, claims, expiresIn }) {
      const now = Math.floor(Date.now() / 1000)
      const tokenType = type ?? scope ?? defaultType
      const ttl = expiresIn ?? (tokenType === 'workload' ? workloadExpirationTime : expirationTime)
      const extra = Object.fromEntries(
        Object.entries(claims ?? {}).filter(([name]) => !profile.managedClaims.has(name)),
      )
      const payload: Record<string, unknown> = {
        ...extra,
        ...profile.mintClaims(tokenType, scopes),
        sub,
        ...(audience === undefined ? {} : { aud: audience }),
        ...(options.issuer === undefined ? {} : { iss: options.issuer }),
        iat: now,
        nbf: now,
        exp: now + ttl,
        jti: crypto.randomUUID(),
      }
      // Never mint what the verifier would refuse: the profile checks the claims first.
      const problem = profile.check({ ...payload })
      if (problem !== undefined) throw new TypeError(`Refusing to mint: ${problem}`)
      const header = kid ? { alg, kid, typ: 'JWT' } : { alg, typ: 'JWT' }
      const token = await new SignJWT(payload).setProtectedHeader(header).sign(await signingKey())
      // A token of another type is exchanged for one of the refreshed type with the same claims
      // (`workload` → `execution`: one character more in the payload): that one must fit too.
      const exchanged = profile.refreshType
      const grows =
        exchanged === undefined || exchanged === tokenType
          ? 0
          : JSON.stringify(profile.mintClaims(exchanged, scopes)).length -
            JSON.stringify(profile.mintClaims(tokenType, scopes)).length
      const room = grows > 0 ? Math.ceil((grows * 4) / 3) + 1 : 0
      if (token.length + room > maxTokenLength) {
        const what = room ? 'its exchange would be over' : 'over'
        throw new RangeError(
          `The minted token has ${token.length} characters, ${what} "maxTokenLength" (${maxTokenLength})`,
        )
      }
      return token
    },
    async jwks() {
      return { keys: published.map((jwk) => ({ ...jwk })) }
    },
  }
  return issuer
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
