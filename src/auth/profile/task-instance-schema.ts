import * as z from 'zod'
import { type TIToken, tokenTypes } from './task-instance'

const numericDate: z.ZodNumber = z.number().refine(Number.isFinite, 'must be a finite NumericDate')

/**
 * The claims of a task instance token as a zod schema, for users who validate or document them
 * (the verifier itself checks them with plain code, `taskInstanceClaims`, and the two agree).
 * Unknown claims are kept; `scope` defaults to `execution`, and any value other than the two token
 * types makes the token invalid. In a module of its own so that zod is bundled only when used.
 */
export const tiClaimsSchema: z.ZodType<TIToken> = z.looseObject({
  sub: z.uuid(),
  scope: z.enum(tokenTypes).default('execution'),
  aud: z.union([z.string(), z.array(z.string()).min(1)]),
  iss: z.string().optional(),
  exp: numericDate,
  iat: numericDate,
  nbf: numericDate,
  jti: z.string().optional(),
})
