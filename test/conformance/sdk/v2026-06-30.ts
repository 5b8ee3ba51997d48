import * as z from 'zod'
import * as c from './common.ts'

// task-sdk/src/airflow/sdk/api/datamodels/_generated.py at
// apache/airflow@014c5f048a124587b9355a2a9ba33cf12684ef5e, API_VERSION "2026-06-30": the models
// that differ from common.ts.

export const commit = '014c5f048a124587b9355a2a9ba33cf12684ef5e'
export const version = '2026-06-30'

export const DagRun = z.strictObject({
  dag_id: z.string(),
  run_id: z.string(),
  logical_date: c.optional(c.aware),
  data_interval_start: c.optional(c.aware),
  data_interval_end: c.optional(c.aware),
  run_after: c.aware,
  start_date: c.optional(c.aware),
  end_date: c.optional(c.aware),
  clear_number: c.optional(z.int()),
  run_type: z.enum([
    'backfill',
    'scheduled',
    'manual',
    'operator_triggered',
    'asset_triggered',
    'asset_materialization',
  ]),
  state: c.DagRunState,
  conf: c.optional(z.record(z.string(), z.unknown())),
  triggering_user_name: c.optional(z.string()),
  consumed_asset_events: z.array(c.AssetEventDagRunReference),
  partition_key: c.optional(z.string()),
  note: c.optional(z.string()),
  team_name: c.optional(z.string()),
})

export const TIRunContext = z.object({
  dag_run: DagRun,
  task_reschedule_count: c.optional(z.int()),
  first_task_reschedule_start_date: c.optional(c.aware),
  max_tries: z.int(),
  variables: c.optional(z.array(c.VariableResponse)),
  connections: c.optional(z.array(c.ConnectionResponse)),
  next_method: c.optional(z.string()),
  next_kwargs: c.optional(z.union([z.record(z.string(), z.unknown()), z.string()])),
  xcom_keys_to_clear: c.optional(z.array(z.string())),
  should_retry: c.optional(z.boolean()),
  start_date: c.optional(c.aware),
})

export const TIRetryStatePayload = z.strictObject({
  state: c.optional(z.literal('up_for_retry')),
  end_date: c.aware,
  rendered_map_index: c.optional(z.string()),
  retry_delay_seconds: c.optional(z.number()),
  retry_reason: c.optional(z.string()),
})

export const TIDeferredStatePayload = z.strictObject({
  state: c.optional(z.literal('deferred')),
  classpath: z.string(),
  trigger_kwargs: c.optional(z.union([c.jsonObject, z.string()])),
  trigger_timeout: c.optional(c.timedelta),
  queue: c.optional(z.string()),
  next_method: z.string(),
  next_kwargs: c.optional(c.jsonObject),
  rendered_map_index: c.optional(z.string()),
})

export const VariableKeysResponse = z.strictObject({
  keys: z.array(z.string()),
  total_entries: z.int(),
})
