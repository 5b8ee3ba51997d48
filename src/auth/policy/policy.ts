import type { Context, MiddlewareHandler } from 'hono'
import {
  InsufficientScopeError,
  IssuerNotAllowedError,
  OwnershipError,
  ScopeDeniedError,
  SubjectMismatchError,
  TokenTypeNotAllowedError,
} from '../errors'
import { type DefaultClaims, defaultProfile } from '../profile/default'
import type { AnyProfile } from '../profile/profile'
import type { DpopMode } from '../verify/bound'
import type { JwtAuth } from '../verify/middleware'
import { routeDpopRule } from './dpop-rule'
import { allowedIssuers, isIssuerScope } from './issuer-scopes'
import { allowedTokenTypes, type SelfScope, selfScope } from './scopes'

/** Decides one custom scope for a request whose token is already verified. */
export type ScopeChecker<Claims = DefaultClaims> = (
  // biome-ignore lint/suspicious/noExplicitAny: checkers accept any app's context
  c: Context<any>,
  token: Claims,
) => boolean | Promise<boolean>

/** A scope met by any one of several granted scopes: what `anyOf(…)` registers. */
export interface AnyOfScopes {
  readonly anyOf: readonly string[]
}

/**
 * Registers a scope as met by any of several granted scopes, instead of by itself: with
 * `checkers: { 'tasks:read': anyOf('tasks:read', 'tasks:admin') }` a route needing `tasks:read`
 * admits an admin token too. Needs a profile whose tokens grant scopes (access tokens).
 *
 * @example
 * routeTable(root, { auth, checkers: { 'tasks:read': anyOf('tasks:read', 'tasks:admin') } })
 */
export const anyOf = (...scopes: readonly string[]): AnyOfScopes => {
  if (!scopes.length || !scopes.every((s) => typeof s === 'string' && s && !s.includes(' '))) {
    throw new TypeError('anyOf() needs scopes, as strings without spaces')
  }
  return Object.freeze({ anyOf: Object.freeze([...scopes]) })
}

/** What decides the scopes that are not built in: by scope string, as an object or a `Map`. */
export type Checkers<Claims = DefaultClaims> =
  | Readonly<Record<string, ScopeChecker<Claims> | AnyOfScopes>>
  | ReadonlyMap<string, ScopeChecker<Claims> | AnyOfScopes>

/** A route's policy, computed once from its effective scopes when the table is built. */
export interface RoutePolicy {
  readonly scopes: readonly string[]
  readonly tokenTypes: readonly string[]
  /** With several issuers: the names its `iss:<name>` scopes accept; empty or absent: any. */
  readonly issuers?: readonly string[]
  /** Whether `ti:self` is among the scopes. */
  readonly tiSelf: boolean
  /** Ownership checks: `self:<param>` scopes and the profile's spellings of them. */
  readonly self: readonly SelfScope[]
  /** Scopes the token must grant, every one of them. */
  readonly required: readonly string[]
  /** Scopes met by any of several granted scopes. */
  readonly alternatives: readonly (readonly [scope: string, anyOf: readonly string[]])[]
  // biome-ignore lint/suspicious/noExplicitAny: checkers of any profile's claims
  readonly checks: readonly (readonly [scope: string, check: ScopeChecker<any>])[]
  /** The route's DPoP mode: its last `dpop:` scope; `undefined`: the auth middleware's default. */
  readonly dpop?: DpopMode
}

const dpopModes: readonly string[] = ['required', 'optional', 'off'] satisfies DpopMode[]

// A checker registered for exactly this scope: own properties only, so that `constructor` or
// `toString` never finds `Object.prototype`'s.
const registered = (checkers: Checkers<unknown>, scope: string) =>
  checkers instanceof Map
    ? checkers.get(scope)
    : Object.hasOwn(checkers, scope)
      ? (checkers as Record<string, ScopeChecker<unknown> | AnyOfScopes>)[scope]
      : undefined

// Whether a route's path has the `:param` an ownership scope reads. One regex per parameter name,
// not one per route: a cold start compiled one for every `ti:self` route of the table.
const paramPatterns = new Map<string, RegExp>()
const hasParam = (where: string, param: string) => {
  let pattern = paramPatterns.get(param)
  if (!pattern) {
    pattern = new RegExp(`/:${param}(?=/|\\{|\\?|$)`)
    paramPatterns.set(param, pattern)
  }
  return pattern.test(where)
}

/**
 * Computes a policy from effective scopes under a profile (default: task instance). Throws, naming
 * the route, on an unknown token type, a `self:` scope (or `ti:self`) whose parameter the path
 * lacks, or, for a profile whose tokens grant no scopes, a scope without a checker. Under a profile
 * that grants scopes, a scope without a checker is required of the token. Given the configured
 * issuers' names (an auth with `issuers`), `iss:<name>` scopes say which of them the route accepts.
 */
export const compilePolicy = (
  scopes: readonly string[],
  // biome-ignore lint/suspicious/noExplicitAny: checkers of any profile's claims
  checkers: Checkers<any>,
  where: string,
  profile: AnyProfile = defaultProfile(),
  configuredIssuers?: readonly string[],
): RoutePolicy => {
  const at = (message: string) => new Error(`${message} (${where})`)
  let tokenTypes: string[]
  let issuers: string[] = []
  try {
    tokenTypes = allowedTokenTypes(scopes, profile)
    if (configuredIssuers) issuers = allowedIssuers(scopes, configuredIssuers)
  } catch (error) {
    throw at((error as Error).message)
  }
  const self: SelfScope[] = []
  const required: string[] = []
  const alternatives: [string, readonly string[]][] = []
  // biome-ignore lint/suspicious/noExplicitAny: checkers of any profile's claims
  const checks: [string, ScopeChecker<any>][] = []
  let dpop: DpopMode | undefined
  for (const scope of scopes) {
    if (scope.startsWith('token:') || (configuredIssuers && isIssuerScope(scope))) continue
    // A child's `dpop:` scope comes after its parents': the last one decides, so it can relax.
    if (scope.startsWith('dpop:')) {
      const mode = scope.slice('dpop:'.length)
      if (!dpopModes.includes(mode)) throw at(`Unknown DPoP mode "${scope}"`)
      dpop = mode as DpopMode
      continue
    }
    let owner: SelfScope | undefined
    try {
      owner = selfScope(scope, profile)
    } catch (error) {
      throw at((error as Error).message)
    }
    if (owner) {
      if (!hasParam(where, owner.param)) {
        throw at(`"${scope}" needs a :${owner.param} path parameter`)
      }
      self.push(owner)
      continue
    }
    if (scope.startsWith('ti:')) throw at(`Unknown built-in scope "${scope}"`)
    const rule = registered(checkers, scope)
    if (typeof rule === 'function') checks.push([scope, rule])
    else if (rule && Array.isArray(rule.anyOf)) {
      if (!profile.grantsScopes)
        throw at(`"${scope}": anyOf() needs a profile whose tokens grant scopes`)
      alternatives.push([scope, rule.anyOf])
    } else if (profile.grantsScopes) required.push(scope)
    else throw at(`Unknown scope "${scope}": register a checker for it`)
  }
  const tiSelf = self.some((s) => s.alias && s.scope === 'ti:self')
  return {
    scopes: [...scopes],
    tokenTypes,
    issuers,
    tiSelf,
    self,
    required,
    alternatives,
    checks,
    dpop,
  }
}

const uuidHex = /^[0-9a-f]{32}$/

// Compared as UUIDs, not strings: case, hyphens, braces and a `urn:uuid:` prefix do not matter.
const uuidKey = (value: string | undefined) => {
  const hex = value
    ?.toLowerCase()
    .replace(/^urn:uuid:/, '')
    .replace(/^\{(.*)\}$/, '$1')
    .replaceAll('-', '')
  return hex && uuidHex.test(hex) ? hex : undefined
}

// Requests whose route policy refused them, so the refresh after them mints nothing, even when an
// `app.use(prefix, auth)` in front already put the verified token on the context.
const refused = new WeakSet<Request>()

/** Whether a policy guard refused this request (its token must not be refreshed). */
export const policyRefused = (c: Context): boolean => refused.has(c.req.raw)

/**
 * The policy guard of one route: verification through the shared memo, then token type,
 * ownership (`self:`, `ti:self`), required scopes and checkers, in that order. It never does
 * crypto itself; everything it compares was computed when the policy was.
 *
 * @example
 * app.get('/ti/:task_instance_id', guard(auth, compilePolicy(['ti:self'], {}, '/ti/:task_instance_id')), handler)
 */
export const guard = (
  auth: Pick<JwtAuth<AnyProfile>, 'authenticate' | 'realm' | 'issuerOf'> & {
    profile?: AnyProfile
    dpop?: JwtAuth['dpop']
  },
  policy: RoutePolicy,
  where = 'a guarded route',
): MiddlewareHandler => {
  const { realm, issuerOf } = auth
  const profile: AnyProfile = auth.profile ?? defaultProfile()
  const { tokenTypes, self, required, alternatives, checks } = policy
  const issuers = policy.issuers?.length ? policy.issuers : undefined
  const typed = profile.tokenTypes.length > 0
  const { variable, uuidSubjects } = profile
  const dpop = routeDpopRule(auth, policy.dpop, where)
  // The synchronous rules, computed when the policy was: issuer, token type, ownership, scopes.
  const check = (c: Context, token: Record<string, unknown>) => {
    if (issuers) {
      // No way to tell the issuer (a hand-made auth) is a refusal too, never a pass.
      const name = issuerOf?.(token)
      if (name === undefined || !issuers.includes(name)) {
        throw new IssuerNotAllowedError(realm, name ?? 'unknown', issuers)
      }
    }
    if (typed) {
      const type = profile.tokenType(token)
      if (!tokenTypes.includes(type)) {
        throw new TokenTypeNotAllowedError(realm, String(type), tokenTypes)
      }
    }
    for (let i = 0; i < self.length; i++) {
      const { scope, param: name, claim, alias } = self[i] as SelfScope
      const param = c.req.param(name)
      const value: unknown = claim === undefined ? profile.subject(token) : token[claim]
      // An optional parameter may be absent: absent owns nothing, even when the claim is absent too.
      if (param !== undefined && value === param) continue
      // Other spellings of one UUID (case, hyphens, braces) take the slower comparison.
      const text = typeof value === 'number' ? String(value) : value
      if (typeof text === 'string' && param !== undefined) {
        if (text === param) continue
        const key = uuidSubjects ? uuidKey(text) : undefined
        if (key && key === uuidKey(param)) continue
      }
      throw alias ? new SubjectMismatchError(realm) : new OwnershipError(realm, scope, name, claim)
    }
    for (let i = 0; i < required.length; i++) {
      const scope = required[i] as string
      if (!profile.grants(token, scope)) throw new InsufficientScopeError(realm, scope, required)
    }
    for (let i = 0; i < alternatives.length; i++) {
      // Tuples read by index: array destructuring would walk an iterator on every request.
      const rule = alternatives[i] as (typeof alternatives)[number]
      if (!rule[1].some((s) => profile.grants(token, s))) {
        throw new InsufficientScopeError(realm, rule[0], rule[1])
      }
    }
  }
  return async function policyGuard(c, next) {
    const token = dpop
      ? await auth.authenticate(c).catch((error) => Promise.reject(dpop.refusal(error)))
      : await auth.authenticate(c)
    try {
      dpop?.check(token)
      check(c, token)
      for (let i = 0; i < checks.length; i++) {
        const rule = checks[i] as (typeof checks)[number]
        if (!(await rule[1](c, token))) throw new ScopeDeniedError(realm, rule[0])
      }
    } catch (error) {
      // Refused here (or a checker threw): the refresh after this request mints nothing for it.
      refused.add(c.req.raw)
      throw dpop ? dpop.answer(error, token) : error
    }
    // Only a token that passed the policy reaches handlers and the refresh.
    c.set(variable, token)
    await next()
    dpop?.after(c)
  }
}
