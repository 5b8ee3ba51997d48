import type { Hono } from 'hono';
import type { TokenType } from './claims';
import type { Issuer } from './issuer';
import type { JwtAuth } from './middleware';
import { type ScopeChecker } from './policy';
import type { RouteDef, RouteDoc, RouteNode, Validators } from './route';
import type { CheckTable, Mounted } from './table-types';
export interface RouteTableOptions {
    /** Verifies tokens (once per request). */
    auth: JwtAuth;
    /** Checkers for custom scopes, by scope string. Default: none (only built-in scopes allowed). */
    checkers?: Readonly<Record<string, ScopeChecker>>;
    /** Mints `Refreshed-API-Token` (near-expiry refresh and `/run` exchange). Default: no refresh. */
    issuer?: Issuer;
}
/** One route of a table, as data: what `list()` gives and what the OpenAPI document is built from. */
export interface TableRoute extends RouteDoc {
    readonly method: RouteDef['method'];
    /** Full path, Hono syntax (`/execution/task-instances/:task_instance_id/run`). */
    readonly path: string;
    readonly public: boolean;
    readonly exchange: boolean;
    /** Effective scopes: ancestors' then own, de-duplicated. Empty for public routes. */
    readonly scopes: readonly string[];
    /** Token types the route accepts; empty for public routes. */
    readonly tokenTypes: readonly TokenType[];
    readonly validate: Validators;
}
export interface RouteTable<N> {
    readonly routes: readonly TableRoute[];
    /** Method, full path, effective scopes and allowed token types of every route. */
    list(): {
        method: string;
        path: string;
        scopes: readonly string[];
        tokenTypes: readonly TokenType[];
    }[];
    /** Registers every route on `app` (bearer + verify → policy → validators → handler) and types it. */
    mount<A extends Hono>(app: A): Mounted<A, N>;
}
/**
 * Builds the table once, before mounting: every route's effective scopes and policy are computed
 * here, and an unknown token type, a scope without a checker or `ti:self` without
 * `:task_instance_id` throws now, never at request time.
 *
 * @example
 * const table = routeTable(defineGroup({ path: '/execution', routes: [health, tasks] }), { auth, issuer })
 * const app = table.mount(new Hono())
 */
export declare const routeTable: <const N extends RouteNode>(root: N & CheckTable<N>, options: RouteTableOptions) => RouteTable<N>;
