import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { AuthError, type AuthErrorCode, type BearerChallenge, MissingTokenError } from './errors'

/** The parameters of a `WWW-Authenticate: DPoP` challenge (RFC 9449 §7.1). */
export interface DpopChallenge {
  error?: BearerChallenge['error'] | 'invalid_dpop_proof' | 'use_dpop_nonce'
  description?: string
  scope?: string
}

/** How a DPoP refusal is rendered: which schemes it offers, and a fresh nonce when one is asked. */
export interface DpopErrorOptions {
  /** The proof algorithms the server accepts: `algs` of the challenge. */
  algs: readonly string[]
  /** Offer `Bearer` as well (a route that takes both). Default: `false`, `DPoP` alone. */
  bearer?: boolean
  /**
   * The scheme of the refused request: with both challenges offered, its challenge carries the
   * error. Default: `'dpop'`.
   */
  scheme?: 'bearer' | 'dpop'
  /** Sent as `DPoP-Nonce` (RFC 9449 §8). Default: none. */
  nonce?: string
  cause?: unknown
}

// As in errors.ts: RFC 6750 §3's characters only, so that nothing sent can break the header.
const quote = (value: string) => `"${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')}"`

/**
 * A refusal whose challenge is `DPoP` (RFC 9449 §7.1): `DPoP realm="api", error="…",
 * error_description="…", algs="ES256 EdDSA"`, preceded by a bare `Bearer realm="api"` where the
 * route takes bearer tokens too. Its `code` says what happened, as for every `AuthError`.
 *
 * @example
 * app.onError((err, c) => (err instanceof DpopError ? err.getResponse() : c.text('oops', 500)))
 */
export class DpopError extends AuthError {
  readonly algs: readonly string[]
  readonly bearer: boolean
  readonly scheme: 'bearer' | 'dpop'
  readonly nonce: string | undefined

  constructor(
    status: ContentfulStatusCode,
    code: AuthErrorCode,
    detail: string,
    realm: string,
    challenge: DpopChallenge,
    options: DpopErrorOptions,
  ) {
    super(status, code, detail, realm, challenge as BearerChallenge, options.cause)
    this.algs = options.algs
    this.bearer = options.bearer ?? false
    this.scheme = options.scheme ?? 'dpop'
    this.nonce = options.nonce
  }

  override get wwwAuthenticate(): string {
    const { error, description, scope } = this.challenge ?? {}
    let params = ''
    if (error) params += `, error=${quote(error)}`
    if (description) params += `, error_description=${quote(description)}`
    if (scope) params += `, scope=${quote(scope)}`
    const onBearer = this.bearer && this.scheme === 'bearer'
    const dpop = `DPoP realm=${quote(this.realm)}${onBearer ? '' : params}, algs=${quote(this.algs.join(' '))}`
    return this.bearer
      ? `Bearer realm=${quote(this.realm)}${onBearer ? params : ''}, ${dpop}`
      : dpop
  }

  override getResponse(): Response {
    const res = super.getResponse()
    if (this.nonce !== undefined) res.headers.set('dpop-nonce', this.nonce)
    return res
  }
}

/** No token, or a scheme the route does not take: 401 naming `DPoP` (and `Bearer` if taken). */
export const dpopMissing = (realm: string, algs: readonly string[], bearer: boolean) =>
  new DpopError(401, 'ERR_AUTH_MISSING', 'Missing auth token', realm, {}, { algs, bearer })

/** A bearer token where the route needs a DPoP-bound one: 401, `DPoP` challenge, no error code. */
export const dpopRequired = (realm: string, algs: readonly string[]) =>
  new DpopError(401, 'ERR_DPOP_REQUIRED', 'DPoP-bound token required', realm, {}, { algs })

/** Anything wrong with the proof: 401 `invalid_dpop_proof`, naming what (never quoting it). */
export const invalidProof = (realm: string, algs: readonly string[], description: string) =>
  new DpopError(
    401,
    'ERR_DPOP_PROOF_INVALID',
    'Invalid DPoP proof',
    realm,
    { error: 'invalid_dpop_proof', description },
    { algs },
  )

/** The token and the proof do not belong together (binding, downgrade): 401 `invalid_token`. */
export const bindingRefused = (realm: string, algs: readonly string[], description: string) =>
  new DpopError(
    401,
    'ERR_DPOP_BINDING',
    'Invalid auth token',
    realm,
    { error: 'invalid_token', description },
    { algs },
  )

/** The proof lacks the server's current nonce: 401 `use_dpop_nonce` with `DPoP-Nonce`. */
export const useNonce = (realm: string, algs: readonly string[], nonce: string) =>
  new DpopError(
    401,
    'ERR_DPOP_NONCE',
    'DPoP nonce required',
    realm,
    { error: 'use_dpop_nonce', description: 'Resend the request with the nonce in DPoP-Nonce' },
    { algs, nonce },
  )

/**
 * A refusal of the token itself (expired, bad signature, wrong audience) on a DPoP request: the
 * same status, code and description, under the `DPoP` scheme (RFC 9449 §7.1).
 */
export const asDpopError = (error: unknown, algs: readonly string[]): unknown => {
  if (!(error instanceof AuthError) || error instanceof DpopError || !error.challenge) return error
  const { status, code, detail, realm, challenge } = error
  return new DpopError(status, code, detail, realm, challenge, { algs, cause: error })
}

/**
 * A refusal as a route of `mode` answers it (RFC 9449 §7.1): `required`, under `DPoP` alone, even
 * for a bearer token (expired, malformed: the client must learn it needs DPoP); `optional`, a
 * bearer request's refusal offers both (`Bearer` with the error, then `DPoP`), a DPoP request's
 * names `DPoP` alone; `off`, `Bearer` alone. A plain `AuthError` is the refusal of a bearer
 * request; a 503 (no challenge) stays as it is.
 */
export const challengeFor = (
  error: unknown,
  mode: 'required' | 'optional' | 'off',
  algs: readonly string[],
): unknown => {
  if (!(error instanceof AuthError) || !error.challenge) return error
  const { status, code, detail, realm, challenge } = error
  if (code === 'ERR_AUTH_MISSING') {
    return mode === 'off'
      ? new MissingTokenError(realm)
      : dpopMissing(realm, algs, mode === 'optional')
  }
  const dpop = error instanceof DpopError
  if (mode === 'off') {
    // A bearer request's refusal rendered for another mode: its original, under `Bearer`.
    return dpop && error.scheme === 'bearer' && error.cause instanceof AuthError
      ? error.cause
      : error
  }
  const scheme = dpop ? error.scheme : 'bearer'
  // A DPoP request's refusal names DPoP alone: its client holds a key, and a bound token.
  const bearer = mode === 'optional' && scheme === 'bearer'
  if (dpop && error.bearer === bearer) return error
  const cause = dpop && scheme === 'bearer' ? error.cause : error
  const nonce = dpop ? error.nonce : undefined
  return new DpopError(status, code, detail, realm, challenge, {
    algs: dpop ? error.algs : algs,
    bearer,
    scheme,
    nonce,
    cause,
  })
}
