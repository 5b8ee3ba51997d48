import { type JWK } from 'jose';
import { type TokenType } from './claims';
import { type Algorithm } from './keys';
/** How tokens are minted. Names match the Worker's bindings. */
export interface IssuerOptions {
    /** Private JWK (object or JSON text) that signs; its `kid` goes in the header. Default: none. */
    privateJwk?: JWK | string;
    /** Symmetric secret (HS512 by default), at least 64 bytes for HS512. Default: none. */
    secret?: string | Uint8Array;
    /** Signing algorithm. Default: the JWK's `alg`, else from its key type (Ed25519 → `EdDSA`); `HS512` for a secret. */
    algorithm?: Algorithm;
    /** Audiences; minted tokens carry the first. Default: `'urn:airflow.apache.org:task'`. */
    audience?: string | readonly string[];
    /** `iss` of minted tokens. Default: none. */
    issuer?: string;
    /** Execution token lifetime in seconds. Default: `600`. */
    expirationTime?: number;
    /** Workload token lifetime in seconds. Default: `600`. */
    workloadExpirationTime?: number;
}
export interface MintOptions {
    /** The task instance id. */
    sub: string;
    /** Default: `'execution'`. */
    scope?: TokenType;
    /** Extra claims; registered claims among them are ignored. */
    claims?: Record<string, unknown>;
    /** Lifetime in seconds. Default: the configured lifetime of the token type. */
    expiresIn?: number;
}
export interface Issuer {
    /** Signs a new token with fresh `jti`, `iat`, `nbf` and `exp`. */
    mint(options: MintOptions): Promise<string>;
    /** The public JWK set of the signing key (empty for a shared secret). */
    jwks(): Promise<{
        keys: JWK[];
    }>;
    readonly expirationTime: number;
    readonly workloadExpirationTime: number;
}
/**
 * Creates the token issuer; the signing key is imported once, on first use.
 *
 * @example
 * const issuer = createIssuer({ privateJwk: env.JWT_PRIVATE_JWK })
 * const workload = await issuer.mint({ sub: ti.id, scope: 'workload' })
 */
export declare const createIssuer: (options: IssuerOptions) => Issuer;
/**
 * A fresh private signing JWK with `kid` and `alg` (EdDSA by default), for development and tests.
 *
 * @example
 * const jwk = await generateSigningJwk('ES256')
 */
export declare const generateSigningJwk: (alg?: Exclude<Algorithm, `HS${string}`>) => Promise<JWK>;
