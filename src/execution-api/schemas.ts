import * as z from 'zod'
import { utcText } from './models/common'

// Request and response shapes of the Execution API, as Airflow's task runners send and read them.
// They validate requests (422 on failure) and document both directions in the OpenAPI document.

/** Timestamps arrive with an offset or `Z`; they are stored normalised to UTC ISO 8601. */
const timestamp = z.iso.datetime({ offset: true }).transform(utcText)

/** Names of connections, variables, dags, runs, tasks and keys. */
const name = z.string().min(1).max(250)

export const tiParam = z.object({
  // Stored lower-case; the token's `sub` was already compared to it as a UUID by `ti:self`.
  task_instance_id: z.uuid().transform((id) => id.toLowerCase()),
})

// Bodies are strict, as Airflow's models are (`extra="forbid"`): an unknown field is a 422.

/** `TIEnterRunningPayload`: what the Task SDK sends to start a task. */
export const runBody = z.strictObject({
  state: z.literal('running'),
  hostname: z.string().min(1).max(1000),
  unixname: z.string().min(1).max(1000),
  pid: z.int().positive(),
  start_date: timestamp,
})

/** An answer's timestamp: UTC ISO 8601, as stored. */
const utc = z.iso.datetime({ offset: true })
/** A JSON object (Airflow's `dict[str, Any]`). */
const jsonObject = z.record(z.string(), z.json())

/** `AssetEventDagRunReference` of the Task SDK (`extra="forbid"`). */
const assetEvent = z
  .strictObject({
    asset: z.strictObject({ name: z.string(), uri: z.string(), extra: jsonObject }),
    extra: jsonObject,
    source_task_id: z.string().nullable(),
    source_dag_id: z.string().nullable(),
    source_run_id: z.string().nullable(),
    source_map_index: z.int().nullable(),
    source_aliases: z.array(z.strictObject({ name: z.string() })),
    timestamp: utc,
  })
  .meta({ title: 'AssetEventDagRunReference' })

/** `DagRun` of the Task SDK (`extra="forbid"`): the run a task instance belongs to. */
export const dagRun = z
  .strictObject({
    dag_id: z.string(),
    run_id: z.string(),
    logical_date: utc.nullable(),
    data_interval_start: utc.nullable(),
    data_interval_end: utc.nullable(),
    run_after: utc,
    start_date: utc.nullable(),
    end_date: utc.nullable(),
    clear_number: z.int(),
    run_type: z.enum([
      'backfill',
      'scheduled',
      'manual',
      'operator_triggered',
      'asset_triggered',
      'asset_materialization',
    ]),
    state: z.enum(['queued', 'running', 'success', 'failed']),
    conf: jsonObject.nullable(),
    triggering_user_name: z.string().nullable(),
    // Always empty here (no assets), documented with the SDK's item model.
    consumed_asset_events: z.array(assetEvent),
    partition_key: z.string().nullable(),
    // The partition datetime of a run triggered by partitioned asset events (2026-06-30).
    partition_date: utc.nullable(),
    note: z.string().nullable(),
    team_name: z.string().nullable(),
  })
  .meta({ title: 'DagRun' })

const bindingBase = { name: z.string(), value_schema: jsonObject.nullable().optional() }

/** `TaskArgBinding`: one argument of a stub task, from an upstream XCom or the dag file. */
const argBinding = z
  .discriminatedUnion('kind', [
    z.object({ ...bindingBase, kind: z.literal('xcom'), task_id: z.string() }),
    z.object({
      ...bindingBase,
      kind: z.literal('literal'),
      value: z.json().nullable().optional(),
      from_default: z.boolean().optional(),
    }),
  ])
  .meta({ title: 'TaskArgBinding' })

/** `TIRunContext` of the Task SDK: the answer of `/run`. Optional fields appear only when set. */
export const runContext = z
  .object({
    dag_run: dagRun,
    task_reschedule_count: z.int(),
    first_task_reschedule_start_date: utc.optional(),
    max_tries: z.int(),
    // Always empty (as in Airflow today); documented with the SDK's item models.
    variables: z.array(z.lazy(() => variable)),
    connections: z.array(z.lazy(() => connection)),
    next_method: z.string().optional(),
    next_kwargs: z.union([jsonObject, z.string()]).nullable().optional(),
    xcom_keys_to_clear: z.array(z.string()),
    should_retry: z.boolean(),
    start_date: utc.optional(),
    // Airflow sets it only for a `@task.stub` (foreign-runtime) task, from the serialized dag's
    // argument bindings (2026-10-30); this Worker keeps no serialized dags, so never sends it.
    arg_bindings: z.array(argBinding).optional(),
  })
  .meta({ title: 'TIRunContext' })

// Pydantic writes a `timedelta` as an ISO 8601 duration (`PT600S`, `P1DT2H`) and reads seconds too.
const isoDuration =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/

/** Pydantic's `timedelta` in JSON, kept as seconds. */
const duration = z
  .union([
    z.number().min(0),
    z.string().regex(isoDuration, 'must be an ISO 8601 duration (PnDTnHnMnS) or seconds'),
  ])
  .transform((value) => {
    if (typeof value === 'number') return value
    const [, d, h, m, s] = isoDuration.exec(value) as RegExpExecArray
    return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)
  })

const renderedMapIndex = z.string().max(250).nullable().optional()
const kwargs = z.union([jsonObject, z.string()]).nullable().optional()

/** `TISuccessStatePayload`. Asset outlets are accepted and not recorded (no assets here). */
export const successBody = z
  .strictObject({
    state: z.literal('success'),
    end_date: timestamp,
    task_outlets: z.array(z.looseObject({})).nullable().optional(),
    outlet_events: z.array(z.looseObject({})).nullable().optional(),
    rendered_map_index: renderedMapIndex,
  })
  .meta({ title: 'TISuccessStatePayload' })

/** `TITerminalStatePayload`: the terminal states other than success. */
export const terminalBody = z
  .strictObject({
    state: z.enum(['failed', 'skipped', 'removed', 'upstream_failed']),
    end_date: timestamp,
    rendered_map_index: renderedMapIndex,
  })
  .meta({ title: 'TITerminalStatePayload' })

/** `TIRetryStatePayload`. */
export const retryBody = z
  .strictObject({
    state: z.literal('up_for_retry'),
    end_date: timestamp,
    rendered_map_index: renderedMapIndex,
    retry_delay_seconds: z.number().min(0).nullable().optional(),
    retry_reason: z.string().nullable().optional(),
  })
  .meta({ title: 'TIRetryStatePayload' })

/** `TIDeferredStatePayload`: the trigger is recorded for a triggerer outside this Worker. */
export const deferredBody = z
  .strictObject({
    state: z.literal('deferred'),
    classpath: z.string().min(1),
    trigger_kwargs: kwargs,
    trigger_timeout: duration.nullable().optional(),
    queue: z.string().nullable().optional(),
    next_method: z.string().min(1),
    next_kwargs: kwargs,
    rendered_map_index: renderedMapIndex,
  })
  .meta({ title: 'TIDeferredStatePayload' })

/** `TIRescheduleStatePayload`: a sensor in reschedule mode. */
export const rescheduleBody = z
  .strictObject({
    state: z.literal('up_for_reschedule'),
    reschedule_date: timestamp,
    end_date: timestamp,
  })
  .meta({ title: 'TIRescheduleStatePayload' })

/** `TIAwaitingInputStatePayload`: well-formed, but refused here (no Human-in-the-loop API). */
export const awaitingInputBody = z
  .strictObject({
    state: z.literal('awaiting_input'),
    timeout: duration.nullable().optional(),
    next_method: z.string().min(1),
    next_kwargs: kwargs,
    rendered_map_index: renderedMapIndex,
  })
  .meta({ title: 'TIAwaitingInputStatePayload' })

/** `TITargetStatePayload`: the other intermediate states, set as they are. */
export const targetBody = z
  .strictObject({ state: z.enum(['scheduled', 'queued', 'restarting']) })
  .meta({ title: 'TITargetStatePayload' })

/** `TIStateUpdate`: one payload per state, chosen by `state` as Airflow's discriminator does. */
export const stateBody = z.discriminatedUnion('state', [
  successBody,
  terminalBody,
  retryBody,
  deferredBody,
  rescheduleBody,
  awaitingInputBody,
  targetBody,
])

export type StateUpdate = z.output<typeof stateBody>

/** `TIHeartbeatInfo`. */
export const heartbeatBody = z.strictObject({
  hostname: z.string().min(1).max(1000),
  pid: z.int().positive(),
})

export const connectionParam = z.object({ connection_id: name })

export const connection = z.object({
  conn_id: z.string(),
  conn_type: z.string(),
  host: z.string().nullable(),
  schema: z.string().nullable(),
  login: z.string().nullable(),
  password: z.string().nullable(),
  port: z.int().nullable(),
  extra: z.string().nullable(),
})

export const variableParam = z.object({ key: name })

/**
 * `VariablePostBody` (execution_api/datamodels/variable.py at apache/airflow@4d845452e6d6): the
 * value is aliased `val`, which the Task SDK sends; `value`, its field name, is accepted too
 * (`populate_by_name`). Either is required, and may be null: Airflow stores `str(None)`, "None".
 */
export const variableBody = z
  .strictObject({
    val: z.string().nullable().optional(),
    value: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.val === undefined && body.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['val'], message: 'Field required' })
    }
  })
  .transform(({ val, value, description }) => ({
    value: (val !== undefined ? val : value) ?? 'None',
    description,
  }))
  .meta({ title: 'VariablePostBody' })

export const variable = z.object({ key: z.string(), value: z.string() })

export const xcomParam = z.object({ dag_id: name, run_id: name, task_id: name, key: name })

export const xcomQuery = z.object({
  map_index: z.coerce.number().pipe(z.int().min(-1)).default(-1),
})

/** An XCom value: any JSON, sent as the whole request body. */
export const xcomBody = z.json().meta({ title: 'JsonValue' })

export const xcom = z.object({ key: z.string(), value: xcomBody })

/** The body of a 404: what was not found. */
export const notFound = z.object({
  detail: z.object({ reason: z.literal('not_found'), message: z.string() }),
})

/** The body of a 403 on a resource the task's team may not change. */
export const denied = z.object({
  detail: z.object({ reason: z.literal('access_denied'), message: z.string() }),
})

/** The body of a 409: why the state change was refused, and the state found instead. */
export const conflict = z.object({
  detail: z.object({
    reason: z.enum(['invalid_state', 'not_running', 'running_elsewhere']),
    message: z.string(),
    previous_state: z.string().optional(),
    current_state: z.string().optional(),
    current_hostname: z.string().nullable().optional(),
    current_pid: z.int().nullable().optional(),
  }),
})

/** The body of a 400: a well-formed state the Worker cannot honour. */
export const unsupported = z.object({
  detail: z.object({ reason: z.literal('unsupported_state'), message: z.string() }),
})
