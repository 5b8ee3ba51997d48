import * as z from 'zod'
import { jsonObject, queryBool, queryInt, queryList, utc, utcInput } from './common'

// Assets and asset events as a task reads them, after execution_api/datamodels/asset.py and
// asset_event.py, routes/assets.py (apache/airflow@48ac8bcd93fd) and routes/asset_events.py
// (@227f76f09bf4), with the filters the newest Task SDK sends (client.py at @00414da86b29:
// `partition_key`, `partition_key_regexp_pattern`, `extra` as repeated `key=value`).

export const byNameQuery = z.object({ name: z.string() })
export const byUriQuery = z.object({ uri: z.string() })
export const byAliasQuery = z.object({ alias_name: z.string() })

/** `AssetResponse`. */
export const assetAnswer = z
  .object({ name: z.string(), uri: z.string(), group: z.string(), extra: jsonObject.nullable() })
  .meta({ title: 'AssetResponse' })

const compiles = (pattern: string) => {
  try {
    new RegExp(pattern)
    return true
  } catch {
    return false
  }
}

const eventFilters = {
  after: utcInput.optional(),
  before: utcInput.optional(),
  ascending: queryBool.default(true),
  limit: queryInt.optional(),
  partition_key: z.string().optional(),
  partition_key_regexp_pattern: z
    .string()
    .refine(compiles, 'Invalid regular expression')
    .optional(),
  extra: queryList(z.string().regex(/=/, 'must be key=value')).optional(),
}

export const eventsByAssetQuery = z.object({
  name: z.string().optional(),
  uri: z.string().optional(),
  ...eventFilters,
})
export const eventsByAliasQuery = z.object({ name: z.string(), ...eventFilters })

export type EventFilters = z.output<z.ZodObject<typeof eventFilters>>

/** `DagRunAssetReference`: a run an event created. */
const createdRun = z.object({
  run_id: z.string(),
  dag_id: z.string(),
  logical_date: utc.nullable(),
  start_date: utc,
  end_date: utc.nullable(),
  state: z.string(),
  data_interval_start: utc.nullable(),
  data_interval_end: utc.nullable(),
  partition_key: z.string().nullable(),
})

/** `AssetEventResponse`. */
export const assetEvent = z
  .object({
    id: z.int(),
    timestamp: utc,
    extra: jsonObject.nullable(),
    asset: assetAnswer,
    created_dagruns: z.array(createdRun),
    source_task_id: z.string().nullable(),
    source_dag_id: z.string().nullable(),
    source_run_id: z.string().nullable(),
    source_map_index: z.int().nullable(),
    partition_key: z.string().nullable(),
  })
  .meta({ title: 'AssetEventResponse' })

/** `AssetEventsResponse`. */
export const assetEvents = z
  .object({ asset_events: z.array(assetEvent) })
  .meta({ title: 'AssetEventsResponse' })
