/**
 * Reads the token from an `Authorization` header value, as the contract says: a missing header or
 * another scheme is a 401 without an error code, a broken Bearer credential is a 400. Several
 * `Authorization` headers arrive joined by commas, which no JWS can contain.
 *
 * @example
 * const token = readBearer(c.req.header('authorization'), 'execution-api')
 */
export declare const readBearer: (header: string | null | undefined, realm: string) => string;
