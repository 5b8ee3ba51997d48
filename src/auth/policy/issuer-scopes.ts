/**
 * The issuers a scope list accepts, with several issuers configured: its `iss:<name>` scopes, or
 * every issuer when it has none. Like `token:<type>`, they are alternatives, not requirements: a
 * group's `iss:corp` and a route's `iss:partners` accept tokens from either. A name that is not a
 * configured issuer is an error, never silently allowed.
 *
 * @example
 * allowedIssuers(['iss:corp', 'tasks:read'], ['corp', 'partners']) // ['corp']
 */
export const allowedIssuers = (
  scopes: readonly string[],
  configured: readonly string[],
): string[] => {
  const named = scopes.filter(isIssuerScope).map((s) => s.slice('iss:'.length))
  const unknown = named.filter((name) => !configured.includes(name))
  if (unknown.length) {
    throw new Error(
      `Unknown issuers in scopes: ${unknown.map((n) => `iss:${n}`).join(', ')} (configured: ${configured.join(', ')})`,
    )
  }
  return named
}

/** Whether a scope names an issuer (`iss:<name>`). */
export const isIssuerScope = (scope: string): boolean => scope.startsWith('iss:')
