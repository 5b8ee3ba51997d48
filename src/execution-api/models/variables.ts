import * as z from 'zod'
import { queryInt } from './common'

// `GET /variables/keys` (routes/variables.py at apache/airflow, the revision that adds
// `get_variable_keys`; 2026-06-30 `AddVariableKeysEndpoint`).

/** `GET /variables/keys`: a prefix, and a page (1 ≤ limit ≤ 10,000). */
export const variableKeysQuery = z.object({
  prefix: z.string().optional(),
  limit: queryInt.pipe(z.int().min(1).max(10_000)).default(1000),
  offset: queryInt.pipe(z.int().min(0)).default(0),
})

/** `VariableKeysResponse`. */
export const variableKeysAnswer = z
  .object({ keys: z.array(z.string()), total_entries: z.int() })
  .meta({ title: 'VariableKeysResponse' })
