import { MalformedHeaderError, MissingTokenError } from '../errors'

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const bearerCredentials = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i
// A tab (or any other whitespace) after the scheme is a broken credential, not another scheme.
const bearerScheme = /^bearer(?:\s|$)/i
const anyBearer = /(?:^|,)\s*bearer(?:\s|,|$)/i

/**
 * Reads the token from an `Authorization` header value, as the contract says: a missing header or
 * another scheme is a 401 without an error code, a broken Bearer credential is a 400. Several
 * `Authorization` headers arrive joined by commas, which no JWS can contain.
 *
 * @example
 * const token = readBearer(c.req.header('authorization'), 'execution-api')
 */
export const readBearer = (header: string | null | undefined, realm: string): string => {
  if (!header) throw new MissingTokenError(realm)
  const match = bearerCredentials.exec(header)
  if (match) return match[1] as string
  if (bearerScheme.test(header) || anyBearer.test(header)) throw new MalformedHeaderError(realm)
  throw new MissingTokenError(realm)
}
