import { type TIToken } from './claims';
import { type Algorithm, type KeyOptions, type KeyResolver } from './keys';
/** How tokens are verified. Crypto and claims only: scopes and token types are the policy's job. */
export interface VerifyOptions extends KeyOptions {
    /** Algorithms accepted in the token header. Required: there is no default allow-list. */
    algorithms: readonly Algorithm[];
    /** Accepted audiences; a token must carry one of them. Default: `['urn:airflow.apache.org:task']`. */
    audience?: string | readonly string[];
    /** When set, the `iss` a token must carry. Default: none (not checked). */
    issuer?: string;
    /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default: `10`. */
    leeway?: number;
    /** Longest token accepted, in characters. Default: `8192`. */
    maxTokenLength?: number;
    /** `realm` of the `WWW-Authenticate` challenges. Default: `'execution-api'`. */
    realm?: string;
    /** Replaces the key lookup entirely (tests, custom key stores). Default: built from the key options. */
    getKey?: KeyResolver;
    /** `fetch` used for `jwksUrl`. Default: the global `fetch`. */
    fetch?: typeof fetch;
}
export declare const defaultAudience = "urn:airflow.apache.org:task";
export declare const defaultRealm = "execution-api";
/** Verifies one compact JWS token, resolving to its typed claims or rejecting with an `AuthError`. */
export type Verifier = (token: string) => Promise<TIToken>;
/**
 * Creates a verifier: signature first (keys imported once, in this closure), then `aud`, `iss`,
 * `exp`/`nbf`/`iat` with leeway and the required claims, then the claims schema.
 *
 * @example
 * const verify = createVerifier({ secret, algorithms: ['HS512'] })
 * const token = await verify(compactJws)
 */
export declare const createVerifier: (options: VerifyOptions) => Verifier;
