// `hono-scoped-jwt/issuers`: several trusted issuers behind one `jwtAuth`, each with its own keys
// and audience, chosen by a token's `iss`. Re-exports only.
export {
  createIssuersVerifier,
  type IssuersVerifier,
  type TrustedIssuerOptions,
  type TrustedIssuers,
  trustedIssuers,
} from './auth/verify/issuers'
