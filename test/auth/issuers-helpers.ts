// Two issuers on local keys for the several-issuers tests: keys generated at test time.
import { type TrustedIssuerOptions, trustedIssuers } from 'hono-scoped-jwt/issuers'
import { accessTokenProfile, jwtAuth, localKeys, TokenCache } from '../../src/index'
import { ed25519Signer, now, type Signer } from '../security/helpers'

export const profile = accessTokenProfile()
export const corpIss = 'https://corp.example/'
export const partnersIss = 'https://partners.example/'
export const payload = (
  iss: string | undefined,
  aud: string,
  extra: Record<string, unknown> = {},
) => ({
  sub: 'alice',
  aud,
  iat: now(),
  exp: now() + 300,
  ...(iss === undefined ? {} : { iss }),
  ...extra,
})

// One cache holds one verifier's tokens: with several issuers, each has its own.
const cacheOf = (cache?: boolean) => (cache ? { cache: new TokenCache() } : {})

/** Two issuers on local keys; each key lookup is counted, per issuer; `cache`: each its own. */
export const setup = async (extra: { corp?: TrustedIssuerOptions; cache?: boolean } = {}) => {
  const corp = await ed25519Signer('corp-key')
  const partners = await ed25519Signer('partners-key')
  const lookups = { corp: 0, partners: 0 }
  const counted = (name: keyof typeof lookups, signer: Signer) => {
    const key = crypto.subtle.importKey('jwk', signer.jwk, 'Ed25519', false, ['verify'])
    return async () => {
      lookups[name]++
      return key
    }
  }
  const auth = jwtAuth({
    algorithms: ['EdDSA'],
    profile,
    issuers: trustedIssuers({
      corp: {
        issuer: corpIss,
        audience: 'corp-api',
        getKey: counted('corp', corp),
        ...cacheOf(extra.cache),
        ...extra.corp,
      },
      partners: {
        issuer: partnersIss,
        audience: 'partner-api',
        keys: localKeys([partners.jwk]),
        ...cacheOf(extra.cache),
      },
    }),
  })
  return { corp, partners, lookups, auth }
}

export const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })
export const challenge = (res: Response) => res.headers.get('www-authenticate') ?? ''
