import { bigintOf, nistCurves } from '../keys/curves'
import type { TIToken } from '../profile/task-instance'
import { decodeBase64url } from '../token/gate'

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

interface Entry {
  claims: TIToken
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

// ECDSA signature length in base64url characters → the curve order that bounds `s`.
const ecdsaOrders = new Map([
  [86, { alg: 'ES256', n: nistCurves['P-256']?.n as bigint, size: 32 }],
  [128, { alg: 'ES384', n: nistCurves['P-384']?.n as bigint, size: 48 }],
  [176, { alg: 'ES512', n: nistCurves['P-521']?.n as bigint, size: 66 }],
])

const encodeSegment = (bytes: Uint8Array) => {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

// The `alg` of a header segment. An issuer's tokens share one header, so a few are remembered:
// a cache hit costs a lookup, not a decode.
const headerAlgs = new Map<string, unknown>()
const algOf = (segment: string) => {
  if (headerAlgs.has(segment)) return headerAlgs.get(segment)
  let alg: unknown
  try {
    alg = JSON.parse(new TextDecoder().decode(decodeBase64url(segment)))?.alg
  } catch {}
  if (headerAlgs.size >= 64) headerAlgs.clear()
  headerAlgs.set(segment, alg)
  return alg
}

/**
 * The one spelling of a token the cache keys on. An ECDSA signature (r, s) has a twin (r, n − s)
 * that verifies just as well; signers produce either, so neither is refused, but both must be one
 * entry (one `delete` forgets both). The twin is mapped to its low-S form; anything else is itself.
 */
export const canonicalToken = (token: string): string => {
  const dot = token.lastIndexOf('.')
  const order = ecdsaOrders.get(token.length - dot - 1)
  if (!order || algOf(token.slice(0, token.indexOf('.'))) !== order.alg) return token
  const signature = decodeBase64url(token.slice(dot + 1))
  if (!signature) return token
  const s = bigintOf(signature.subarray(order.size))
  if (s <= order.n >> 1n || s >= order.n) return token
  let low = order.n - s
  const canonical = signature.slice()
  for (let i = canonical.length - 1; i >= order.size; i--) {
    canonical[i] = Number(low & 0xffn)
    low >>= 8n
  }
  return `${token.slice(0, dot + 1)}${encodeSegment(canonical)}`
}

/**
 * Verified tokens of one isolate, keyed by the token's one spelling (`canonicalToken`): bounded
 * in entries (least recently used evicted) and in life (never past `exp`, at most `maxAge`). Holds successes only. The
 * trade-off: a token whose key is revoked keeps working until its entry ends, unless `clear()` is
 * called when the key set changes.
 *
 * @example
 * const cache = new TokenCache({ maxAge: 30 })
 * app.use('/execution/*', jwtAuth({ secret: env.JWT_SECRET, algorithms: ['HS512'], cache }))
 * // on key rotation: cache.clear()
 */
export class TokenCache {
  readonly maxEntries: number
  readonly maxAge: number
  // A Map iterates in insertion order; re-inserting on every hit makes its first key the least
  // recently used one, which is all an LRU needs.
  readonly #entries = new Map<string, Entry>()
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
  get(text: string, now: number = Date.now()): TIToken | undefined {
    const token = canonicalToken(text)
    const entry = this.#entries.get(token)
    if (!entry) return undefined
    this.#entries.delete(token)
    // `exp` and `nbf` again, with the current time: a stale entry is dropped, never served.
    if (now >= entry.until || now < entry.notBefore) return undefined
    this.#entries.set(token, entry)
    return entry.claims
  }

  /** Remembers a token that just verified; `leeway` in seconds, as the verifier applies it. */
  set(text: string, claims: TIToken, leeway: number, now: number = Date.now()): void {
    const token = canonicalToken(text)
    const until = Math.min(now + this.maxAge * 1000, (claims.exp + leeway) * 1000)
    if (until <= now) return
    this.#entries.delete(token)
    this.#entries.set(token, {
      claims: deepFreeze(claims),
      until,
      notBefore: (claims.nbf - leeway) * 1000,
    })
    if (this.#entries.size > this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
  }

  /** Forgets one token (e.g. one known to be revoked). */
  delete(token: string): boolean {
    return this.#entries.delete(canonicalToken(token))
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

type Verify = (token: string) => Promise<TIToken>

/**
 * Puts a cache in front of a verifier: a hit skips the signature and claim checks, a miss verifies
 * and remembers only a success. Failures are never cached, so a bad token costs a full verification
 * every time, as without the cache. A key source announcing a key-set change empties the cache.
 */
export const withTokenCache = (
  verify: Verify,
  option: TokenCache | TokenCacheOptions | true,
  leeway: number,
  keys?: KeySetEvents,
): Verify & { cache: TokenCache } => {
  const cache =
    option instanceof TokenCache ? option.claim() : new TokenCache(option === true ? {} : option)
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
