import type { Context, MiddlewareHandler } from 'hono';
import type { TIToken } from './claims';
import { type VerifyOptions } from './verify';
/** What the auth middleware puts on `c.var`. */
export type JwtAuthVariables = {
    /** The verified token of this request. */
    tiToken: TIToken;
};
/** The auth middleware, plus the memoised verification that guards share. */
export type JwtAuth = MiddlewareHandler<{
    Variables: JwtAuthVariables;
}> & {
    /** Verifies this request's bearer token once; every later call in the same request reuses the result. */
    authenticate: (c: Context) => Promise<TIToken>;
    /** The realm of its challenges. */
    realm: string;
};
/**
 * Reads the bearer token and verifies it, at most once per request however many times it is applied
 * or asked (a failure is not retried either), and sets `c.var.tiToken`. Crypto only: it never looks
 * at scopes or token types.
 *
 * @example
 * const auth = jwtAuth({ secret: env.JWT_SECRET, algorithms: ['HS512'] })
 * app.use('/execution/*', auth)
 */
export declare const jwtAuth: (options: VerifyOptions) => JwtAuth;
/**
 * The verified token of the current request (the reference's `CurrentTIToken`). Throws when called
 * on a route that has no auth, which is a programming error.
 *
 * @example
 * app.get('/me', auth, (c) => c.json({ sub: currentToken(c).sub }))
 */
export declare const currentToken: (c: Context) => TIToken;
declare module 'hono' {
    interface ContextVariableMap extends JwtAuthVariables {
    }
}
