import type { AnyProfile } from '../profile/profile'
import type { JwtAuth } from '../verify/middleware'
import type { Issuer } from './issuer'

/** What an issuer's renewal steps read of the auth in front of them. */
export type RenewalAuth = Pick<JwtAuth<AnyProfile>, 'realm' | 'issuerIds' | 'issuerOf'>

/**
 * With several issuers, the configured one whose `iss` the table's issuer mints: only its tokens are
 * refreshed or exchanged. An issuer whose `iss` none of them has would mint tokens that never verify:
 * an error now, not 401s on every refreshed token.
 */
export const mintingIssuer = (
  auth: RenewalAuth,
  // biome-ignore lint/suspicious/noExplicitAny: an issuer of any profile
  issuer: Issuer<any>,
): ((token: object) => boolean) | undefined => {
  const { issuerIds, issuerOf } = auth
  if (!issuerIds || !issuerOf) return undefined
  const entries = Object.entries(issuerIds)
  const name = entries.find(([, iss]) => iss === issuer.issuer)?.[0]
  if (name === undefined) {
    const known = entries.map(([n, iss]) => `${n}: ${iss}`).join(', ')
    const minted = issuer.issuer === undefined ? 'no iss' : `iss ${issuer.issuer}`
    throw new TypeError(
      `"issuer" mints tokens with ${minted}, which none of auth's issuers (${known}) verifies: give it the "issuer" of one of them`,
    )
  }
  return (token) => issuerOf(token) === name
}
