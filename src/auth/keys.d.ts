import { type JWK, type JWSHeaderParameters } from 'jose';
/** The algorithms the library signs and verifies with. `none` is never among them. */
export declare const supportedAlgorithms: readonly ['HS256', 'HS384', 'HS512', 'EdDSA', 'Ed25519', 'ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
export type Algorithm = (typeof supportedAlgorithms)[number];
/** A public key given as a `CryptoKey`, with the algorithm it verifies and its `kid`. */
export interface CryptoKeyEntry {
    key: CryptoKey;
    alg: Algorithm;
    kid?: string;
}
/** Where keys come from; any combination. Names match the Worker's bindings. */
export interface KeyOptions {
    /** Private JWK (object or JSON text) with `kid` and `alg`; its public half verifies. Default: none. */
    privateJwk?: JWK | string;
    /** Public keys that verify: JWKs with `alg` (and `kid`), or `CryptoKey` entries. Default: none. */
    publicKeys?: readonly (JWK | CryptoKeyEntry)[];
    /** Symmetric secret for HS256/384/512: at least 32/48/64 bytes. Default: none. */
    secret?: string | Uint8Array;
    /** A trusted remote key set (JWKS) URL. Default: none. */
    jwksUrl?: string | URL;
}
/** Finds the verification key for a token's protected header. */
export type KeyResolver = (header: JWSHeaderParameters) => Promise<CryptoKey | Uint8Array>;
export interface KeyResolverOptions extends KeyOptions {
    algorithms: readonly Algorithm[];
    realm: string;
    /** `fetch` used for `jwksUrl`. Default: the global `fetch`. */
    fetch?: typeof fetch;
}
/** Parses a JWK given as JSON text, naming the option when it is not one. */
export declare const parseJwk: (value: JWK | string, option: string) => JWK;
/** The public half of a private JWK: every private member removed. */
export declare const toPublicJwk: (jwk: JWK) => JWK;
/** Secret bytes, checked against the strongest HMAC algorithm allowed. */
export declare const secretBytes: (secret: string | Uint8Array, algorithms: readonly string[]) => Uint8Array<ArrayBufferLike>;
/**
 * Builds the key lookup once, in the factory: keys are imported on first use and reused by every
 * request; the remote key set is created once here and caches itself.
 */
export declare const createKeyResolver: (options: KeyResolverOptions) => KeyResolver;
