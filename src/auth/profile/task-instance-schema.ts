import * as z from 'zod'
import type { TIToken } from './task-instance'
import { tokenTypes } from './task-instance'

let schema: z.ZodType<TIToken> | undefined

/**
 * The claims of a task instance token as a zod schema, for code that validates claims outside the
 * verifier (the verifier itself checks them in plain code, see `taskInstanceProfile`). Unknown
 * claims are kept; `scope` defaults to `execution`. Built on the first call, not at import: a
 * Worker that imports the Airflow profile without it pays nothing for zod at start-up.
 *
 * @example
 * const claims = tiClaimsSchema().parse(decodeJwt(token))
 */
export const tiClaimsSchema = (): z.ZodType<TIToken> => {
  if (schema) return schema
  const numericDate = z.number().refine(Number.isFinite, 'must be a finite NumericDate')
  schema = z.looseObject({
    sub: z.uuid(),
    scope: z.enum(tokenTypes).default('execution'),
    aud: z.union([z.string(), z.array(z.string()).min(1)]),
    iss: z.string().optional(),
    exp: numericDate,
    iat: numericDate,
    nbf: numericDate.optional(),
    jti: z.string().optional(),
  })
  return schema
}
