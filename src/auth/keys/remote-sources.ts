import { createDiscoveredKeySet, issuerText, trustedUrl } from './discovery'
import type { KeySource } from './keys'
import { createRemoteKeySet, type RemoteKeySet, type RemoteKeySetOptions } from './remote-keys'

/** Options of `remoteKeys` and `discoveredKeys`: fetching and caching, and the `fetch` to use. */
export interface RemoteKeysOptions extends RemoteKeySetOptions {
  /** `fetch` for the key set (and the discovery document). Default: the verifier's, else the global one. */
  fetch?: typeof fetch
  /**
   * Development only: lets the URL (and a discovered `jwks_uri`) use plain `http:` off loopback
   * (an IdP in docker-compose, `http://keycloak:8080`). Over plain HTTP anyone on the path can
   * serve their own keys and mint any token: never set it in production. Only `true` opts in.
   * Default: `false` (`http:` on `localhost`, `127.0.0.1` and `[::1]` only).
   */
  dangerouslyAllowInsecureHttp?: boolean
}

const opened = (set: RemoteKeySet, issuer?: string) => ({
  lookup: set,
  remote: true,
  issuer,
  onKeySetChange: set.onKeySetChange,
  refreshing: set.refreshing,
})

/**
 * A trusted remote key set (JWKS URL), for `keys`: `https:` unless on loopback; fetched on first
 * use, cached, refreshed behind requests, looked at again for an unknown `kid` at most once per
 * cooldown, kept while the endpoint fails for `maxStaleness`, then 503.
 *
 * @example
 * const auth = jwtAuth({ keys: remoteKeys(env.JWKS_URL), algorithms: ['RS256'], audience: 'api' })
 */
export const remoteKeys = (url: string | URL, options: RemoteKeysOptions = {}): KeySource => {
  const insecure = options.dangerouslyAllowInsecureHttp === true
  const trusted = trustedUrl(url, 'remoteKeys', insecure)
  return {
    open: ({ realm, fetch }) =>
      opened(createRemoteKeySet(trusted, { ...options, fetch: options.fetch ?? fetch, realm })),
  }
}

/**
 * An OpenID provider's keys, for `keys`: its discovery document
 * (`<issuer>/.well-known/openid-configuration`) names the key set (`jwks_uri`), and its `issuer`
 * must be this exact string; tokens must then carry it as `iss` unless the verifier's `issuer`
 * says otherwise. `https:` unless on loopback. A string is used exactly as given; a `URL` by its
 * `href`, and refused when its path is `/` (the slash may not be the issuer's).
 *
 * @example
 * const auth = jwtAuth({ keys: discoveredKeys('https://tenant.auth0.com/'), algorithms: ['RS256'], audience: 'api' })
 */
export const discoveredKeys = (
  issuer: string | URL,
  options: RemoteKeysOptions = {},
): KeySource => {
  const expected = issuerText(issuer, 'discoveredKeys')
  trustedUrl(expected, 'discoveredKeys', options.dangerouslyAllowInsecureHttp === true)
  return {
    open: ({ realm, fetch }) =>
      opened(
        createDiscoveredKeySet(expected, { ...options, fetch: options.fetch ?? fetch, realm }),
        expected,
      ),
  }
}
