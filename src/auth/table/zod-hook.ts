import type { Context } from 'hono'
import type { z } from 'zod'
import { validationIssues } from './validation'

/**
 * A `zValidator` hook (`@hono/zod-validator`) that answers a failed parse as the route table
 * does: 422 with the issues in `detail`, as FastAPI writes them, never the raw zod error. For
 * routes validated outside a table; the table validates by itself (`validate`), with any Standard
 * Schema. Types only: this module loads neither zod nor the validator.
 *
 * @example
 * app.post('/items', zValidator('json', schema, validationFailed), (c) => c.json(c.req.valid('json')))
 */
export const validationFailed = (
  result: { success: true } | { success: false; error: z.core.$ZodError; target: string },
  c: Context,
): Response | undefined => {
  if (result.success) return
  return c.json({ detail: validationIssues(result.target, result.error.issues) }, 422)
}
