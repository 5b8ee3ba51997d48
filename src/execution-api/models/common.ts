import * as z from 'zod'

// Shapes shared by the routes beyond the contract's first slice: how FastAPI reads query strings
// (a repeated parameter is a list, `true`/`false` are booleans) and how Pydantic writes dates.

/**
 * A timestamp as this Worker stores it: UTC ISO 8601 with milliseconds (`…T00:00:00.000Z`), one
 * spelling per instant, because D1 compares and sorts dates as text. Throws on a non-date.
 */
export const utcText = (value: string) => {
  const time = Date.parse(value)
  if (Number.isNaN(time)) throw new TypeError(`Not a timestamp: '${value}'`)
  return new Date(time).toISOString()
}

/** A timestamp with an offset or `Z`, normalised to UTC ISO 8601 (FastAPI's `UtcDateTime`). */
export const utcInput = z.iso.datetime({ offset: true }).transform(utcText)

/** An answer's timestamp: UTC ISO 8601, as stored. */
export const utc = z.iso.datetime({ offset: true })

/** Names of dags, runs, tasks and keys, as the contract's first routes take them. */
export const name = z.string().min(1).max(250)

/** A JSON object (Pydantic's `dict[str, Any]`). */
export const jsonObject = z.record(z.string(), z.json())

/** A query integer (FastAPI's `int`): digits with an optional sign. */
export const queryInt = z
  .string()
  .regex(/^[+-]?\d+$/, 'Input should be a valid integer')
  .transform(Number)
  .pipe(z.int())

// Pydantic's lax booleans, as FastAPI reads them from a query string.
const truthy = ['true', '1', 'yes', 'on', 't', 'y']
const falsy = ['false', '0', 'no', 'off', 'f', 'n']

/** A query boolean (FastAPI's `bool`). */
export const queryBool = z
  .string()
  .refine((v) => [...truthy, ...falsy].includes(v.toLowerCase()), {
    message: 'Input should be a valid boolean, unable to interpret input',
  })
  .transform((v) => truthy.includes(v.toLowerCase()))

/**
 * A list query parameter (FastAPI's `list[X] = Query()`): `?a=1&a=2`. Hono's validator hands a
 * parameter given once as a string and one given several times as an array.
 */
export const queryList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(item))

/** A 404 whose `detail` is the reason and message, as most of Airflow's routes write it. */
export const notFound = z.object({
  detail: z.object({ reason: z.literal('not_found'), message: z.string() }),
})

/** FastAPI's own 404 (`HTTPException(404)` with no detail, or a plain string detail). */
export const plainDetail = z.object({ detail: z.string() })

/** Python's `repr` of a string, as Airflow's messages quote names (`key='rows'`). */
export const pyRepr = (s: string) =>
  s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/[\\']/g, '\\$&')}'`
