// `hono-scoped-jwt/remote`: keys fetched from elsewhere, for `keys`: a remote key set (JWKS URL)
// and OpenID discovery. Re-exports only.
export { createDiscoveredKeySet, IssuerMismatchError } from './auth/keys/discovery'
export {
  createRemoteKeySet,
  type RemoteKeySet,
  type RemoteKeySetEvent,
  type RemoteKeySetOptions,
} from './auth/keys/remote-keys'
export { discoveredKeys, type RemoteKeysOptions, remoteKeys } from './auth/keys/remote-sources'
