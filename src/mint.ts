// `hono-scoped-jwt/mint`: minting, exchange and refresh (jose signs). Re-exports only.
export {
  createIssuer,
  generateSigningJwk,
  type Issuer,
  type IssuerOptions,
  type MintOptions,
} from './auth/mint/issuer'
export {
  needsRefresh,
  type RefreshOptions,
  refreshedTokenHeader,
  refreshThreshold,
  tokenRefresh,
} from './auth/mint/refresh'
