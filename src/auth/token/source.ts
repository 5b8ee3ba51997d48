import type { Context } from 'hono'
import { DuplicateTokenError, EmptyCookieError } from '../errors'
import { readBearer } from './bearer'

/** Where the token is read from, besides (or instead of) `Authorization: Bearer`. */
export interface TokenSourceOptions {
  /** Read the token from this cookie too (its value is the token); both at once is a 400. Default: none. */
  cookie?: string
  /** Read `Bearer <token>` from this header instead of `Authorization`. Default: `'Authorization'`. */
  headerName?: string
}

/** Reads one request's token, or throws the contract's 401/400. */
export type TokenReader = (c: Context) => string

// RFC 9110 token characters: what a header or cookie name may be made of.
const httpToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const bearerAnywhere = /(?:^|,)\s*bearer(?:\s|,|$)/i

// The value of cookie `name`, or `undefined`; the cookie twice is two tokens (400).
const readCookie = (header: string | null, name: string, realm: string) => {
  if (!header) return undefined
  let found: string | undefined
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue
    if (found !== undefined) throw new DuplicateTokenError(realm)
    found = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
  }
  if (found === '') throw new EmptyCookieError(realm, name)
  return found
}

/**
 * Builds the token reader once, from the options: `Authorization: Bearer` by default (as the
 * contract says), another header in its place, and optionally a cookie. A request that carries a
 * Bearer token in the header and the cookie as well is refused (400): RFC 6750 §2 allows one
 * method per request, and two tokens would leave the choice to whoever sent them.
 *
 * @example
 * const read = tokenReader({ cookie: 'session' }, 'api')
 * const token = read(c)
 */
export const tokenReader = (options: TokenSourceOptions, realm: string): TokenReader => {
  const header = (options.headerName ?? 'authorization').toLowerCase()
  if (!httpToken.test(header)) throw new TypeError('"headerName" must be a header name')
  const { cookie } = options
  if (cookie === undefined) return (c) => readBearer(c.req.raw.headers.get(header), realm)
  if (!httpToken.test(cookie)) throw new TypeError('"cookie" must be a cookie name')
  return (c) => {
    const fromCookie = readCookie(c.req.raw.headers.get('cookie'), cookie, realm)
    const value = c.req.raw.headers.get(header)
    if (fromCookie === undefined) return readBearer(value, realm)
    if (value && bearerAnywhere.test(value)) throw new DuplicateTokenError(realm)
    return fromCookie
  }
}
