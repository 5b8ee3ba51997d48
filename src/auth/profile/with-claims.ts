import type { AliasOf, AnyProfile, ClaimsOf, TokenProfile, TokenTypeOf } from './profile'
import { applyClaimsSchema, type SchemaOutput, type StandardSchemaV1 } from './standard-schema'

/** A profile whose claims also pass a schema, and are typed by it. */
export type WithClaims<P extends AnyProfile, S extends StandardSchemaV1> = TokenProfile<
  ClaimsOf<P> & SchemaOutput<S>,
  TokenTypeOf<P>,
  AliasOf<P>,
  P['variable']
>

/**
 * A profile whose claims are also checked, and typed, by a Standard Schema (zod, valibot, …): the
 * profile's own check first, then the schema, synchronously; the schema's output is written over
 * the claims. Everything else (types, scopes, subject, defaults) is the profile's.
 *
 * @example
 * const profile = withClaims(taskInstanceProfile, z.object({ team: z.string() }))
 * const auth = jwtAuth({ privateJwk, algorithms: ['EdDSA'], profile })
 */
export const withClaims = <P extends AnyProfile, S extends StandardSchemaV1>(
  profile: P,
  schema: S,
): WithClaims<P, S> => {
  if (typeof schema?.['~standard']?.validate !== 'function') {
    throw new TypeError('"schema" must be a Standard Schema (zod, valibot, …)')
  }
  const check = (payload: Record<string, unknown>): string | undefined => {
    const problem = profile.check(payload)
    if (problem !== undefined) return problem
    const failed = applyClaimsSchema(schema, payload)
    if (!failed) return undefined
    return failed.claim
      ? `The token's "${failed.claim}" claim is missing or invalid`
      : 'The token claims are invalid'
  }
  return { ...profile, check } as WithClaims<P, S>
}
