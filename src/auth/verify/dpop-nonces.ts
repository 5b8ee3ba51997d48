import type { Context } from 'hono'
import type { DpopSettings } from './bound'
import type { DpopNonces } from './dpop'
import { base64url } from './dpop-proof'

/** Options of `hmacNonces`. */
export interface HmacNoncesOptions {
  /** The key the nonces are made with: at least 32 bytes, shared by every isolate. Required. */
  secret: string | Uint8Array
  /** Seconds a nonce is handed out; it is accepted for one more such period. Default: `300`. */
  lifetime?: number
}

const encoder = /* @__PURE__ */ new TextEncoder()

/**
 * Server nonces (RFC 9449 §8) that need no storage: a nonce is the current period's number with
 * its HMAC-SHA256, so every isolate holding the secret hands out and accepts the same ones. A
 * proof must then be made after the client saw a nonce of this period or the one before: a
 * captured proof is replayable for at most two periods, wherever the replay store does not see it.
 *
 * @example
 * jwtAuth({ …, dpop: { nonces: hmacNonces({ secret: env.DPOP_NONCE_SECRET, lifetime: 120 }) } })
 */
export const hmacNonces = (options: HmacNoncesOptions): DpopNonces => {
  const secret =
    typeof options.secret === 'string' ? encoder.encode(options.secret) : options.secret
  if (!(secret instanceof Uint8Array) || secret.length < 32) {
    throw new TypeError('"secret" must be at least 32 bytes')
  }
  const lifetime = options.lifetime ?? 300
  if (!Number.isInteger(lifetime) || lifetime <= 0) {
    throw new TypeError('"lifetime" must be a positive integer (seconds)')
  }
  const key = crypto.subtle.importKey(
    'raw',
    new Uint8Array(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  // The last two periods' nonces, so that most requests compute none.
  const made = new Map<number, Promise<string>>()
  const nonceOf = (period: number) => {
    let nonce = made.get(period)
    if (!nonce) {
      const label = period.toString(36)
      nonce = key
        .then((k) => crypto.subtle.sign('HMAC', k, encoder.encode(label)))
        .then((mac) => `${label}.${base64url(mac)}`)
      if (made.size >= 2) made.delete(made.keys().next().value as number)
      made.set(period, nonce)
    }
    return nonce
  }
  const period = () => Math.floor(Date.now() / 1000 / lifetime)
  return {
    current: () => nonceOf(period()),
    async accepts(nonce) {
      const now = period()
      const claimed = Number.parseInt(nonce.slice(0, nonce.indexOf('.')), 36)
      if (claimed !== now && claimed !== now - 1) return false
      return nonce === (await nonceOf(claimed))
    },
  }
}

/**
 * Sends `DPoP-Nonce` on a successful answer whose proof carried a nonce that is still accepted
 * but no longer current (RFC 9449 §8.2): the client moves to the new one before the old expires.
 */
export const sendFreshNonce = (
  c: Context,
  settings: Pick<DpopSettings, 'freshNonce'> | undefined,
): void => {
  const nonce = settings?.freshNonce?.(c)
  if (nonce === undefined || c.res.status >= 400) return
  try {
    c.res.headers.set('dpop-nonce', nonce)
  } catch {
    // Immutable headers (a response passed through from fetch): copy it once.
    c.res = new Response(c.res.body, c.res)
    c.res.headers.set('dpop-nonce', nonce)
  }
}
