import * as z from 'zod'

// What every transcription of the Task SDK's `_generated.py` shares: pydantic's rules carried to
// zod (`extra="forbid"` is a strict object, any other model ignores unknown fields;
// `AwareDatetime` needs an offset; a field with a default may be left out; `X | None` takes
// null), and the models that read the same at every commit transcribed here (checked at
// 5935b73014b2 (2025-08-10), 418ea6bb4259 (2026-04-06) and 014c5f048a12 (2026-06-30)).

export const aware = z.iso.datetime({ offset: true })
export const jsonValue = z.json()
export const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional()
export const jsonObject = z.record(z.string(), jsonValue)

export const AssetAliasReferenceAssetEventDagRun = z.strictObject({ name: z.string() })

export const AssetReferenceAssetEventDagRun = z.strictObject({
  name: z.string(),
  uri: z.string(),
  extra: jsonObject,
})

export const AssetEventDagRunReference = z.strictObject({
  asset: AssetReferenceAssetEventDagRun,
  extra: jsonObject,
  source_task_id: optional(z.string()),
  source_dag_id: optional(z.string()),
  source_run_id: optional(z.string()),
  source_map_index: optional(z.int()),
  source_aliases: z.array(AssetAliasReferenceAssetEventDagRun),
  timestamp: aware,
})

export const VariableResponse = z.strictObject({ key: z.string(), value: optional(z.string()) })

export const VariablePostBody = z.strictObject({
  val: optional(z.string()),
  description: optional(z.string()),
})

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

export const XComResponse = z.object({ key: z.string(), value: jsonValue })
export const XComSequenceIndexResponse = jsonValue
export const XComSequenceSliceResponse = z.array(jsonValue)

export const PrevSuccessfulDagRunResponse = z.object({
  data_interval_start: optional(aware),
  data_interval_end: optional(aware),
  start_date: optional(aware),
  end_date: optional(aware),
})

export const AssetProfile = z.strictObject({
  name: optional(z.string()),
  uri: optional(z.string()),
  type: z.string(),
})

export const InactiveAssetsResponse = z.object({ inactive_assets: optional(z.array(AssetProfile)) })

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

export const TISuccessStatePayload = z.strictObject({
  state: optional(z.literal('success')),
  end_date: aware,
  task_outlets: optional(z.array(AssetProfile)),
  outlet_events: optional(z.array(z.record(z.string(), z.unknown()))),
  rendered_map_index: optional(z.string()),
})

export const TIRescheduleStatePayload = z.strictObject({
  state: optional(z.literal('up_for_reschedule')),
  reschedule_date: aware,
  end_date: aware,
})

export const TISkippedDownstreamTasksStatePayload = z.strictObject({
  tasks: z.array(z.union([z.string(), z.tuple([z.string(), z.int()])])),
})

/** pydantic writes a timedelta as an ISO 8601 duration. */
export const timedelta = z.string().regex(/^P/)

export const DagRunState = z.enum(['queued', 'running', 'success', 'failed'])

export const DagRunStateResponse = z.object({ state: DagRunState })

/** `AssetEventsResponse`, read here only as a list (the replay's runs consume no events). */
export const AssetEventsResponse = z.object({ asset_events: z.array(z.unknown()) })

export const TaskStatesResponse = z.object({ task_states: z.record(z.string(), z.unknown()) })

/** `DagResponse` (read at 418ea6bb4259 and 014c5f048a12), from 2026-04-06 on. */
export const DagResponse = z.object({
  dag_id: z.string(),
  is_paused: z.boolean(),
  bundle_name: optional(z.string()),
  bundle_version: optional(z.string()),
  relative_fileloc: optional(z.string()),
  owners: optional(z.string()),
  tags: z.array(z.string()),
  next_dagrun: optional(aware),
})

// Human-in-the-loop, as read at 418ea6bb4259 (2026-04-06) and used from that version on.
export const HITLUser = z.object({ id: z.string(), name: z.string() })

export const HITLDetailRequest = z.object({
  ti_id: z.uuid(),
  options: z.array(z.string()).min(1),
  subject: z.string(),
  body: optional(z.string()),
  defaults: optional(z.array(z.string())),
  multiple: optional(z.boolean()),
  params: optional(z.record(z.string(), z.unknown())),
  assigned_users: optional(z.array(HITLUser)),
})

export const HITLDetailResponse = z.object({
  response_received: z.boolean(),
  responded_by_user: optional(HITLUser),
  responded_at: optional(aware),
  chosen_options: optional(z.array(z.string())),
  params_input: optional(z.record(z.string(), z.unknown())),
})

// The state stores, from 2026-06-30 on.
export const TaskStorePutBody = z.strictObject({ value: jsonValue, expires_at: optional(aware) })
export const TaskStoreResponse = z.strictObject({ value: jsonValue })
