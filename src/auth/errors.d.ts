import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
/** Stable codes: branch on these, never on messages. */
export type AuthErrorCode = 'ERR_AUTH_MISSING' | 'ERR_AUTH_MALFORMED' | 'ERR_TOKEN_INVALID' | 'ERR_TOKEN_EXPIRED' | 'ERR_TOKEN_TYPE_NOT_ALLOWED' | 'ERR_TI_SUBJECT_MISMATCH' | 'ERR_SCOPE_DENIED' | 'ERR_KEYS_UNAVAILABLE';
/** The parameters of a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3). */
export interface BearerChallenge {
    error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
    description?: string;
    scope?: string;
}
/**
 * The base of every error the library throws. It is an `HTTPException`, so `app.onError` sees it,
 * and it renders itself: `{"detail": …}` with `WWW-Authenticate` (RFC 6750). It never holds the token.
 *
 * @example
 * app.onError((err, c) => (err instanceof AuthError ? err.getResponse() : c.text('oops', 500)))
 */
export declare class AuthError extends HTTPException {
    readonly code: AuthErrorCode;
    readonly detail: string;
    readonly realm: string;
    readonly challenge: BearerChallenge | undefined;
    constructor(status: ContentfulStatusCode, code: AuthErrorCode, detail: string, realm: string, challenge?: BearerChallenge, cause?: unknown);
    /** The `WWW-Authenticate` value, or `undefined` when the answer carries none (503). */
    get wwwAuthenticate(): string | undefined;
    getResponse(): Response;
}
/** No `Authorization` header, or one with another scheme: 401 with a bare challenge (RFC 6750 §3.1). */
export declare class MissingTokenError extends AuthError {
    constructor(realm: string);
}
/** `Bearer` with no token, several tokens, or several `Authorization` headers: 400. */
export declare class MalformedHeaderError extends AuthError {
    constructor(realm: string);
}
/** Anything wrong with the token itself. `description` says what, never quoting the token. */
export declare class InvalidTokenError extends AuthError {
    constructor(realm: string, description: string, cause?: unknown);
}
/** A token past `exp` (beyond the leeway). */
export declare class ExpiredTokenError extends AuthError {
    constructor(realm: string);
}
/** A valid token whose type (`scope` claim) the route does not allow: 403. */
export declare class TokenTypeNotAllowedError extends AuthError {
    constructor(realm: string, tokenType: string, allowed: readonly string[]);
}
/** A `ti:self` route called with a token for another task instance: 403. */
export declare class SubjectMismatchError extends AuthError {
    constructor(realm: string);
}
/** A custom scope whose checker refused the request: 403. */
export declare class ScopeDeniedError extends AuthError {
    constructor(realm: string, scope: string);
}
/** No key to verify with: the key set is unreachable with nothing cached, or none is configured. */
export declare class KeysUnavailableError extends AuthError {
    readonly retryAfter: number;
    constructor(realm: string, retryAfter?: number, cause?: unknown);
    getResponse(): Response;
}
