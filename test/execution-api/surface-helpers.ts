import { env } from 'cloudflare:workers'
import { expect } from 'vitest'
import { call, queue, type setup, tokenFor } from './helpers'

// Shared by the tests of the routes beyond the contract's first slice: the policy every route must
// keep (no workload token; `ti:self` routes only for their own task instance), and raw D1 access.

type Ctx = ReturnType<typeof setup>

/** Runs one SQL statement against the test database. */
export const sql = (text: string, ...values: unknown[]) =>
  env.DB.prepare(text)
    .bind(...values)
    .run()

/** Reads one row. */
export const row = (text: string, ...values: unknown[]) =>
  env.DB.prepare(text)
    .bind(...values)
    .first<Record<string, unknown>>()

/** Reads every row. */
export const rows = async (text: string, ...values: unknown[]) =>
  (
    await env.DB.prepare(text)
      .bind(...values)
      .all<Record<string, unknown>>()
  ).results

/**
 * A workload token is refused (403, the route allows execution tokens only); with `tiSelf`, an
 * execution token of another task instance is refused too. `path(id)` builds the path for the
 * task instance whose token is used.
 */
export const expectPolicy = async (
  ctx: Ctx,
  method: string,
  path: (id: string) => string,
  options: { body?: unknown; tiSelf?: boolean } = {},
) => {
  const id = await queue()
  const workload = await tokenFor(ctx.issuer, id, { scope: 'workload' })
  const refused = await ctx.request(path(id), call(workload, method, options.body))
  expect(refused.status).toBe(403)
  expect(await refused.json()).toEqual({
    detail: "Token type 'workload' not allowed for this endpoint. Allowed types: execution",
  })
  if (!options.tiSelf) return
  const other = await tokenFor(ctx.issuer, await queue())
  const mismatch = await ctx.request(path(id), call(other, method, options.body))
  expect(mismatch.status).toBe(403)
  expect(await mismatch.json()).toEqual({ detail: 'Token subject does not match task instance ID' })
}
