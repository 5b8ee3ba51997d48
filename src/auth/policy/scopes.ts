import { type DefaultProfile, defaultProfile } from '../profile/default'
import type { AliasOf, AnyProfile, ClaimsOf, TokenTypeOf } from '../profile/profile'
import type { DpopMode } from '../verify/bound'
import type { IssuerNameOf } from '../verify/issuers'

/** The scopes the library enforces itself under profile `P`. */
export type BuiltinScope<P = DefaultProfile> =
  | AliasOf<P>
  | `token:${TokenTypeOf<P>}`
  | `self:${string}`
  | `dpop:${DpopMode}`

/**
 * One scope string, checked for profile `P`: itself when good, else a message naming what is
 * wrong, so that the compiler reports `'self:org_id=orgg' is not assignable to "self:org_id=orgg:
 * 'orgg' is not a claim of the token profile"`: a `token:` type the profile lacks, a
 * `self:<param>=<claim>` naming a claim it lacks, `self:` without a parameter, a `dpop:` mode
 * that does not exist, anything else in the library's `ti:` namespace than the profile's own
 * spelling, an empty scope or one with a space, an `iss:` name that is not one of several
 * configured issuers. Every other scope is the route's requirement (or a checker's name).
 */
export type CheckScope<S extends string, P = DefaultProfile> =
  S extends AliasOf<P>
    ? S
    : S extends `token:${infer T}`
      ? T extends TokenTypeOf<P>
        ? S
        : `${S}: '${T}' is not a token type of the token profile`
      : S extends `self:${infer Param}=${infer Claim}`
        ? Param extends ''
          ? `${S}: self: needs a path parameter's name`
          : Claim extends keyof ClaimsOf<P> & string
            ? S
            : `${S}: '${Claim}' is not a claim of the token profile`
        : S extends `self:${infer Param}`
          ? Param extends ''
            ? `${S}: self: needs a path parameter's name`
            : S
          : S extends `dpop:${infer Mode}`
            ? Mode extends DpopMode
              ? S
              : `${S}: '${Mode}' is not a DPoP mode`
            : S extends `ti:${string}`
              ? `${S}: not a scope of this token profile (ti: is the library's namespace)`
              : S extends ''
                ? 'a scope is never empty'
                : S extends `${string} ${string}`
                  ? `${S}: a scope has no spaces`
                  : CheckIssuer<S, IssuerNameOf<P>>

/** `iss:<name>` with several issuers: a configured name; with one issuer, a scope like any other. */
type CheckIssuer<S extends string, Issuers> = [Issuers] extends [never]
  ? S
  : S extends `iss:${infer Name}`
    ? Name extends Issuers
      ? S
      : `${S}: '${Name}' is not one of the configured issuers`
    : S

/** A scope list with every entry checked by `CheckScope`. */
export type CheckScopes<S extends readonly string[], P = DefaultProfile> = {
  readonly [K in keyof S]: CheckScope<S[K], P>
}

/** Effective scopes: ancestors' first, then the route's own, duplicates dropped, order kept. */
export const mergeScopes = (...lists: readonly (readonly string[] | undefined)[]): string[] => [
  ...new Set(lists.flatMap((list) => list ?? [])),
]

/**
 * The token types a scope list allows: its `token:*` scopes, or the profile's default (task
 * instance: `execution` alone) when it has none. A type the profile lacks is an error, never
 * silently allowed.
 */
export const allowedTokenTypes = <P extends AnyProfile = DefaultProfile>(
  scopes: readonly string[],
  profile: P = defaultProfile() as unknown as P,
): TokenTypeOf<P>[] => {
  const declared = scopes.filter((s) => s.startsWith('token:')).map((s) => s.slice('token:'.length))
  const known: readonly string[] = profile.tokenTypes
  const invalid = declared.filter((t) => !known.includes(t))
  if (invalid.length) {
    throw new Error(`Invalid token types in scopes: ${invalid.map((t) => `token:${t}`).join(', ')}`)
  }
  return (declared.length ? declared : [...profile.defaultTokenTypes]) as TokenTypeOf<P>[]
}

/** An ownership scope, read: the path parameter, and the claim (default: the subject). */
export interface SelfScope {
  scope: string
  param: string
  claim: string | undefined
  /** The profile's own spelling (`ti:self`), which keeps its own refusal. */
  alias: boolean
}

/** Reads `self:<param>`, `self:<param>=<claim>` or a profile's alias; `undefined` for any other scope. */
export const selfScope = (scope: string, profile: AnyProfile): SelfScope | undefined => {
  if (Object.hasOwn(profile.aliases, scope)) {
    return { scope, param: profile.aliases[scope] as string, claim: undefined, alias: true }
  }
  if (!scope.startsWith('self:')) return undefined
  const [param = '', claim] = scope.slice('self:'.length).split('=', 2)
  if (!/^\w+$/.test(param) || claim === '') throw new Error(`Invalid ownership scope "${scope}"`)
  return { scope, param, claim, alias: false }
}
