import type { Context, MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { validator } from 'hono/validator'
import type { StandardIssue, StandardSchemaV1 } from '../profile/standard-schema'
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

const segment = (p: PropertyKey | { readonly key: PropertyKey }) => {
  const key = typeof p === 'object' ? p.key : p
  return typeof key === 'symbol' ? String(key) : key
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
 * Standard Schema issues as FastAPI's `detail` list. `type` is the schema's own issue code where
 * it gives one (zod: `invalid_type`, `too_small`, …), else `value_error`.
 */
export const validationIssues = (
  target: string,
  issues: readonly (StandardIssue & { code?: unknown })[],
): ValidationIssue[] =>
  issues.map((issue) => ({
    loc: [locOf(target), ...(issue.path ?? []).map(segment)],
    msg: issue.message,
    type: typeof issue.code === 'string' ? issue.code : 'value_error',
  }))

// Hono hands header validators lower-cased names; a zod object schema may spell them otherwise
// (`Airflow-API-Version`), so its keys are matched without regard to case, as zValidator does.
const headerKeys = (schema: StandardSchemaV1) => {
  const shape = (schema as { shape?: unknown }).shape
  if (!shape || typeof shape !== 'object') return undefined
  return new Map(Object.keys(shape).map((key) => [key.toLowerCase(), key]))
}

/**
 * Validates one request part with a Standard Schema (zod, valibot, …): a failure answers 422 with
 * the issues in `detail`, as FastAPI writes them, never 500 and never the raw schema error. A body
 * that is not JSON at all is a validation failure too (422, `json_invalid`), as for any other bad
 * body, rather than Hono's plain-text 400; so is a part the schema throws on instead of reporting
 * issues (a `RangeError` from JSON nested 100,000 deep under `z.json()`): 422 `value_error`.
 *
 * @example
 * app.post('/items', validate('json', z.object({ name: z.string() })), (c) => c.json(c.req.valid('json')))
 */
export const validate = (target: keyof Validators, schema: StandardSchemaV1): MiddlewareHandler => {
  const keys = target === 'header' ? headerKeys(schema) : undefined
  const check = validator(target, async (value, c: Context) => {
    const input = keys
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [keys.get(k) ?? k, v]))
      : value
    const result = await schema['~standard'].validate(input)
    if (result.issues) return c.json({ detail: validationIssues(target, result.issues) }, 422)
    return result.value
  }) as MiddlewareHandler
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
