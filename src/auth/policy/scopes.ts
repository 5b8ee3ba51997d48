import { type TokenType, tokenTypes } from '../profile/task-instance'

/** The scopes the library enforces itself. */
export type BuiltinScope = 'ti:self' | `token:${TokenType}`

/** A scope with a checker registered on the table: `name:value`, outside the `ti:` and `token:` namespaces. */
export type CustomScope = `${string}:${string}`

/** One scope string, checked: a misspelt built-in scope becomes `never`, a compile error. */
export type CheckScope<S extends string> = S extends BuiltinScope
  ? S
  : S extends `token:${string}` | `ti:${string}`
    ? never
    : S extends CustomScope
      ? S
      : never

/** A scope list with every entry checked by `CheckScope`. */
export type CheckScopes<S extends readonly string[]> = { readonly [K in keyof S]: CheckScope<S[K]> }

/** Effective scopes: ancestors' first, then the route's own, duplicates dropped, order kept. */
export const mergeScopes = (...lists: readonly (readonly string[] | undefined)[]): string[] => [
  ...new Set(lists.flatMap((list) => list ?? [])),
]

/**
 * The token types a scope list allows: its `token:*` scopes, or `execution` alone when it has none.
 * An unknown type is an error, never silently allowed.
 */
export const allowedTokenTypes = (scopes: readonly string[]): TokenType[] => {
  const declared = scopes.filter((s) => s.startsWith('token:')).map((s) => s.slice('token:'.length))
  const invalid = declared.filter((t) => !(tokenTypes as readonly string[]).includes(t))
  if (invalid.length) {
    throw new Error(`Invalid token types in scopes: ${invalid.map((t) => `token:${t}`).join(', ')}`)
  }
  return declared.length ? (declared as TokenType[]) : ['execution']
}
