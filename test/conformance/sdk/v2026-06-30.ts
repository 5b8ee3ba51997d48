import * as z from 'zod'
import * as c from './common.ts'
import * as before from './v2026-04-06.ts'

// task-sdk/src/airflow/sdk/api/datamodels/_generated.py at
// apache/airflow@014c5f048a124587b9355a2a9ba33cf12684ef5e, API_VERSION "2026-06-30", written as
// what differs there from the 2026-04-06 transcription (every field read at that commit), plus
// `DagRun.partition_date` (below), the one field the bundle adds to this version after it.

export const commit = '014c5f048a124587b9355a2a9ba33cf12684ef5e'
export const version = '2026-06-30'

export const DagRun = before.DagRun.extend({
  run_type: z.enum([
    'backfill',
    'scheduled',
    'manual',
    'operator_triggered',
    'asset_triggered',
    'asset_materialization',
  ]),
  team_name: c.optional(z.string()),
  // Not yet at 014c5f048a12: AddPartitionDateField joined version 2026-06-30 later
  // (versions/v2026_06_30.py as `__init__.py` lists it at apache/airflow@00414da86b29), so the
  // 2026-06-30 SDK released from there reads it, as its generated models type such dates.
  partition_date: c.optional(c.aware),
})

export const TIRunContext = before.TIRunContext.extend({
  dag_run: DagRun,
  first_task_reschedule_start_date: c.optional(c.aware),
  start_date: c.optional(c.aware),
})

export const TIRetryStatePayload = before.TIRetryStatePayload.extend({
  retry_delay_seconds: c.optional(z.number()),
  retry_reason: c.optional(z.string()),
})

export const TriggerDAGRunPayload = before.TriggerDAGRunPayload.extend({
  run_after: c.optional(c.aware),
})

export const TIDeferredStatePayload = before.TIDeferredStatePayload

export const VariableKeysResponse = z.strictObject({
  keys: z.array(z.string()),
  total_entries: z.int(),
})
