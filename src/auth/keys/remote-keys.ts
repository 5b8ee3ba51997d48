import type { JWK, JWSHeaderParameters } from 'jose'
import { InvalidTokenError, KeysUnavailableError } from '../errors'
import { isAsymmetric, jwkFits, jwkProblem } from './key-checks'
import { importPublicJwk } from './web-crypto'

/** How a remote key set (JWKS URL) is fetched and cached. Durations in milliseconds. */
export interface RemoteKeySetOptions {
  /** Longest wait for one fetch, response body included. Default: `5000`. */
  timeoutDuration?: number
  /**
   * Least time between two fetches, whatever asks: a flood of unknown `kid`s or a failing endpoint
   * costs at most one fetch per window. Default: `30000`.
   */
  cooldownDuration?: number
  /** Age after which the set is fetched again on its next use. Default: `600000` (10 min). */
  cacheMaxAge?: number
  /** How long the last good set keeps verifying while the endpoint fails. Default: `86400000` (24 h). */
  maxStaleness?: number
  /** Largest response body accepted, in bytes. Default: `131072` (128 KiB). */
  maxResponseBytes?: number
  /**
   * Told what happens to the key set, for logs and alerts: a fetch of the key set or of the
   * discovery document that failed (`error.message` says why: the two issuers that differ, a
   * status, a timeout), a change of the set (a fetch brought another, or the last one was dropped
   * past `maxStaleness`). A failure is also the `cause` of the 503 it leads to. What the hook
   * throws is ignored. Default: none.
   */
  onEvent?: (event: RemoteKeySetEvent) => void
}

/** What `onEvent` is told: `url` is the key set's, or the discovery document's. */
export type RemoteKeySetEvent =
  | { type: 'failed'; url: string; error: Error }
  | { type: 'changed'; url: string }

/** Calls the `onEvent` hook, never letting it break a request. */
export const eventReporter =
  (onEvent: RemoteKeySetOptions['onEvent']) => (event: RemoteKeySetEvent) => {
    try {
      onEvent?.(event)
    } catch {}
  }

/** A key lookup backed by a remote key set, announcing when the set it serves changes. */
export type RemoteKeySet = ((header: JWSHeaderParameters) => Promise<CryptoKey>) & {
  /** Registers a listener called whenever a fetch brings a different key set. */
  onKeySetChange: (listener: () => void) => void
  /**
   * The fetch running behind served requests, settling (never rejecting) when it ends, or
   * `undefined`: hand it to `executionCtx.waitUntil` so a Worker lets it finish.
   */
  refreshing: () => Promise<void> | undefined
}

interface CachedKey {
  jwk: JWK
  imported: Map<string, Promise<CryptoKey>>
}

interface KeySet {
  keys: CachedKey[]
  text: string
  fetchedAt: number
}

/** Anything that makes the endpoint count as unreachable: network, status, size, format. */
class Unreachable extends Error {}

const duration = (value: number | undefined, fallback: number, option: string) => {
  const ms = value ?? fallback
  if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`"${option}" must be a number ≥ 0`)
  return ms
}

// Reads at most `limit` bytes: a key set endpoint that streams forever must not fill memory.
const readCapped = async (res: Response, limit: number) => {
  if (Number(res.headers.get('content-length') ?? 0) > limit) throw new Unreachable('too large')
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw new Unreachable('too large')
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
}

// Keeps the keys that may verify: asymmetric, public, for signatures, strong enough. The rest of
// a set (encryption keys, keys we cannot use) is skipped, not an error.
const parseKeySet = (text: string): CachedKey[] => {
  let set: unknown
  try {
    set = JSON.parse(text)
  } catch {
    throw new Unreachable('not JSON')
  }
  const keys = (set as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys)) throw new Unreachable('not a JWK set')
  const skipped: string[] = []
  const usable = keys
    .filter((jwk): jwk is JWK => {
      const problem = jwk && typeof jwk === 'object' ? jwkProblem(jwk as JWK) : 'is not a JWK'
      if (problem) skipped.push(`key ${JSON.stringify(String(jwk?.kid).slice(0, 64))} ${problem}`)
      return !problem
    })
    .map((jwk) => ({ jwk, imported: new Map() }))
  // An empty or all-unusable set is an endpoint in trouble, not a revocation of every key: it must
  // not replace the last good set. The first few reasons go in the error's `cause`.
  if (!usable.length) {
    throw new Unreachable(
      `no usable key${skipped.length ? `: ${skipped.slice(0, 3).join('; ')}` : ''}`,
    )
  }
  return usable
}

const keySetTypes = 'application/jwk-set+json, application/json'

/**
 * One bounded GET of a key set or a discovery document: no redirects, a 200 only, at most
 * `maxBytes` read, given up after `timeout` ms. Any failure throws; the callers count it as the
 * endpoint being unreachable.
 */
export const fetchCapped = async (
  doFetch: typeof fetch,
  url: URL,
  accept: string,
  timeout: number,
  maxBytes: number,
): Promise<string> => {
  const controller = new AbortController()
  let cancelTimer = () => {}
  const expired = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => {
      controller.abort()
      reject(new Unreachable('timed out'))
    }, timeout)
    cancelTimer = () => clearTimeout(timer)
  })
  const attempt = async () => {
    const res = await doFetch(url, {
      headers: { accept },
      redirect: 'manual',
      signal: controller.signal,
    })
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {})
      throw new Unreachable(`status ${res.status}`)
    }
    return readCapped(res, maxBytes)
  }
  try {
    return await Promise.race([attempt(), expired])
  } finally {
    cancelTimer()
  }
}

/**
 * A remote key set, fetched on first use and kept in this closure. Unlike jose's
 * `createRemoteJWKSet`, it keeps serving the last good set while the endpoint fails (up to
 * `maxStaleness`), refreshes an old set behind the requests it serves (only an unknown `kid`
 * waits for the endpoint), refetches at most once per cooldown whatever asks, refuses redirects,
 * non-200 answers, oversized and malformed bodies and sets without a usable key, and never uses
 * symmetric, weak or malformed keys from the set.
 *
 * @example
 * const getKey = createRemoteKeySet(new URL(env.JWKS_URL), { realm: 'execution-api' })
 */
export const createRemoteKeySet = (
  url: URL,
  options: RemoteKeySetOptions & { realm: string; fetch?: typeof fetch },
): RemoteKeySet => {
  const { realm } = options
  const timeout = duration(options.timeoutDuration, 5_000, 'timeoutDuration')
  const cooldown = duration(options.cooldownDuration, 30_000, 'cooldownDuration')
  const maxAge = duration(options.cacheMaxAge, 600_000, 'cacheMaxAge')
  const maxStaleness = Math.max(maxAge, duration(options.maxStaleness, 86_400_000, 'maxStaleness'))
  const maxBytes = duration(options.maxResponseBytes, 131_072, 'maxResponseBytes')
  const listeners: (() => void)[] = []
  const report = eventReporter(options.onEvent)

  const announce = () => {
    for (const listener of listeners) listener()
    report({ type: 'changed', url: url.href })
  }

  let cached: KeySet | undefined
  let lastAttempt = Number.NEGATIVE_INFINITY
  let pending: Promise<KeySet> | undefined

  const load = async (): Promise<KeySet> => {
    try {
      const text = await fetchCapped(options.fetch ?? fetch, url, keySetTypes, timeout, maxBytes)
      return { keys: parseKeySet(text), text, fetchedAt: Date.now() }
    } catch (error) {
      report({ type: 'failed', url: url.href, error: error as Error })
      throw error
    }
  }

  // A fetch still pending well past its timeout was cut short with the request that started it (a
  // Worker cancels what a finished request left running, timers included): it never settles, so
  // it is forgotten rather than shared.
  const inFlight = () => pending !== undefined && Date.now() - lastAttempt <= timeout + 1_000

  // One fetch at a time, at most one per cooldown; concurrent callers share it.
  const refresh = (): Promise<KeySet> => {
    if (inFlight()) return pending as Promise<KeySet>
    let run: Promise<KeySet> | undefined
    run = (async () => {
      lastAttempt = Date.now()
      try {
        const next = await load()
        const changed = cached !== undefined && cached.text !== next.text
        cached = next
        if (changed) announce()
        return next
      } finally {
        if (pending === run) pending = undefined
      }
    })()
    pending = run
    return run
  }

  const mayFetch = () => inFlight() || Date.now() - lastAttempt >= cooldown
  const retryAfter = () => Math.max(1, Math.ceil((cooldown - (Date.now() - lastAttempt)) / 1000))

  // The set to look in: the cached one at once while within `maxStaleness` (refreshed behind the
  // request once older than `cacheMaxAge`), else a fetch waited for; else 503. A slow endpoint
  // never holds up a request whose key is known.
  const current = async (): Promise<KeySet> => {
    const age = cached ? Date.now() - cached.fetchedAt : Number.POSITIVE_INFINITY
    if (cached && age < maxAge) return cached
    if (cached && age <= maxStaleness) {
      if (mayFetch()) refresh().catch(() => {})
      return cached
    }
    let cause: unknown
    if (mayFetch()) {
      try {
        return await refresh()
      } catch (error) {
        cause = error
      }
    }
    // Past its staleness the set is gone: a change like any other, so that no token verified with
    // it outlives it in a cache (whatever set comes back, even one the old set never met).
    if (cached) {
      cached = undefined
      announce()
    }
    throw new KeysUnavailableError(realm, retryAfter(), cause)
  }

  const find = (set: KeySet, { alg, kid }: JWSHeaderParameters) => {
    const matches = set.keys.filter(
      ({ jwk }) =>
        (kid === undefined || jwk.kid === kid) &&
        (jwk.alg === undefined ? jwkFits(jwk, alg as string) : jwk.alg === alg),
    )
    // Without a `kid` to choose, several candidates are ambiguous: refuse rather than try each.
    return matches.length === 1 ? matches[0] : undefined
  }

  const resolve = async (header: JWSHeaderParameters): Promise<CryptoKey> => {
    const alg = header.alg
    if (typeof alg !== 'string' || !isAsymmetric(alg)) {
      throw new InvalidTokenError(realm, 'No key matches the token')
    }
    let set = await current()
    let match = find(set, header)
    if (!match && set === cached && mayFetch()) {
      // A `kid` we do not know may be a rotation: look again, once per cooldown at most; the one
      // request allowed to wait for the endpoint, and no longer than `timeoutDuration`.
      set = await refresh().catch(() => set)
      match = find(set, header)
    }
    if (!match) throw new InvalidTokenError(realm, 'No key matches the token')
    const key = match
    let imported = key.imported.get(alg)
    if (!imported) {
      imported = importPublicJwk(key.jwk as JsonWebKey, alg)
      key.imported.set(alg, imported)
    }
    try {
      return await imported
    } catch (error) {
      throw new InvalidTokenError(realm, 'The key for this token cannot verify it', error)
    }
  }

  return Object.assign(resolve, {
    onKeySetChange: (listener: () => void) => {
      listeners.push(listener)
    },
    refreshing: () =>
      (inFlight() ? pending : undefined)?.then(
        () => {},
        () => {},
      ),
  })
}
