import * as z from 'zod'
import * as c from './common.ts'
import * as before from './v2025-08-10.ts'

// task-sdk/src/airflow/sdk/api/datamodels/_generated.py at
// apache/airflow@418ea6bb42597b5da06608c2303d17c16257bdbf, API_VERSION "2026-04-06", written as
// what differs there from the 2025-08-10 transcription (every field read at that commit).

export const commit = '418ea6bb42597b5da06608c2303d17c16257bdbf'
export const version = '2026-04-06'

export const DagRun = before.DagRun.extend({
  start_date: c.optional(c.aware),
  run_type: z.enum(['backfill', 'scheduled', 'manual', 'asset_triggered', 'asset_materialization']),
  triggering_user_name: c.optional(z.string()),
  partition_key: c.optional(z.string()),
  note: c.optional(z.string()),
})

export const TIRunContext = before.TIRunContext.omit({ upstream_map_indexes: true }).extend({
  dag_run: DagRun,
})

export const TriggerDAGRunPayload = before.TriggerDAGRunPayload.extend({
  partition_key: c.optional(z.string()),
  note: c.optional(z.string()),
})

export const TIRetryStatePayload = before.TIRetryStatePayload

export const TIDeferredStatePayload = before.TIDeferredStatePayload.extend({
  trigger_kwargs: c.optional(z.union([c.jsonObject, z.string()])),
  queue: c.optional(z.string()),
  next_kwargs: c.optional(c.jsonObject),
})
