import * as z from 'zod'
import * as c from './common.ts'

// task-sdk/src/airflow/sdk/api/datamodels/_generated.py at
// apache/airflow@5935b73014b2f261415d985f821a4a228f584b14, API_VERSION "2025-08-10" (Task SDK
// of Airflow 3.1): the models that differ from common.ts.

export const commit = '5935b73014b2f261415d985f821a4a228f584b14'
export const version = '2025-08-10'

export const DagRun = z.strictObject({
  dag_id: z.string(),
  run_id: z.string(),
  logical_date: c.optional(c.aware),
  data_interval_start: c.optional(c.aware),
  data_interval_end: c.optional(c.aware),
  run_after: c.aware,
  start_date: c.aware,
  end_date: c.optional(c.aware),
  clear_number: c.optional(z.int()),
  run_type: z.enum(['backfill', 'scheduled', 'manual', 'asset_triggered']),
  state: c.DagRunState,
  conf: c.optional(z.record(z.string(), z.unknown())),
  consumed_asset_events: z.array(c.AssetEventDagRunReference),
})

export const TIRunContext = z.object({
  dag_run: DagRun,
  task_reschedule_count: c.optional(z.int()),
  max_tries: z.int(),
  variables: c.optional(z.array(c.VariableResponse)),
  connections: c.optional(z.array(c.ConnectionResponse)),
  upstream_map_indexes: c.optional(
    z.record(z.string(), z.union([z.int(), z.array(z.int())]).nullable()),
  ),
  next_method: c.optional(z.string()),
  next_kwargs: c.optional(z.union([z.record(z.string(), z.unknown()), z.string()])),
  xcom_keys_to_clear: c.optional(z.array(z.string())),
  should_retry: c.optional(z.boolean()),
})

export const TriggerDAGRunPayload = z.strictObject({
  logical_date: c.optional(c.aware),
  conf: c.optional(z.record(z.string(), z.unknown())),
  reset_dag_run: c.optional(z.boolean()),
})

export const TIRetryStatePayload = z.strictObject({
  state: c.optional(z.literal('up_for_retry')),
  end_date: c.aware,
  rendered_map_index: c.optional(z.string()),
})

export const TIDeferredStatePayload = z.strictObject({
  state: c.optional(z.literal('deferred')),
  classpath: z.string(),
  trigger_kwargs: c.optional(z.union([z.record(z.string(), z.unknown()), z.string()])),
  trigger_timeout: c.optional(c.timedelta),
  next_method: z.string(),
  next_kwargs: c.optional(z.union([z.record(z.string(), z.unknown()), z.string()])),
  rendered_map_index: c.optional(z.string()),
})
