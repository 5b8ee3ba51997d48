import type { Context, MiddlewareHandler } from 'hono';
import type { TIToken, TokenType } from './claims';
import type { JwtAuth } from './middleware';
/** Decides one custom scope for a request whose token is already verified. */
export type ScopeChecker = (c: Context<any>, token: TIToken) => boolean | Promise<boolean>;
/** A route's policy, computed once from its effective scopes when the table is built. */
export interface RoutePolicy {
    readonly scopes: readonly string[];
    readonly tokenTypes: readonly TokenType[];
    readonly tiSelf: boolean;
    readonly checks: readonly (readonly [scope: string, check: ScopeChecker])[];
}
/**
 * Computes a policy from effective scopes. Throws, naming the route, on an unknown token type, a
 * scope without a checker, or `ti:self` on a path without `:task_instance_id`.
 */
export declare const compilePolicy: (scopes: readonly string[], checkers: Readonly<Record<string, ScopeChecker>>, where: string) => RoutePolicy;
/**
 * The policy guard of one route: verification through the shared memo, then token type, `ti:self`
 * and custom scopes, in that order. It never does crypto itself.
 *
 * @example
 * app.get('/ti/:task_instance_id', guard(auth, compilePolicy(['ti:self'], {}, '/ti/:task_instance_id')), handler)
 */
export declare const guard: (auth: JwtAuth, policy: RoutePolicy) => MiddlewareHandler;
