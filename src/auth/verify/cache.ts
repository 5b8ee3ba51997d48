import type { DefaultClaims } from '../profile/default'
import { decodeBase64url } from '../token/gate'

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

// Big-endian bytes of a non-negative integer, `size` of them.
const bytesOf = (value: bigint, size: number) => {
  const bytes = new Uint8Array(size)
  for (let i = size - 1, rest = value; i >= 0; i--, rest >>= 8n) bytes[i] = Number(rest & 0xffn)
  return bytes
}

// ECDSA signature length in base64url characters → the curve order that bounds `s`, and half of
// it, as bytes: a cache hit compares and subtracts bytes, never BigInts. The orders are written
// here (FIPS 186-5 / SEC 2) rather than imported, so a Worker that caches tokens bundles no curve
// arithmetic.
type EcdsaOrder = { alg: string; size: number; n: Uint8Array; half: Uint8Array }
let orders: Map<number, EcdsaOrder> | undefined
// Built on the first cached token, not when the module loads.
const ecdsaOrders = () =>
  (orders ??= new Map<number, EcdsaOrder>(
    (
      [
        [86, 'ES256', 32, 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n],
        [
          128,
          'ES384',
          48,
          0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
        ],
        [
          176,
          'ES512',
          66,
          0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
        ],
      ] as const
    ).map(([length, alg, size, n]) => [
      length,
      { alg, size, n: bytesOf(n, size), half: bytesOf(n >> 1n, size) },
    ]),
  ))

// Compares two big-endian byte strings of one length: negative, zero or positive.
const compare = (a: Uint8Array, b: Uint8Array) => {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  }
  return 0
}

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
  const order = ecdsaOrders().get(token.length - dot - 1)
  if (!order || algOf(token.slice(0, token.indexOf('.'))) !== order.alg) return token
  const signature = decodeBase64url(token.slice(dot + 1))
  if (!signature) return token
  const s = signature.subarray(order.size)
  if (compare(s, order.half) <= 0 || compare(s, order.n) >= 0) return token
  // n − s, byte by byte with a borrow, into the signature's second half.
  const canonical = signature.slice()
  let borrow = 0
  for (let i = order.size - 1; i >= 0; i--) {
    const d = (order.n[i] as number) - (s[i] as number) - borrow
    borrow = d < 0 ? 1 : 0
    canonical[order.size + i] = d & 0xff
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
 * app.use('/api/*', jwtAuth({ secret: env.JWT_SECRET, algorithms: ['HS512'], audience, cache }))
 * // on key rotation: cache.clear()
 */
export class TokenCache<C extends CachedClaims = DefaultClaims> {
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
  get(text: string, now: number = Date.now()): C | undefined {
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
  set(text: string, claims: C, leeway: number, now: number = Date.now()): void {
    const token = canonicalToken(text)
    const until = Math.min(now + this.maxAge * 1000, (claims.exp + leeway) * 1000)
    if (until <= now) return
    this.#entries.delete(token)
    this.#entries.set(token, {
      claims: deepFreeze(claims),
      until,
      notBefore: claims.nbf === undefined ? Number.NEGATIVE_INFINITY : (claims.nbf - leeway) * 1000,
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

  /**
   * @internal Puts this cache in front of a verifier: a hit skips the signature and claim checks,
   * a miss verifies and remembers only a success. Failures are never cached, so a bad token costs
   * a full verification every time, as without the cache. A key source announcing a key-set change
   * empties the cache. One verifier per cache: tokens valid under one verifier's settings are not
   * under another's.
   */
  wrap(
    verify: (token: string) => Promise<C>,
    leeway: number,
    keys?: KeySetEvents,
  ): (token: string) => Promise<C> {
    if (this.#owned) throw new TypeError('"cache" is already used by another verifier')
    this.#owned = true
    keys?.onKeySetChange?.(() => this.clear())
    return async (token: string) => {
      const hit = this.get(token)
      if (hit) return hit
      const claims = await verify(token)
      this.set(token, claims, leeway)
      return claims
    }
  }
}
