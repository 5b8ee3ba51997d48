import * as z from 'zod'
import type { TIToken } from './task-instance'
import { tokenTypes } from './task-instance'

const numericDate: z.ZodNumber = z.number().refine(Number.isFinite, 'must be a finite NumericDate')

/**
 * The claims of a task instance token as a zod schema, for code that validates claims outside the
 * verifier (the verifier itself checks them in plain code, see `taskInstanceProfile`). Unknown
 * claims are kept; `scope` defaults to `execution`.
 */
export const tiClaimsSchema: z.ZodType<TIToken> = z.looseObject({
  sub: z.uuid(),
  scope: z.enum(tokenTypes).default('execution'),
  aud: z.union([z.string(), z.array(z.string()).min(1)]),
  iss: z.string().optional(),
  exp: numericDate,
  iat: numericDate,
  nbf: numericDate.optional(),
  jti: z.string().optional(),
})
