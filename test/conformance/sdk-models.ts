import * as z from 'zod'

// The Task SDK's models of what it sends and reads, transcribed to zod from
// task-sdk/src/airflow/sdk/api/datamodels/_generated.py at apache/airflow@014c5f048a124587b9355a2a9ba33cf12684ef5e
// (API_VERSION "2026-06-30"). Pydantic's rules carried over: `extra="forbid"` is a strict object,
// any other model ignores unknown fields; `AwareDatetime` needs an offset; a field with a default
// may be left out; `X | None` takes null. The replay validates every answer with these, as
// client.py does with `model_validate_json`, so a field the SDK cannot read fails the suite.

/** The commit the models were read at. */
export const sdkCommit = '014c5f048a124587b9355a2a9ba33cf12684ef5e'
/** `API_VERSION` of that `_generated.py`: what the SDK sends in `Airflow-API-Version`. */
export const sdkApiVersion = '2026-06-30'

const aware = z.iso.datetime({ offset: true })
const jsonValue = z.json()
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional()

export const AssetAliasReferenceAssetEventDagRun = z.strictObject({ name: z.string() })

export const AssetReferenceAssetEventDagRun = z.strictObject({
  name: z.string(),
  uri: z.string(),
  extra: z.record(z.string(), jsonValue),
})

export const AssetEventDagRunReference = z.strictObject({
  asset: AssetReferenceAssetEventDagRun,
  extra: z.record(z.string(), jsonValue),
  source_task_id: optional(z.string()),
  source_dag_id: optional(z.string()),
  source_run_id: optional(z.string()),
  source_map_index: optional(z.int()),
  source_aliases: z.array(AssetAliasReferenceAssetEventDagRun),
  timestamp: aware,
})

export const DagRunType = z.enum([
  'backfill',
  'scheduled',
  'manual',
  'operator_triggered',
  'asset_triggered',
  'asset_materialization',
])
export const DagRunState = z.enum(['queued', 'running', 'success', 'failed'])

export const DagRun = z.strictObject({
  dag_id: z.string(),
  run_id: z.string(),
  logical_date: optional(aware),
  data_interval_start: optional(aware),
  data_interval_end: optional(aware),
  run_after: aware,
  start_date: optional(aware),
  end_date: optional(aware),
  clear_number: optional(z.int()),
  run_type: DagRunType,
  state: DagRunState,
  conf: optional(z.record(z.string(), z.unknown())),
  triggering_user_name: optional(z.string()),
  consumed_asset_events: z.array(AssetEventDagRunReference),
  partition_key: optional(z.string()),
  note: optional(z.string()),
  team_name: optional(z.string()),
})

export const VariableResponse = z.strictObject({ key: z.string(), value: optional(z.string()) })

export const ConnectionResponse = z.object({
  conn_id: z.string(),
  conn_type: z.string(),
  host: optional(z.string()),
  schema: optional(z.string()),
  login: optional(z.string()),
  password: optional(z.string()),
  port: optional(z.int()),
  extra: optional(z.string()),
})

export const TIRunContext = z.object({
  dag_run: DagRun,
  task_reschedule_count: optional(z.int()),
  first_task_reschedule_start_date: optional(aware),
  max_tries: z.int(),
  variables: optional(z.array(VariableResponse)),
  connections: optional(z.array(ConnectionResponse)),
  next_method: optional(z.string()),
  next_kwargs: optional(z.union([z.record(z.string(), z.unknown()), z.string()])),
  xcom_keys_to_clear: optional(z.array(z.string())),
  should_retry: optional(z.boolean()),
  start_date: optional(aware),
})

export const ValidationError = z.object({
  loc: z.array(z.union([z.string(), z.int()])),
  msg: z.string(),
  type: z.string(),
  input: z.unknown().optional(),
  ctx: optional(z.record(z.string(), z.unknown())),
})

/** client.py's `_ErrorBody`: how it reads every 4xx/5xx answer that says `application/json`. */
export const ErrorBody = z.object({
  detail: z.union([z.array(ValidationError), z.record(z.string(), z.unknown()), z.string()]),
})

// What the SDK sends (its request models), to check the replay sends nothing else.

export const TIEnterRunningPayload = z.strictObject({
  state: optional(z.literal('running')),
  hostname: z.string(),
  unixname: z.string(),
  pid: z.int(),
  start_date: aware,
})

export const TIHeartbeatInfo = z.strictObject({ hostname: z.string(), pid: z.int() })

export const AssetProfile = z.strictObject({
  name: optional(z.string()),
  uri: optional(z.string()),
  type: z.string(),
})

export const TISuccessStatePayload = z.strictObject({
  state: optional(z.literal('success')),
  end_date: aware,
  task_outlets: optional(z.array(AssetProfile)),
  outlet_events: optional(z.array(z.record(z.string(), z.unknown()))),
  rendered_map_index: optional(z.string()),
})

export const TIRetryStatePayload = z.strictObject({
  state: optional(z.literal('up_for_retry')),
  end_date: aware,
  rendered_map_index: optional(z.string()),
  retry_delay_seconds: optional(z.number()),
  retry_reason: optional(z.string()),
})

export const TIDeferredStatePayload = z.strictObject({
  state: optional(z.literal('deferred')),
  classpath: z.string(),
  trigger_kwargs: optional(z.union([z.record(z.string(), jsonValue), z.string()])),
  // pydantic writes a timedelta as an ISO 8601 duration.
  trigger_timeout: optional(z.string().regex(/^P/)),
  queue: optional(z.string()),
  next_method: z.string(),
  next_kwargs: optional(z.record(z.string(), jsonValue)),
  rendered_map_index: optional(z.string()),
})
