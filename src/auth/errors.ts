import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Stable codes: branch on these, never on messages. */
export type AuthErrorCode =
  | 'ERR_AUTH_MISSING'
  | 'ERR_AUTH_MALFORMED'
  | 'ERR_TOKEN_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_TYPE_NOT_ALLOWED'
  | 'ERR_TI_SUBJECT_MISMATCH'
  | 'ERR_SUBJECT_MISMATCH'
  | 'ERR_SCOPE_DENIED'
  | 'ERR_INSUFFICIENT_SCOPE'
  | 'ERR_KEYS_UNAVAILABLE'
  | 'ERR_ISSUER_NOT_ALLOWED'
  | 'ERR_DPOP_REQUIRED'
  | 'ERR_DPOP_PROOF_INVALID'
  | 'ERR_DPOP_NONCE'
  | 'ERR_DPOP_BINDING'

/** The parameters of a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3). */
export interface BearerChallenge {
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope'
  description?: string
  scope?: string
}

// RFC 6750 §3 restricts error_description and scope to these characters; anything else is dropped
// so that no attacker-controlled byte can break the header.
const unsafeChallengeChars = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g

const quote = (value: string) => `"${value.replace(unsafeChallengeChars, '')}"`

/**
 * The base of every error the library throws. It is an `HTTPException`, so `app.onError` sees it,
 * and it renders itself: `{"detail": …}` with `WWW-Authenticate` (RFC 6750). It never holds the token.
 *
 * @example
 * app.onError((err, c) => (err instanceof AuthError ? err.getResponse() : c.text('oops', 500)))
 */
export class AuthError extends HTTPException {
  readonly code: AuthErrorCode
  readonly detail: string
  readonly realm: string
  readonly challenge: BearerChallenge | undefined

  constructor(
    status: ContentfulStatusCode,
    code: AuthErrorCode,
    detail: string,
    realm: string,
    challenge?: BearerChallenge,
    cause?: unknown,
  ) {
    super(status, { message: detail, cause })
    this.name = new.target.name
    this.code = code
    this.detail = detail
    this.realm = realm
    this.challenge = challenge
  }

  /** The `WWW-Authenticate` value, or `undefined` when the answer carries none (503). */
  get wwwAuthenticate(): string | undefined {
    if (!this.challenge) return undefined
    const { error, description, scope } = this.challenge
    let value = `Bearer realm=${quote(this.realm)}`
    if (error) value += `, error=${quote(error)}`
    if (description) value += `, error_description=${quote(description)}`
    if (scope) value += `, scope=${quote(scope)}`
    return value
  }

  override getResponse(): Response {
    const headers = new Headers({ 'content-type': 'application/json' })
    const challenge = this.wwwAuthenticate
    if (challenge) headers.set('www-authenticate', challenge)
    return new Response(JSON.stringify({ detail: this.detail }), { status: this.status, headers })
  }
}

/** No `Authorization` header, or one with another scheme: 401 with a bare challenge (RFC 6750 §3.1). */
export class MissingTokenError extends AuthError {
  constructor(realm: string) {
    super(401, 'ERR_AUTH_MISSING', 'Missing auth token', realm, {})
  }
}

/** `Bearer` with no token, several tokens, or several `Authorization` headers: 400. */
export class MalformedHeaderError extends AuthError {
  constructor(realm: string) {
    super(400, 'ERR_AUTH_MALFORMED', 'Malformed authorization header', realm, {
      error: 'invalid_request',
      description: 'The authorization header must be one Bearer token',
    })
  }
}

/** The token cookie present but empty: 400, naming the cookie (no header was read). */
export class EmptyCookieError extends AuthError {
  constructor(realm: string, cookie: string) {
    super(400, 'ERR_AUTH_MALFORMED', 'Malformed auth cookie', realm, {
      error: 'invalid_request',
      description: `The cookie ${cookie} holds no token`,
    })
  }
}

/** The token sent in more than one place (a cookie and a header, two cookies): 400 (RFC 6750 §2). */
export class DuplicateTokenError extends AuthError {
  constructor(realm: string) {
    super(400, 'ERR_AUTH_MALFORMED', 'Token sent in more than one place', realm, {
      error: 'invalid_request',
      description: 'The token must be sent in one place only',
    })
  }
}

/** Anything wrong with the token itself. `description` says what, never quoting the token. */
export class InvalidTokenError extends AuthError {
  constructor(realm: string, description: string, cause?: unknown) {
    super(
      401,
      'ERR_TOKEN_INVALID',
      'Invalid auth token',
      realm,
      {
        error: 'invalid_token',
        description,
      },
      cause,
    )
  }
}

/** A token past `exp` (beyond the leeway). */
export class ExpiredTokenError extends AuthError {
  constructor(realm: string) {
    super(401, 'ERR_TOKEN_EXPIRED', 'Invalid auth token: expired', realm, {
      error: 'invalid_token',
      description: 'The access token expired',
    })
  }
}

/** A valid token whose type (`scope` claim) the route does not allow: 403. */
export class TokenTypeNotAllowedError extends AuthError {
  constructor(realm: string, tokenType: string, allowed: readonly string[]) {
    super(
      403,
      'ERR_TOKEN_TYPE_NOT_ALLOWED',
      `Token type '${tokenType}' not allowed for this endpoint. Allowed types: ${allowed.join(', ')}`,
      realm,
      { error: 'insufficient_scope', scope: allowed.map((type) => `token:${type}`).join(' ') },
    )
  }
}

/** A `ti:self` route called with a token for another task instance: 403. */
export class SubjectMismatchError extends AuthError {
  constructor(realm: string) {
    super(403, 'ERR_TI_SUBJECT_MISMATCH', 'Token subject does not match task instance ID', realm, {
      error: 'insufficient_scope',
      scope: 'ti:self',
    })
  }
}

/** A `self:<param>` route called with a token whose subject (or named claim) is not the path's. */
export class OwnershipError extends AuthError {
  constructor(realm: string, scope: string, param: string, claim?: string) {
    const what = claim === undefined ? 'Token subject' : `Token claim '${claim}'`
    super(403, 'ERR_SUBJECT_MISMATCH', `${what} does not match path parameter '${param}'`, realm, {
      error: 'insufficient_scope',
      scope,
    })
  }
}

/** A route scope the token does not grant (`scope`/`scp` claim): 403 naming the route's scopes. */
export class InsufficientScopeError extends AuthError {
  constructor(realm: string, missing: string, required: readonly string[]) {
    super(403, 'ERR_INSUFFICIENT_SCOPE', `Token does not grant scope '${missing}'`, realm, {
      error: 'insufficient_scope',
      scope: required.join(' '),
    })
  }
}

/** A custom scope whose checker refused the request: 403. */
export class ScopeDeniedError extends AuthError {
  constructor(realm: string, scope: string) {
    super(403, 'ERR_SCOPE_DENIED', `Token does not grant scope '${scope}'`, realm, {
      error: 'insufficient_scope',
      scope,
    })
  }
}

/** No key to verify with: the key set is unreachable with nothing cached, or none is configured. */
export class KeysUnavailableError extends AuthError {
  readonly retryAfter: number

  constructor(realm: string, retryAfter = 30, cause?: unknown) {
    super(503, 'ERR_KEYS_UNAVAILABLE', 'Token keys unavailable', realm, undefined, cause)
    this.retryAfter = retryAfter
  }

  override getResponse(): Response {
    const res = super.getResponse()
    res.headers.set('retry-after', String(this.retryAfter))
    return res
  }
}

/** A valid token from a configured issuer the route does not accept (`iss:<name>` scopes): 403. */
export class IssuerNotAllowedError extends AuthError {
  constructor(realm: string, issuer: string, allowed: readonly string[]) {
    super(
      403,
      'ERR_ISSUER_NOT_ALLOWED',
      `Token issuer '${issuer}' not allowed for this endpoint. Allowed issuers: ${allowed.join(', ')}`,
      realm,
      { error: 'insufficient_scope', scope: allowed.map((name) => `iss:${name}`).join(' ') },
    )
  }
}
