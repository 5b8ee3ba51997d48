import type { Context, Env } from 'hono'
import { InvalidTokenError } from '../errors'
import {
  type Algorithm,
  createKeyResolver,
  type KeyResolverOptions,
  type LocalKeyResolver,
} from '../keys/keys'
import { defaultProfile } from '../profile/default'
import type { AnyProfile, ClaimsOf } from '../profile/profile'
import { checkToken, type GateOptions, headerCache } from '../token/gate'
import { describeClaimFailure } from './claims'
import { createVerifier, type Verifier, type VerifyOptions } from './verify'

/**
 * One trusted issuer among several: its own keys (`keys`, `secret`, `getKey`), never another's;
 * the `iss` its tokens carry; its audience; its own token cache. A verification setting it does
 * not give (`algorithms`, `audience`, `leeway`, `maxTokenLength`, `types`, `requireType`,
 * `fetch`) is `jwtAuth`'s; keys are never inherited.
 */
export interface TrustedIssuerOptions
  extends Omit<VerifyOptions<AnyProfile>, 'profile' | 'realm' | 'algorithms'> {
  /** The `iss` its tokens carry, compared exactly. Default: the issuer of `discoveredKeys`; one of them is required. */
  issuer?: string
  /** Algorithms accepted from this issuer. Default: `jwtAuth`'s `algorithms`. */
  algorithms?: readonly Algorithm[]
}

/** Several issuers by name, as `trustedIssuers` gives them to `jwtAuth`'s `issuers` option. */
export interface TrustedIssuers<I extends string = string> {
  /** The issuers' options, by name. */
  readonly issuers: { readonly [K in I]: TrustedIssuerOptions }
  /** Builds the verifier over all of them, once, with `jwtAuth`'s settings. */
  readonly create: <P extends AnyProfile>(
    options: VerifyOptions<P>,
  ) => IssuersVerifier<ClaimsOf<P>, I>
}

/**
 * Several trusted issuers, by name, for `jwtAuth`'s `issuers` option: a token's `iss` selects one,
 * which alone verifies it (its keys, audience and algorithms); `c.var.issuer` names it and
 * `iss:<name>` scopes require it. The names are what routes and `c.var.issuer` use.
 *
 * @example
 * const auth = jwtAuth({
 *   algorithms: ['RS256'],
 *   issuers: trustedIssuers({
 *     corp: { keys: discoveredKeys('https://corp.example'), audience: 'api' },
 *     partners: { keys: remoteKeys('https://partners.example/jwks'), issuer: 'https://partners.example', audience: 'api' },
 *   }),
 * })
 */
export const trustedIssuers = <const I extends string>(
  issuers: {
    readonly [K in I]: TrustedIssuerOptions
  },
): TrustedIssuers<I> => ({
  issuers,
  create: (options) => createIssuersVerifier({ ...options, issuers }),
})

/** A profile type that also carries the names of the issuers its tokens may come from (types only). */
export type WithIssuers<P, I extends string> = [I] extends [never]
  ? P
  : P & { readonly '~issuers'?: I }

/** The issuer names a profile type carries; `never` for a single issuer. */
export type IssuerNameOf<P> = '~issuers' extends keyof P
  ? P extends { readonly '~issuers'?: infer I extends string }
    ? I
    : never
  : never

/** What the middleware adds to `c.var` with several issuers: `issuer`, the name that verified the token. */
export type IssuerVariables<P> = [IssuerNameOf<P>] extends [never]
  ? unknown
  : { issuer: IssuerNameOf<P> }

/** A verifier over several issuers, telling which one verified a set of claims. */
export type IssuersVerifier<Claims, I extends string = string> = Verifier<Claims> & {
  /** The configured names, in the order given. */
  readonly issuers: readonly I[]
  /** Each configured issuer's `iss`, by name. */
  readonly issuerIds: Readonly<Record<I, string>>
  /** The name of the issuer that verified these claims (the object this verifier returned). */
  issuerOf: (claims: object) => I | undefined
  /** The key sets' background refreshes, for the middleware to hand to `waitUntil`. */
  refreshing?: () => Promise<void> | undefined
}

// Options that give keys: with several issuers they belong to each issuer, never to all of them.
const keyOptions = ['keys', 'secret', 'getKey', 'previousSecret', 'issuer'] as const

// Settings an issuer takes from `jwtAuth` when it gives none.
const inherited = [
  'algorithms',
  'audience',
  'leeway',
  'maxTokenLength',
  'types',
  'requireType',
  'fetch',
] as const

const issuerName = /^[\w.-]+$/

/**
 * One verifier per issuer, each with its own keys and audience, created once here; a token's
 * `iss`, read from the payload the gate parsed (not yet verified), only SELECTS among them: an
 * unknown or missing `iss` is a 401 before any key lookup or network request. The selected issuer
 * verifies with its keys alone and checks `iss` again on the verified claims, so a token signed by
 * another configured issuer's key fails its signature check. Each remote key set is fetched on the
 * first token that names its issuer, and one issuer's outage (503) leaves the others working.
 *
 * @example
 * const verify = createIssuersVerifier({
 *   algorithms: ['RS256'],
 *   profile: accessTokenProfile(),
 *   issuers: { corp: { keys: discoveredKeys('https://corp.example/'), audience: 'api' } },
 * })
 */
export const createIssuersVerifier = <P extends AnyProfile, const I extends string>(
  options: VerifyOptions<P> & { issuers: { readonly [K in I]: TrustedIssuerOptions } },
): IssuersVerifier<ClaimsOf<P>, I> => {
  const { issuers } = options
  if (!issuers || typeof issuers !== 'object' || Array.isArray(issuers)) {
    throw new TypeError('"issuers" must be an object of issuers by name')
  }
  for (const option of keyOptions) {
    if (options[option] !== undefined) {
      throw new TypeError(`"issuers" and "${option}" both given: give keys and "iss" per issuer`)
    }
  }
  const profile: AnyProfile = options.profile ?? defaultProfile()
  const realm = options.realm ?? profile.realm
  const names = Object.keys(issuers) as I[]
  if (!names.length) throw new TypeError('"issuers" must name at least one issuer')
  // One cache holds one verifier's tokens: with several issuers, each has its own.
  if (options.cache !== undefined && names.length > 1) {
    throw new TypeError('"cache": with several issuers, give each issuer its own cache')
  }
  const byIss = new Map<string, { name: I; verify: Verifier<ClaimsOf<P>> }>()
  const algorithms = new Set<string>()
  let maxLength = 0
  for (const name of names) {
    if (!issuerName.test(name)) {
      throw new TypeError(`"issuers": "${name}" is not a name (letters, digits, "_", ".", "-")`)
    }
    const own = issuers[name] as TrustedIssuerOptions
    const merged: Record<string, unknown> = { ...own, profile, realm }
    for (const option of inherited) merged[option] = own[option as never] ?? options[option]
    merged.cache = own.cache ?? options.cache
    const fail = (error: unknown) =>
      new TypeError(`"issuers.${name}": ${(error as Error).message}`, { cause: error })
    // The key sources are opened here, so that a discovered issuer names the `iss` selected.
    let getKey: VerifyOptions['getKey']
    try {
      getKey = own.getKey ?? createKeyResolver({ ...(merged as object as KeyResolverOptions) })
    } catch (error) {
      throw fail(error)
    }
    const iss = own.issuer ?? (getKey as LocalKeyResolver).issuer
    if (typeof iss !== 'string' || !iss) {
      throw new TypeError(`"issuers.${name}" needs "issuer" (its tokens' iss) or discoveredKeys`)
    }
    if (byIss.has(iss)) throw new TypeError(`"issuers.${name}": another issuer has iss ${iss}`)
    let verify: Verifier<ClaimsOf<P>>
    try {
      verify = createVerifier({ ...(merged as unknown as VerifyOptions<P>), getKey, issuer: iss })
    } catch (error) {
      throw fail(error)
    }
    byIss.set(iss, { name, verify })
    for (const alg of (merged.algorithms as readonly string[]) ?? []) algorithms.add(alg)
    maxLength = Math.max(maxLength, (merged.maxTokenLength as number | undefined) ?? 8192)
  }
  // The selection reads the payload through the same strict gate (any issuer's algorithm, the
  // longest length), so a malformed token gets the answer it gets with one issuer.
  const gate: GateOptions = {
    realm,
    maxLength,
    algorithms,
    payload: 'claims',
    headers: headerCache(),
  }
  const verifiedBy = new WeakMap<object, I>()
  const entries = [...byIss.values()]

  const verify = async (token: string): Promise<ClaimsOf<P>> => {
    const { iss } = checkToken(token, gate).payload as { iss?: unknown }
    const entry = typeof iss === 'string' ? byIss.get(iss) : undefined
    if (!entry) throw new InvalidTokenError(realm, describeClaimFailure('iss', iss === undefined))
    const claims = await entry.verify(token)
    verifiedBy.set(claims as object, entry.name)
    return claims
  }
  const refreshes = entries
    .map((e) => (e.verify as { refreshing?: () => Promise<void> | undefined }).refreshing)
    .filter((r) => r !== undefined)
  const refreshing = refreshes.length
    ? () => {
        const running = refreshes.map((r) => r()).filter((p) => p !== undefined)
        return running.length ? Promise.all(running).then(() => undefined) : undefined
      }
    : undefined
  const issuerIds = Object.fromEntries([...byIss].map(([iss, { name }]) => [name, iss]))
  return Object.assign(verify, {
    issuers: Object.freeze(names),
    issuerIds: Object.freeze(issuerIds) as Record<I, string>,
    issuerOf: (claims: object) => verifiedBy.get(claims),
    ...(refreshing && { refreshing }),
  })
}

/** The issuer names a context's `c.var.issuer` holds: a union of literals, else `string`. */
export type IssuerOf<E extends Env> = E['Variables'] extends { issuer: infer I } ? I : string

/**
 * The name of the configured issuer that verified the current request's token (`c.var.issuer`).
 * Throws when called on a route whose auth has no `issuers`, which is a programming error.
 *
 * @example
 * app.get('/me', auth, (c) => c.json({ via: currentIssuer(c) }))
 */
// biome-ignore lint/suspicious/noExplicitAny: any path and input
export const currentIssuer = <E extends Env = any>(c: Context<E, any, any>): IssuerOf<E> => {
  const issuer = (c as unknown as Context).get('issuer')
  if (typeof issuer !== 'string') {
    throw new Error('currentIssuer() called on a route without an "issuers" auth')
  }
  return issuer as IssuerOf<E>
}
