import type { MiddlewareHandler } from 'hono';
import type { TIToken } from './claims';
import type { Issuer } from './issuer';
/** The response header that carries a new execution token. */
export declare const refreshedTokenHeader = "Refreshed-API-Token";
export interface RefreshOptions {
    /** Mints the new tokens. */
    issuer: Issuer;
    /** Exchange a workload token for an execution token on a successful (2xx) answer. Default: `false`. */
    exchange?: boolean;
}
/** Seconds before `exp` from which an execution token is re-issued: `max(floor(0.2 × lifetime), 30)`. */
export declare const refreshThreshold: (token: Pick<TIToken, 'exp' | 'iat'>) => number;
/** Whether an execution token is due for refresh at `now` (seconds). Workload tokens never are. */
export declare const needsRefresh: (token: TIToken, now?: number) => boolean;
/**
 * After the handler, adds `Refreshed-API-Token` when the request's token is an execution token near
 * expiry, or a workload token on an exchange route. It reads the claims verified for this request and
 * never verifies again, so a token that expired while the handler ran is still refreshed.
 *
 * @example
 * app.use('/execution/*', auth, tokenRefresh({ issuer }))
 */
export declare const tokenRefresh: ({ issuer, exchange }: RefreshOptions) => MiddlewareHandler;
