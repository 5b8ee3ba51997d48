// `hono-scoped-jwt/dpop`: DPoP-bound tokens (RFC 9449) for `jwtAuth`'s `dpop` option, server
// nonces, replay stores. Re-exports only.
export { type DpopChallenge, DpopError } from './auth/dpop-errors'
export {
  type Dpop,
  type DpopContext,
  type DpopNonces,
  type DpopOptions,
  dpop,
} from './auth/verify/dpop'
export { type HmacNoncesOptions, hmacNonces } from './auth/verify/dpop-nonces'
export { jwkThumbprint } from './auth/verify/dpop-proof'
export {
  MemoryReplayStore,
  type MemoryReplayStoreOptions,
  type ReplayStore,
} from './auth/verify/replay-store'
