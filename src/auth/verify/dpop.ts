import type { Context } from 'hono'
import { asDpopError, bindingRefused, challengeFor, invalidProof, useNonce } from '../dpop-errors'
import type { Algorithm } from '../keys/keys'
import { dpopReader } from '../token/dpop'
import type { TokenReader } from '../token/source'
import { boundKey, type DpopMode, type DpopSettings, isBound } from './bound'
import { createProofChecker, proofAlgorithm } from './dpop-proof'
import { dpopRouteRule } from './dpop-route'
import { MemoryReplayStore, type ReplayStore } from './replay-store'

/** Server nonces (RFC 9449 §8): proofs must carry one this source accepts. */
export interface DpopNonces {
  /** The nonce to hand out now, in `DPoP-Nonce` with a `use_dpop_nonce` refusal. */
  current(): string | Promise<string>
  /** Whether a proof's `nonce` is (still) acceptable. */
  accepts(nonce: string): boolean | Promise<boolean>
}

/** `jwtAuth`'s `dpop` option: DPoP-bound tokens (RFC 9449) and how their proofs are checked. */
export interface DpopOptions {
  /** What routes take when they declare no `dpop:` scope. Default: `'optional'`. */
  mode?: Exclude<DpopMode, 'off'>
  /**
   * Proof algorithms accepted (asymmetric only), sent as `algs`. Default: `['ES256', 'EdDSA',
   * 'Ed25519']` (what oidc-provider accepts; `Ed25519` is RFC 9864's name for EdDSA on Ed25519).
   */
  algorithms?: readonly Algorithm[]
  /** Seconds a proof is accepted after its `iat` (plus the leeway). Default: `60`. */
  maxAge?: number
  /**
   * The public origin the clients call (`https://api.example.com`), when the server sees another
   * one (behind a proxy or a load balancer): `htu` is compared with this origin and the request's
   * path. Default: the request URL's own origin.
   */
  origin?: string
  /** Where proof `jti`s are remembered. Default: a `MemoryReplayStore` (this isolate only). */
  replayStore?: ReplayStore
  /** Require server nonces (RFC 9449 §8). Default: none. */
  nonces?: DpopNonces
  /** Longest proof accepted, in characters. Default: `8192`. */
  maxProofLength?: number
}

const checkSettings = (options: DpopOptions) => {
  const algorithms = [...(options.algorithms ?? ['ES256', 'EdDSA', 'Ed25519'])]
  if (!algorithms.length || !algorithms.every(proofAlgorithm)) {
    throw new TypeError('"dpop.algorithms" must list asymmetric algorithms')
  }
  const mode = options.mode ?? 'optional'
  if (mode !== 'required' && mode !== 'optional') {
    throw new TypeError('"dpop.mode" must be "required" or "optional"')
  }
  const maxAge = options.maxAge ?? 60
  if (!(maxAge > 0) || !Number.isFinite(maxAge)) throw new TypeError('"dpop.maxAge" must be > 0')
  const maxLength = options.maxProofLength ?? 8192
  if (!Number.isInteger(maxLength) || maxLength <= 0) {
    throw new TypeError('"dpop.maxProofLength" must be a positive integer')
  }
  if (options.origin !== undefined) {
    let origin: string | undefined
    try {
      origin = new URL(options.origin).origin
    } catch {}
    if (!origin || origin === 'null' || origin !== options.origin.replace(/\/$/, '')) {
      throw new TypeError('"dpop.origin" must be an origin, like "https://api.example.com"')
    }
  }
  const store = options.replayStore ?? new MemoryReplayStore()
  if (typeof store?.firstUse !== 'function') {
    throw new TypeError('"dpop.replayStore" must have a firstUse() method')
  }
  return { algorithms, mode, maxAge, maxLength, store }
}

/** What an auth needs to open DPoP for itself: its leeway, header and realm. */
export interface DpopContext {
  leeway?: number
  headerName?: string
  realm: string
}

/** DPoP for `jwtAuth`'s `dpop` option, as `dpop()` makes it. */
export interface Dpop {
  readonly mode: Exclude<DpopMode, 'off'>
  readonly algorithms: readonly string[]
  /** The verification of one request for one auth middleware (called once, by `jwtAuth`). */
  readonly open: <C>(
    verify: (token: string) => Promise<C>,
    readBearer: TokenReader,
    context: DpopContext,
  ) => { verifyRequest: (c: Context) => Promise<C>; settings: DpopSettings }
}

/**
 * DPoP-bound tokens (RFC 9449), for `jwtAuth`'s `dpop` option: `Authorization: DPoP <token>` with
 * one `DPoP` proof (typ, asymmetric alg allow-list, public embedded key, signature, htm, htu, iat
 * window, `jti` used once, `ath`, `cnf.jkt`), optional server nonces, and the default mode of
 * routes (`'optional'`: bearer tokens too). The settings are checked here.
 *
 * @example
 * const auth = jwtAuth({ keys: discoveredKeys(idp), algorithms: ['ES256'], audience: 'api', dpop: dpop({ mode: 'required' }) })
 */
export const dpop = (options: DpopOptions = {}): Dpop => {
  const checked = checkSettings(options)
  return {
    mode: checked.mode,
    algorithms: Object.freeze([...checked.algorithms]),
    open: (verify, readBearer, context) =>
      dpopVerifier(verify, readBearer, options, checked, context),
  }
}

/**
 * The verification of one request for an auth middleware with the `dpop` option: a bearer token
 * (which must not be DPoP-bound), or a DPoP token with its proof, both verified, bound to each
 * other (`cnf.jkt` = the proof key's thumbprint), and the proof's `jti` never seen in its window.
 * Modes are the caller's: this accepts both schemes, so that a route can relax the default.
 */
const dpopVerifier = <C>(
  verify: (token: string) => Promise<C>,
  readBearer: TokenReader,
  options: DpopOptions,
  { algorithms, mode, maxAge, maxLength, store }: ReturnType<typeof checkSettings>,
  { leeway = 10, headerName, realm }: DpopContext,
): { verifyRequest: (c: Context) => Promise<C>; settings: DpopSettings } => {
  const checkProof = createProofChecker({
    realm,
    algorithms,
    maxAge,
    leeway,
    maxLength,
    origin: options.origin,
  })
  const read = dpopReader(readBearer, {
    header: (headerName ?? 'authorization').toLowerCase(),
    realm,
    algs: algorithms,
    bearer: mode === 'optional',
  })
  const { nonces } = options
  // Per request: the current nonce, where the proof's was an older one still accepted.
  const fresh = new WeakMap<Request, string>()
  const refuseBearer = (description: string) => bindingRefused(realm, algorithms, description)

  const verifyDpop = async (c: Context): Promise<C> => {
    const credentials = read(c)
    if (credentials.scheme === 'bearer') {
      const claims = await verify(credentials.token)
      if (isBound(claims)) {
        throw refuseBearer('The token is bound to a key: send it with the DPoP scheme and a proof')
      }
      return claims
    }
    const { token, proof } = credentials
    const request = c.req.raw
    // Proof and token at once: where WebCrypto runs off the main thread (Node, Bun, Deno) the two
    // signatures overlap. A bad proof is reported first, whatever the token.
    const [proofOutcome, tokenOutcome] = await Promise.allSettled([
      checkProof(proof, { method: request.method, url: request.url, accessToken: token }),
      verify(token),
    ])
    if (proofOutcome.status === 'rejected') throw proofOutcome.reason
    if (tokenOutcome.status === 'rejected') throw asDpopError(tokenOutcome.reason, algorithms)
    const checked = proofOutcome.value
    const claims = tokenOutcome.value
    const jkt = boundKey(claims)
    if (jkt === undefined) throw refuseBearer('The token is not DPoP-bound')
    if (jkt !== checked.jkt) throw refuseBearer('The token is bound to another key than the proof')
    if (nonces) {
      const { nonce } = checked
      if (typeof nonce !== 'string' || !(await nonces.accepts(nonce))) {
        throw useNonce(realm, algorithms, await nonces.current())
      }
    }
    // Last: only a proof that passed everything uses up its `jti`.
    const until = checked.iat + maxAge + leeway
    if (!(await store.firstUse(`${jkt}:${checked.jti}`, until))) {
      throw invalidProof(realm, algorithms, 'The proof was already used')
    }
    if (nonces) {
      const current = await nonces.current()
      if (current !== checked.nonce) fresh.set(c.req.raw, current)
    }
    return claims
  }
  // Every refusal answers under the schemes of the auth's mode; a route's guard re-renders it
  // for the route's own mode.
  const verifyRequest = (c: Context): Promise<C> =>
    verifyDpop(c).catch((error) => Promise.reject(challengeFor(error, mode, algorithms)))
  const freshNonce = nonces && ((c: Context) => fresh.get(c.req.raw))
  const base = {
    mode,
    algorithms: Object.freeze(algorithms),
    ...(freshNonce && { freshNonce }),
  }
  const rule = (declared: DpopMode | undefined) => dpopRouteRule(base, realm, declared)
  return { verifyRequest, settings: Object.freeze({ ...base, rule }) }
}
