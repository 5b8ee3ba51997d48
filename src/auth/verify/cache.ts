import type { TIToken } from '../profile/task-instance'

/** What the cache reads of verified claims: their dates. */
export interface CachedClaims {
  exp: number
  nbf?: number
}

/** How verified tokens are remembered. Opt-in: by default every request verifies its token. */
export interface TokenCacheOptions {
  /** Most tokens kept; the least recently used is dropped first. Default: `10000`. */
  maxEntries?: number
  /** Longest a verified token is served from the cache, in seconds (never past its `exp`). Default: `60`. */
  maxAge?: number
}

/** A key source that can announce a change of its key set (rotation), so cached tokens stop counting. */
export interface KeySetEvents {
  /** Registers a listener called whenever the key set changes. */
  onKeySetChange?: (listener: () => void) => void
}

interface Entry<C> {
  claims: C
  /** Epoch ms from which the entry is stale: `min(now + maxAge, exp + leeway)`. */
  until: number
  /** Epoch ms before which the token is not valid yet: `nbf - leeway`. */
  notBefore: number
}

const positive = (value: number, option: string, integer: boolean) => {
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new TypeError(`"${option}" must be a positive ${integer ? 'integer' : 'number'}`)
  }
  return value
}

// Claims are shared by every request that hits the same entry: frozen, so a handler that writes to
// them cannot change what the next request sees.
const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}

/**
 * Verified tokens of one isolate, keyed by the exact token text: bounded in entries (least recently
 * used evicted) and in life (never past `exp`, at most `maxAge`). Holds successes only. The
 * trade-off: a token whose key is revoked keeps working until its entry ends, unless `clear()` is
 * called when the key set changes.
 *
 * @example
 * const cache = new TokenCache({ maxAge: 30 })
 * app.use('/execution/*', jwtAuth({ secret: env.JWT_SECRET, algorithms: ['HS512'], cache }))
 * // on key rotation: cache.clear()
 */
export class TokenCache<C extends CachedClaims = TIToken> {
  readonly maxEntries: number
  readonly maxAge: number
  // A Map iterates in insertion order; re-inserting on every hit makes its first key the least
  // recently used one, which is all an LRU needs.
  readonly #entries = new Map<string, Entry<C>>()
  #owned = false

  constructor(options: TokenCacheOptions = {}) {
    this.maxEntries = positive(options.maxEntries ?? 10_000, 'maxEntries', true)
    this.maxAge = positive(options.maxAge ?? 60, 'maxAge', false)
  }

  /** Tokens currently held. */
  get size(): number {
    return this.#entries.size
  }

  /** The claims of a token verified earlier and still valid at `now` (epoch ms), else `undefined`. */
  get(token: string, now: number = Date.now()): C | undefined {
    const entry = this.#entries.get(token)
    if (!entry) return undefined
    this.#entries.delete(token)
    // `exp` and `nbf` again, with the current time: a stale entry is dropped, never served.
    if (now >= entry.until || now < entry.notBefore) return undefined
    this.#entries.set(token, entry)
    return entry.claims
  }

  /** Remembers a token that just verified; `leeway` in seconds, as the verifier applies it. */
  set(token: string, claims: C, leeway: number, now: number = Date.now()): void {
    const until = Math.min(now + this.maxAge * 1000, (claims.exp + leeway) * 1000)
    if (until <= now) return
    this.#entries.delete(token)
    this.#entries.set(token, {
      claims: deepFreeze(claims),
      until,
      notBefore: ((claims.nbf ?? Number.NEGATIVE_INFINITY) - leeway) * 1000,
    })
    if (this.#entries.size > this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
  }

  /** Forgets one token (e.g. one known to be revoked). */
  delete(token: string): boolean {
    return this.#entries.delete(token)
  }

  /** Forgets every token: call it when the key set changes, so no token outlives its key here. */
  clear(): void {
    this.#entries.clear()
  }

  /** @internal One verifier per cache: tokens valid under one verifier's settings are not under another's. */
  claim(): this {
    if (this.#owned) throw new TypeError('"cache" is already used by another verifier')
    this.#owned = true
    return this
  }
}

/**
 * Puts a cache in front of a verifier: a hit skips the signature and claim checks, a miss verifies
 * and remembers only a success. Failures are never cached, so a bad token costs a full verification
 * every time, as without the cache. A key source announcing a key-set change empties the cache.
 */
export const withTokenCache = <C extends CachedClaims>(
  verify: (token: string) => Promise<C>,
  // biome-ignore lint/suspicious/noExplicitAny: a cache of any claims
  option: TokenCache<any> | TokenCacheOptions | true,
  leeway: number,
  keys?: KeySetEvents,
): ((token: string) => Promise<C>) & { cache: TokenCache<C> } => {
  const cache: TokenCache<C> =
    option instanceof TokenCache ? option.claim() : new TokenCache<C>(option === true ? {} : option)
  keys?.onKeySetChange?.(() => cache.clear())
  const cached = async (token: string) => {
    const hit = cache.get(token)
    if (hit) return hit
    const claims = await verify(token)
    cache.set(token, claims, leeway)
    return claims
  }
  return Object.assign(cached, { cache })
}
