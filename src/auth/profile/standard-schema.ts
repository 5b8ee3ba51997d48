// The Standard Schema interface (https://standardschema.dev), copied as its authors intend: any
// validator that implements it (zod ≥ 3.24, valibot, arktype) types and checks claims, and the
// library imports none of them.

/** A schema implementing Standard Schema v1. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
    readonly types?: { readonly input: Input; readonly output: Output } | undefined
  }
}

/** What `validate` gives: the value, or the issues. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] }

/** One problem found by a schema. */
export interface StandardIssue {
  readonly message: string
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined
}

/** The output type of a Standard Schema. */
export type SchemaOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : never

/**
 * Runs a claims schema on a verified payload, synchronously: the schema's output members are
 * written over the payload (which the verifier parsed for this token alone), so registered claims
 * a schema does not mention are kept. Gives the first claim at fault when the schema refuses.
 */
export const applyClaimsSchema = (
  schema: StandardSchemaV1,
  payload: Record<string, unknown>,
): { claim: string | undefined } | undefined => {
  const result = schema['~standard'].validate(payload)
  if (result instanceof Promise) {
    throw new TypeError('the claims schema must validate synchronously (no async refinements)')
  }
  if (result.issues) {
    const first = result.issues[0]?.path?.[0]
    const key = typeof first === 'object' ? first.key : first
    return { claim: typeof key === 'string' ? key : undefined }
  }
  const { value } = result
  if (value && typeof value === 'object') Object.assign(payload, value)
  return undefined
}
