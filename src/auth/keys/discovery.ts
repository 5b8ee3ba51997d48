import type { JWSHeaderParameters } from 'jose'
import { AuthError, KeysUnavailableError } from '../errors'
import {
  createRemoteKeySet,
  fetchCapped,
  type RemoteKeySet,
  type RemoteKeySetOptions,
} from './remote-keys'

/**
 * A URL keys or their metadata may come from: absolute, `https:` (plain `http:` only on loopback).
 * These answers travel unauthenticated: only TLS keeps an attacker from serving their own keys.
 */
export const trustedUrl = (value: string | URL, option: string): URL => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(`"${option}" must be an absolute URL`)
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new TypeError(`"${option}" must use https: (http: only on loopback)`)
  }
  return url
}

/**
 * The issuer exactly as the user wrote it: a string is kept as is. A `URL` object is taken by its
 * `href` only when that is unambiguous: `new URL('https://idp.example')` reads back as
 * `https://idp.example/`, and an issuer with and without that slash are different issuers
 * (OpenID Connect Discovery §4.3 compares them as strings), so a `URL` whose path is `/` is refused.
 */
export const issuerText = (issuer: string | URL, option = 'openIdIssuer'): string => {
  if (typeof issuer === 'string') return issuer
  if (!(issuer instanceof URL)) throw new TypeError(`"${option}" must be a string`)
  if (issuer.pathname === '/' && !issuer.search && !issuer.hash) {
    const bare = issuer.href.slice(0, -1)
    throw new TypeError(
      `"${option}" is a URL object, which always ends in "/" ("${issuer.href}"): give the issuer as a string, exactly as the provider's discovery document writes it ("${bare}" or "${issuer.href}")`,
    )
  }
  return issuer.href
}

/** Anything wrong with the discovery document: unreachable, malformed, or another issuer's. */
class DiscoveryFailed extends Error {}

/**
 * The key set of an OpenID provider, found by discovery: `<issuer>/.well-known/openid-configuration`
 * is fetched on first use (with the key set's timeout, size cap and no redirects), its `issuer`
 * must equal the configured one exactly (OpenID Connect Discovery §4.3: otherwise anyone who can
 * answer at that address could name their own keys), and its `jwks_uri`, under the same https
 * rule, becomes a remote key set with every rule of `jwksUrl`. A failed discovery is retried once
 * per cooldown at most; until then every token gets 503 with `Retry-After`. Once found, the
 * document is not fetched again.
 *
 * @example
 * const getKey = createDiscoveredKeySet('https://tenant.auth0.com/', { realm: 'api' })
 */
export const createDiscoveredKeySet = (
  issuer: string | URL,
  options: RemoteKeySetOptions & { realm: string; fetch?: typeof fetch },
): RemoteKeySet => {
  const { realm } = options
  const expected = issuerText(issuer)
  trustedUrl(expected, 'openIdIssuer')
  const documentUrl = new URL(`${expected.replace(/\/+$/, '')}/.well-known/openid-configuration`)
  const timeout = options.timeoutDuration ?? 5_000
  const cooldown = options.cooldownDuration ?? 30_000
  const maxBytes = options.maxResponseBytes ?? 131_072
  const listeners: (() => void)[] = []

  let keys: RemoteKeySet | undefined
  let pending: Promise<RemoteKeySet> | undefined
  let lastAttempt = Number.NEGATIVE_INFINITY

  const fetchDocument = async (): Promise<unknown> =>
    JSON.parse(
      await fetchCapped(options.fetch ?? fetch, documentUrl, 'application/json', timeout, maxBytes),
    ) as unknown

  const discover = async (): Promise<RemoteKeySet> => {
    const document = (await fetchDocument()) as { issuer?: unknown; jwks_uri?: unknown } | null
    if (document?.issuer !== expected) {
      throw new DiscoveryFailed('the discovery document names another issuer')
    }
    if (typeof document.jwks_uri !== 'string') throw new DiscoveryFailed('no "jwks_uri"')
    let jwksUri: URL
    try {
      jwksUri = trustedUrl(document.jwks_uri, 'jwks_uri')
    } catch (error) {
      throw new DiscoveryFailed((error as Error).message)
    }
    const set = createRemoteKeySet(jwksUri, options)
    for (const listener of listeners) set.onKeySetChange(listener)
    return set
  }

  const resolve = async (header: JWSHeaderParameters): Promise<CryptoKey> => {
    if (keys) return keys(header)
    const retryAfter = () => Math.max(1, Math.ceil((cooldown - (Date.now() - lastAttempt)) / 1000))
    if (!pending && Date.now() - lastAttempt < cooldown) {
      throw new KeysUnavailableError(realm, retryAfter())
    }
    pending ??= (async () => {
      lastAttempt = Date.now()
      try {
        keys = await discover()
        return keys
      } finally {
        pending = undefined
      }
    })()
    let set: RemoteKeySet
    try {
      set = await pending
    } catch (error) {
      if (error instanceof AuthError) throw error
      throw new KeysUnavailableError(realm, retryAfter(), error)
    }
    return set(header)
  }

  return Object.assign(resolve, {
    onKeySetChange: (listener: () => void) => {
      listeners.push(listener)
      keys?.onKeySetChange(listener)
    },
    refreshing: () => keys?.refreshing(),
  })
}
