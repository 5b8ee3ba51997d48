import { type AccessClaims, type AccessTokenProfile, accessTokenProfile } from './access-token'

/**
 * The profile of `jwtAuth`, `createVerifier`, `createIssuer` and the table when none is named: an
 * OAuth 2.0 access token (RFC 9068) with no claims schema and no token types. Airflow's task
 * instance tokens are `taskInstanceProfile` (`hono-scoped-jwt/airflow`), named where used.
 */
export type DefaultProfile = AccessTokenProfile

/** The claims of the default profile's tokens. */
export type DefaultClaims = AccessClaims<undefined>

let neutral: DefaultProfile | undefined

/** The default profile, made on first use (not when the module loads) and shared. */
export const defaultProfile = (): DefaultProfile => {
  neutral ??= accessTokenProfile()
  return neutral
}
