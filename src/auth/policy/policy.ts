import type { Context, MiddlewareHandler } from 'hono'
import { ScopeDeniedError, SubjectMismatchError, TokenTypeNotAllowedError } from '../errors'
import type { TIToken, TokenType } from '../profile/task-instance'
import type { JwtAuth } from '../verify/middleware'
import { allowedTokenTypes } from './scopes'

/** Decides one custom scope for a request whose token is already verified. */
// biome-ignore lint/suspicious/noExplicitAny: checkers accept any app's context
export type ScopeChecker = (c: Context<any>, token: TIToken) => boolean | Promise<boolean>

/** A route's policy, computed once from its effective scopes when the table is built. */
export interface RoutePolicy {
  readonly scopes: readonly string[]
  readonly tokenTypes: readonly TokenType[]
  readonly tiSelf: boolean
  readonly checks: readonly (readonly [scope: string, check: ScopeChecker])[]
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

/**
 * Computes a policy from effective scopes. Throws, naming the route, on an unknown token type, a
 * scope without a checker, or `ti:self` on a path without `:task_instance_id`.
 */
export const compilePolicy = (
  scopes: readonly string[],
  checkers: Readonly<Record<string, ScopeChecker>>,
  where: string,
): RoutePolicy => {
  let tokenTypes: TokenType[]
  try {
    tokenTypes = allowedTokenTypes(scopes)
  } catch (error) {
    throw new Error(`${(error as Error).message} (${where})`)
  }
  const tiSelf = scopes.includes('ti:self')
  if (tiSelf && !/\/:task_instance_id(?=\/|\{|$)/.test(where)) {
    throw new Error(`"ti:self" needs a :task_instance_id path parameter (${where})`)
  }
  const checks: [string, ScopeChecker][] = []
  for (const scope of scopes) {
    if (scope === 'ti:self' || scope.startsWith('token:')) continue
    // Own properties only: `constructor` or `toString` must not find Object.prototype's members.
    const check = Object.hasOwn(checkers, scope) ? checkers[scope] : undefined
    if (typeof check !== 'function')
      throw new Error(`Unknown scope "${scope}": register a checker for it (${where})`)
    checks.push([scope, check])
  }
  return { scopes: [...scopes], tokenTypes, tiSelf, checks }
}

// Requests whose route policy refused them, so the refresh after them mints nothing, even when an
// `app.use(prefix, auth)` in front already put the verified token on the context.
const refused = new WeakSet<Request>()

/** Whether a policy guard refused this request (its token must not be refreshed). */
export const policyRefused = (c: Context): boolean => refused.has(c.req.raw)

/**
 * The policy guard of one route: verification through the shared memo, then token type, `ti:self`
 * and custom scopes, in that order. It never does crypto itself.
 *
 * @example
 * app.get('/ti/:task_instance_id', guard(auth, compilePolicy(['ti:self'], {}, '/ti/:task_instance_id')), handler)
 */
export const guard = (auth: JwtAuth, policy: RoutePolicy): MiddlewareHandler => {
  const { realm } = auth
  const { tokenTypes, tiSelf, checks } = policy
  return async function policyGuard(c, next) {
    const token = await auth.authenticate(c)
    refused.add(c.req.raw)
    if (!tokenTypes.includes(token.scope)) {
      throw new TokenTypeNotAllowedError(realm, token.scope, tokenTypes)
    }
    if (tiSelf) {
      // `sub` is a UUID (the claims schema checked it), so the same text is the same UUID; other
      // spellings (case, hyphens, braces) take the slower comparison.
      const param = c.req.param('task_instance_id')
      if (param !== token.sub) {
        const expected = uuidKey(token.sub)
        if (!expected || expected !== uuidKey(param)) throw new SubjectMismatchError(realm)
      }
    }
    for (const [scope, check] of checks) {
      if (!(await check(c, token))) throw new ScopeDeniedError(realm, scope)
    }
    // Only a token that passed the policy reaches handlers and the refresh.
    refused.delete(c.req.raw)
    c.set('tiToken', token)
    await next()
  }
}
