import * as z from 'zod'

// Request and response shapes of the Execution API, as Airflow's task runners send and read them.
// They validate requests (422 on failure) and document both directions in the OpenAPI document.

/** Timestamps arrive with an offset or `Z`; they are stored normalised to UTC ISO 8601. */
const timestamp = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())

/** Names of connections, variables, dags, runs, tasks and keys. */
const name = z.string().min(1).max(250)

export const tiParam = z.object({
  // Stored lower-case; the token's `sub` was already compared to it as a UUID by `ti:self`.
  task_instance_id: z.uuid().transform((id) => id.toLowerCase()),
})

export const runBody = z.object({
  state: z.literal('running'),
  hostname: z.string().min(1).max(1000),
  unixname: z.string().min(1).max(1000),
  pid: z.int().positive(),
  start_date: timestamp,
})

export const runContext = z.object({
  id: z.uuid(),
  dag_id: z.string(),
  run_id: z.string(),
  task_id: z.string(),
  map_index: z.int(),
  try_number: z.int(),
  max_tries: z.int(),
  start_date: z.string(),
})

/** States a running task instance may move to through `/state`. */
export const finalStates = [
  'success',
  'failed',
  'skipped',
  'removed',
  'up_for_retry',
  'up_for_reschedule',
] as const

export const stateBody = z.object({ state: z.enum(finalStates), end_date: timestamp })

export const heartbeatBody = z.object({
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

export const variableBody = z.object({
  value: z.string(),
  description: z.string().nullable().optional(),
})

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
