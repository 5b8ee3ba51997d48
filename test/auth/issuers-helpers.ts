// Two issuers on local keys for the several-issuers tests: keys generated at test time.
import { accessTokenProfile, jwtAuth, type TrustedIssuerOptions } from '../../src/index'
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

/** Two issuers on local keys; each key lookup is counted, per issuer. */
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
    cache: extra.cache,
    issuers: {
      corp: { issuer: corpIss, audience: 'corp-api', getKey: counted('corp', corp), ...extra.corp },
      partners: { issuer: partnersIss, audience: 'partner-api', publicKeys: [partners.jwk] },
    },
  })
  return { corp, partners, lookups, auth }
}

export const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })
export const challenge = (res: Response) => res.headers.get('www-authenticate') ?? ''
