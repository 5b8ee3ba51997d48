import type { Context } from 'hono'
import type * as z from 'zod'
import { validationFailed } from '../../index'

/**
 * Reads a JSON body that may be absent (FastAPI's body parameter whose every field has a
 * default): no body at all parses as `{}`; a body is validated as the table would (422 with
 * FastAPI's `detail`). Answers the value, or the 422 response to return.
 */
export const optionalJson = async <S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<{ value: z.output<S> } | { refused: Response }> => {
  const text = await c.req.text()
  let body: unknown = {}
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text)
    } catch {
      const detail = [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }]
      return { refused: c.json({ detail }, 422) }
    }
  }
  const parsed = schema.safeParse(body)
  if (parsed.success) return { value: parsed.data }
  const refused = validationFailed({ success: false, error: parsed.error, target: 'json' }, c)
  return { refused: refused as Response }
}
