import type { JWSHeaderParameters } from 'jose'
import { AuthError, KeysUnavailableError } from '../errors'
import {
  createRemoteKeySet,
  eventReporter,
  fetchCapped,
  type RemoteKeySet,
  type RemoteKeySetOptions,
} from './remote-keys'

/**
 * A URL keys or their metadata may come from: absolute, `https:` (plain `http:` only on loopback,
 * or anywhere with `insecure`, the `dangerouslyAllowInsecureHttp` opt-in). These answers travel
 * unauthenticated: only TLS keeps an attacker from serving their own keys.
 */
export const trustedUrl = (value: string | URL, option: string, insecure = false): URL => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(`"${option}" must be an absolute URL`)
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (loopback || insecure))) {
    throw new TypeError(
      `"${option}" must use https: (http: only on loopback, or with "dangerouslyAllowInsecureHttp" in development)`,
    )
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
 * The discovery document names another issuer than the configured one: the `cause` of the 503
 * every token gets, and the error of the `failed` key-set event. Both strings are in the message.
 */
export class IssuerMismatchError extends DiscoveryFailed {
  readonly code: 'ERR_ISSUER_MISMATCH' = 'ERR_ISSUER_MISMATCH'
  /** The configured `openIdIssuer`, as compared. */
  readonly expected: string
  /** The discovery document's `issuer`, whatever its type. */
  readonly found: unknown

  constructor(expected: string, found: unknown, documentUrl: URL) {
    super(
      `the discovery document at ${documentUrl.href} names the issuer ${JSON.stringify(found)}, ` +
        `but "openIdIssuer" is ${JSON.stringify(expected)}: they must be the same string, ` +
        'trailing slash and host name included (OpenID Connect Discovery §4.3)',
    )
    this.name = 'IssuerMismatchError'
    this.expected = expected
    this.found = found
  }
}

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
  options: RemoteKeySetOptions & {
    realm: string
    fetch?: typeof fetch
    /** `http:` off loopback too, for the issuer and its `jwks_uri`. Default: `false`. */
    dangerouslyAllowInsecureHttp?: boolean
  },
): RemoteKeySet => {
  const { realm } = options
  const insecure = options.dangerouslyAllowInsecureHttp === true
  const expected = issuerText(issuer)
  trustedUrl(expected, 'openIdIssuer', insecure)
  const documentUrl = new URL(`${expected.replace(/\/+$/, '')}/.well-known/openid-configuration`)
  const timeout = options.timeoutDuration ?? 5_000
  const cooldown = options.cooldownDuration ?? 30_000
  const maxBytes = options.maxResponseBytes ?? 131_072
  const listeners: (() => void)[] = []
  const report = eventReporter(options.onEvent)

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
      throw new IssuerMismatchError(expected, document?.issuer, documentUrl)
    }
    if (typeof document.jwks_uri !== 'string') throw new DiscoveryFailed('no "jwks_uri"')
    let jwksUri: URL
    try {
      jwksUri = trustedUrl(document.jwks_uri, 'jwks_uri', insecure)
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
      } catch (error) {
        report({ type: 'failed', url: documentUrl.href, error: error as Error })
        throw error
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
