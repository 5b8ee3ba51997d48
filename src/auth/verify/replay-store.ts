/**
 * Where the `jti` of every accepted DPoP proof is remembered while a replay of it could still be
 * fresh. Implement it over a shared store (a Durable Object, Redis, a database with a unique key)
 * to refuse replays across isolates and machines; the default remembers within one isolate.
 */
export interface ReplayStore {
  /**
   * Records `id` until `expiresAt` (epoch seconds) and says whether this was its first use:
   * `true` the first time, `false` for every later call before `expiresAt`. Must be atomic.
   */
  firstUse(id: string, expiresAt: number): boolean | Promise<boolean>
}

/** Options of `MemoryReplayStore`. */
export interface MemoryReplayStoreOptions {
  /** Most proofs remembered; past it the oldest is forgotten first. Default: `100000`. */
  maxEntries?: number
}

/**
 * The default replay store: a `Map` in this isolate, bounded in entries, each dropped once it
 * expires. It refuses a replay that reaches the same isolate (on Workers: a replay routed to
 * another isolate or location is not seen). When more than `maxEntries` proofs are fresh at once
 * the oldest are forgotten: size it above requests per second × the proof window.
 *
 * @example
 * jwtAuth({ …, dpop: { replayStore: new MemoryReplayStore({ maxEntries: 20_000 }) } })
 */
export class MemoryReplayStore implements ReplayStore {
  readonly maxEntries: number
  // Insertion order is nearly expiry order (every entry lives the same window after its `iat`),
  // so expired entries are found at the front.
  readonly #seen = new Map<string, number>()

  constructor(options: MemoryReplayStoreOptions = {}) {
    const max = options.maxEntries ?? 100_000
    if (!Number.isInteger(max) || max <= 0) {
      throw new TypeError('"maxEntries" must be a positive integer')
    }
    this.maxEntries = max
  }

  /** Proofs currently remembered. */
  get size(): number {
    return this.#seen.size
  }

  firstUse(id: string, expiresAt: number, now: number = Date.now() / 1000): boolean {
    const until = this.#seen.get(id)
    if (until !== undefined && until > now) return false
    if (until !== undefined) this.#seen.delete(id)
    // Drop what expired at the front (a bounded sweep), then the oldest if still full.
    let swept = 0
    for (const [key, end] of this.#seen) {
      if (end > now || swept++ >= 64) break
      this.#seen.delete(key)
    }
    if (this.#seen.size >= this.maxEntries) {
      this.#seen.delete(this.#seen.keys().next().value as string)
    }
    this.#seen.set(id, expiresAt)
    return true
  }
}
