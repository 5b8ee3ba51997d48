import type { Context } from 'hono'
import { DpopError, dpopMissing, invalidProof } from '../dpop-errors'
import { AuthError } from '../errors'
import type { TokenReader } from './source'

/** One request's credentials: a bearer token, or a DPoP-bound token with its proof. */
export type Credentials =
  | { scheme: 'bearer'; token: string; proof?: undefined }
  | { scheme: 'dpop'; token: string; proof: string }

// RFC 9449 §7.1: credentials = "DPoP" 1*SP token68
const dpopCredentials = /^dpop +([A-Za-z0-9\-._~+/]+=*)$/i
const dpopScheme = /^dpop(?:\s|$)/i
// A proof is one compact JWS: several DPoP headers arrive joined by commas, which none contains.
const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/

/**
 * Wraps a bearer token reader so that it takes `Authorization: DPoP <token>` with one `DPoP`
 * proof header as well. A missing token answers a challenge naming `DPoP` (and `Bearer` when
 * `bearer` is taken); a broken DPoP credential is a 400, a missing or doubled proof header a 401
 * `invalid_dpop_proof`.
 *
 * @example
 * const read = dpopReader(tokenReader({}, 'api'), { header: 'authorization', realm: 'api', algs: ['ES256'], bearer: true })
 */
export const dpopReader = (
  readBearer: TokenReader,
  settings: { header: string; realm: string; algs: readonly string[]; bearer: boolean },
): ((c: Context) => Credentials) => {
  const { header, realm, algs, bearer } = settings
  return (c) => {
    const headers = c.req.raw.headers
    const value = headers.get(header)
    if (value && dpopScheme.test(value)) {
      const match = dpopCredentials.exec(value)
      if (!match) {
        throw new DpopError(
          400,
          'ERR_AUTH_MALFORMED',
          'Malformed authorization header',
          realm,
          { error: 'invalid_request', description: 'The authorization header must be one token' },
          { algs },
        )
      }
      const proof = headers.get('dpop')
      if (!proof) throw invalidProof(realm, algs, 'The DPoP proof header is missing')
      if (!compactJws.test(proof)) {
        throw invalidProof(realm, algs, 'The DPoP header must be one proof (a compact JWS)')
      }
      return { scheme: 'dpop', token: match[1] as string, proof }
    }
    try {
      return { scheme: 'bearer', token: readBearer(c) }
    } catch (error) {
      // No token at all: the challenge names every scheme the service takes.
      if (error instanceof AuthError && error.code === 'ERR_AUTH_MISSING') {
        throw dpopMissing(realm, algs, bearer)
      }
      throw error
    }
  }
}
