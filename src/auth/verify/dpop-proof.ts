import type { JWK } from 'jose'
import { invalidProof } from '../dpop-errors'
import { AuthError } from '../errors'
import { isAsymmetric, jwkFits, jwkProblem, privateMembers } from '../keys/key-checks'
import { importPublicJwk, subtleParams } from '../keys/web-crypto'
import { checkToken, type GateOptions } from '../token/gate'

/** How DPoP proofs (RFC 9449 §4) are checked. */
export interface ProofOptions {
  /** `realm` of the challenges. */
  realm: string
  /** Proof algorithms accepted: asymmetric only. */
  algorithms: readonly string[]
  /** Seconds a proof stays acceptable after its `iat`. */
  maxAge: number
  /** Seconds of clock skew allowed on `iat`, both ways. */
  leeway: number
  /** Longest proof accepted, in characters. */
  maxLength: number
  /** The public origin (`https://api.example.com`) `htu` names, when not the request's own. */
  origin?: string
}

/** What a proof that passed tells: its key's thumbprint, its `jti` and `iat`, its `nonce`. */
export interface CheckedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's `jwk`, base64url: what `cnf.jkt` must equal. */
  jkt: string
  jti: string
  iat: number
  nonce: unknown
}

/** The request a proof must match: method, URL, and the access token sent with it. */
export interface ProofRequest {
  method: string
  url: string
  accessToken: string
}

const encoder = /* @__PURE__ */ new TextEncoder()

export const base64url = (bytes: ArrayBuffer | Uint8Array): string => {
  let binary = ''
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** SHA-256 of a string's UTF-8, base64url: `ath` of a token (RFC 9449 §4.2). */
export const sha256 = async (text: string): Promise<string> =>
  base64url(await crypto.subtle.digest('SHA-256', encoder.encode(text)))

/**
 * The RFC 7638 thumbprint of a public JWK (SHA-256, base64url): the required members of its key
 * type, in lexicographic order, with no whitespace.
 *
 * @example
 * const jkt = await jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x })
 */
export const jwkThumbprint = (jwk: JWK): Promise<string> => {
  const { kty, crv, x, y, n, e } = jwk
  const members =
    kty === 'RSA' ? { e, kty, n } : kty === 'EC' ? { crv, kty, x, y } : { crv, kty, x }
  return sha256(JSON.stringify(members))
}

// `origin + path` of an absolute URL: what `htu` is compared on (RFC 9449 §4.3: no query, no
// fragment; the URL parser normalises case, default ports and dot segments on both sides).
const withoutQuery = (url: string) => {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}`
}

/** Longest `jti` remembered: a UUID is 36 characters, 32 random bytes 43. */
const maxJtiLength = 256
/** Proof keys (by header segment) imported and thumbprinted already: one per client, a few. */
const keyCacheSize = 256

/**
 * Builds the proof check once: the strict gate (size, canonical base64url, JSON, `typ` `dpop+jwt`,
 * an allowed asymmetric `alg`), the embedded public `jwk` (no private members, sound, fitting
 * `alg`; imported and thumbprinted once per distinct header), `htm`, `htu`, `iat` within the
 * window, `jti`, the signature, and `ath` = SHA-256 of the access token. Replay (`jti` seen before)
 * and the token's `cnf.jkt` are the caller's checks. Rejects with `DpopError`s only.
 */
export const createProofChecker = (
  options: ProofOptions,
): ((proof: string, request: ProofRequest) => Promise<CheckedProof>) => {
  const { realm, algorithms: algs, maxAge, leeway, maxLength } = options
  const refuse = (description: string) => invalidProof(realm, algs, description)
  const gate: GateOptions = {
    realm,
    maxLength,
    algorithms: new Set(algs),
    payload: 'claims',
    types: new Set(['dpop+jwt']),
    requireType: true,
  }
  const origin = options.origin && new URL(options.origin).origin
  // The URL `htu` must name: the request's, or its path under the public origin.
  const requestUri = (url: string) => {
    const parsed = new URL(url)
    return `${origin ?? parsed.origin}${parsed.pathname}`
  }
  const keys = new Map<string, { key: CryptoKey; jkt: string }>()

  const keyOf = async (segment: string, jwk: unknown, alg: string) => {
    const known = keys.get(segment)
    if (known) return known
    if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) {
      throw refuse('The proof header has no "jwk" object')
    }
    const record = jwk as Record<string, unknown>
    if (privateMembers.some((m) => record[m] !== undefined)) {
      throw refuse('The proof key holds private key members')
    }
    const problem = jwkProblem(jwk as JWK)
    if (problem) throw refuse(`The proof key ${problem}`)
    if (!jwkFits(jwk as JWK, alg)) throw refuse('The proof key does not fit the proof "alg"')
    let key: CryptoKey
    try {
      key = await importPublicJwk(jwk as JsonWebKey, alg)
    } catch {
      throw refuse('The proof key cannot be imported')
    }
    const entry = { key, jkt: await jwkThumbprint(jwk as JWK) }
    if (keys.size >= keyCacheSize) keys.clear()
    keys.set(segment, entry)
    return entry
  }

  return async (proof, request) => {
    let gated: ReturnType<typeof checkToken>
    try {
      gated = checkToken(proof, gate)
    } catch (error) {
      const said = error instanceof AuthError ? error.challenge?.description : undefined
      throw refuse((said ?? 'The proof is malformed').replaceAll('token', 'proof'))
    }
    const { header } = gated
    const payload = gated.payload as Record<string, unknown>
    const { jti, htm, htu, iat, ath } = payload
    if (typeof jti !== 'string' || !jti || jti.length > maxJtiLength) {
      throw refuse('The proof "jti" is missing or invalid')
    }
    if (htm !== request.method) throw refuse('The proof "htm" is not the request method')
    let target: string | undefined
    try {
      target = typeof htu === 'string' ? withoutQuery(htu) : undefined
    } catch {}
    if (target !== requestUri(request.url)) throw refuse('The proof "htu" is not the request URL')
    if (typeof iat !== 'number') throw refuse('The proof "iat" is missing')
    const now = Date.now() / 1000
    if (iat > now + leeway) throw refuse('The proof was issued in the future')
    if (iat < now - maxAge - leeway) throw refuse('The proof is too old')
    if (typeof ath !== 'string') throw refuse('The proof "ath" is missing')

    const alg = header.alg as string
    const segment = proof.slice(0, proof.indexOf('.'))
    const { key, jkt } = await keyOf(segment, header.jwk, alg)
    const [holds, hash] = await Promise.all([
      crypto.subtle
        .verify(subtleParams(alg), key, gated.signature, gated.signingInput)
        .catch(() => false),
      sha256(request.accessToken),
    ])
    if (!holds) throw refuse('The proof signature is invalid')
    if (ath !== hash) throw refuse('The proof "ath" is not the hash of the access token')
    return { jkt, jti, iat, nonce: payload.nonce }
  }
}

/** Whether `alg` may sign proofs: asymmetric, and one the library verifies. */
export const proofAlgorithm = (alg: string): boolean => isAsymmetric(alg)
