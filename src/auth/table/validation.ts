import { zValidator } from '@hono/zod-validator'
import type { Context, MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { z } from 'zod'
import type { Validators } from './route'

/** One validation problem, in the shape FastAPI clients already read. */
export interface ValidationIssue {
  loc: (string | number)[]
  msg: string
  type: string
}

// Where FastAPI says a problem is: `loc` starts with the request part, named as FastAPI names it.
const fastApiLoc: Readonly<Record<string, string>> = { json: 'body', form: 'body', param: 'path' }
const locOf = (target: string) => fastApiLoc[target] ?? target

/**
 * The `zValidator` hook of every table route: a failed parse answers 422 with the issues in
 * `detail`, never 500 and never the raw zod error.
 */
export const validationFailed = (
  result: { success: true } | { success: false; error: z.core.$ZodError; target: string },
  c: Context,
): Response | undefined => {
  if (result.success) return
  const detail: ValidationIssue[] = result.error.issues.map((issue) => ({
    loc: [locOf(result.target), ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    msg: issue.message,
    type: issue.code,
  }))
  return c.json({ detail }, 422)
}

// What a validator that threw (rather than reporting issues) says about the request part: a stack
// overflow is the input's doing (JSON nested deeper than a recursive schema can walk).
const unvalidated = (target: string, error: unknown): ValidationIssue => ({
  loc: [locOf(target)],
  msg:
    error instanceof RangeError
      ? 'Could not be validated: too deeply nested or too large'
      : 'Could not be validated',
  type: 'value_error',
})

/**
 * Validates one request part. A body that is not JSON at all is a validation failure too (422,
 * `json_invalid`), as for any other bad body, rather than Hono's plain-text 400; so is a part the
 * schema throws on instead of reporting issues (a `RangeError` from JSON nested 100,000 deep
 * under `z.json()`): 422 `value_error`, never a 500.
 */
export const validate = (target: keyof Validators, schema: z.ZodType): MiddlewareHandler => {
  const check = zValidator(target, schema, validationFailed) as MiddlewareHandler
  return async function validateRequest(c, next) {
    // Errors from further in (the handler) are not the validator's: they pass through untouched.
    let passed = false
    const proceed = () => {
      passed = true
      return next()
    }
    try {
      return await check(c, proceed)
    } catch (error) {
      if (passed) throw error
      if (error instanceof HTTPException && error.status === 400) {
        const detail: ValidationIssue[] = [
          { loc: [locOf(target)], msg: error.message, type: 'json_invalid' },
        ]
        return c.json({ detail }, 422)
      }
      if (error instanceof HTTPException) throw error
      return c.json({ detail: [unvalidated(target, error)] }, 422)
    }
  }
}
