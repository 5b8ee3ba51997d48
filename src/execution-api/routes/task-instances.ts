import {
  conflict,
  heartbeatBody,
  notFound,
  runBody,
  runContext,
  stateBody,
  tiParam,
  unsupported,
} from '../schemas'
import {
  type DagRunRow,
  findTaskInstance,
  heartbeat,
  type Start,
  startRun,
  updateState,
} from '../store/task-instances'
import { defineGroup, defineRoute, notFoundBody } from './builders'
import { taskInstanceExtras } from './task-instance-extras'

// What Airflow answers, read in airflow-core/src/airflow/api_fastapi/execution_api/routes/
// task_instances.py (apache/airflow@0085294cc6ca): `ti_run`, `ti_update_state`, `ti_heartbeat`.

const tiNotFound = notFoundBody('Task Instance not found')

const json = (text: string | null) => (text === null ? null : JSON.parse(text))

export const dagRunOf = (row: DagRunRow) => ({
  dag_id: row.dag_id,
  run_id: row.run_id,
  logical_date: row.logical_date,
  data_interval_start: row.data_interval_start,
  data_interval_end: row.data_interval_end,
  run_after: row.run_after,
  start_date: row.start_date,
  end_date: row.end_date,
  clear_number: row.clear_number,
  run_type: row.run_type as 'manual',
  state: row.state as 'running',
  conf: json(row.conf) as Record<string, never> | null,
  triggering_user_name: row.triggering_user_name,
  // No assets here: no run was triggered by asset events.
  consumed_asset_events: [] as never[],
  partition_key: row.partition_key,
  partition_date: row.partition_date,
  note: row.note,
  team_name: row.team_name,
})

// Airflow's `_is_eligible_to_retry`: a restarted task always may; otherwise while tries remain.
const shouldRetry = (previousState: string, tryNumber: number, maxTries: number) =>
  previousState === 'restarting' || (maxTries !== 0 && tryNumber <= maxTries)

/** The `TIRunContext` of a started task instance, with only the fields Airflow sets. */
const context = (start: Extract<Start, { started: true }>) => {
  const { before, after, reschedules } = start
  return {
    dag_run: dagRunOf(start.dagRun),
    task_reschedule_count: reschedules.count,
    ...(reschedules.first ? { first_task_reschedule_start_date: reschedules.first } : {}),
    max_tries: after.max_tries,
    // Connections and variables are read one by one through their routes, as in Airflow.
    variables: [] as never[],
    connections: [] as never[],
    xcom_keys_to_clear: start.xcomKeys,
    should_retry: shouldRetry(before.state, after.try_number, after.max_tries),
    // Resuming from a deferral: the method to call, its kwargs and the first start date.
    ...(after.next_method
      ? {
          next_method: after.next_method,
          next_kwargs: json(after.next_kwargs) as Record<string, never> | string | null,
          ...(after.start_date ? { start_date: after.start_date } : {}),
        }
      : {}),
  }
}

const run = defineRoute({
  method: 'patch',
  path: '/:task_instance_id/run',
  // The one route that accepts the workload token a queued task was given, and exchanges it.
  scopes: ['token:execution', 'token:workload'],
  exchange: true,
  summary: 'Start running a queued task instance',
  description:
    'Moves a queued or restarting task instance to running and answers its `TIRunContext`. The ' +
    'same (hostname, unixname, pid) repeating the call while it runs gets 200 again.',
  operationId: 'ti_run',
  tags: ['Task Instances'],
  validate: { param: tiParam, json: runBody },
  responses: {
    200: { description: 'Run context', schema: runContext },
    404: { description: 'Unknown task instance', schema: notFound },
    409: { description: 'Not in a runnable state', schema: conflict },
  },
  handler: async (c) => {
    const { task_instance_id: id } = c.req.valid('param')
    const body = c.req.valid('json')
    const result = await startRun(c.env.DB, id, body, new Date().toISOString())
    if (result.started) return c.json(context(result), 200)
    if (!result.before) return c.json(tiNotFound, 404)
    return c.json(
      {
        detail: {
          reason: 'invalid_state' as const,
          message: 'TI was not in a state where it could be marked as running',
          previous_state: result.before.state,
        },
      },
      409,
    )
  },
})

const state = defineRoute({
  method: 'patch',
  path: '/:task_instance_id/state',
  summary: 'Move a running task instance to the state the Task SDK reports',
  description:
    "Takes the Task SDK's `TIStateUpdate` payloads. A state the task instance is already in " +
    'answers 200 with no body (a retried call), as Airflow does. `awaiting_input` is refused with ' +
    '400 `unsupported_state`: this Worker has no Human-in-the-loop API.',
  operationId: 'ti_update_state',
  tags: ['Task Instances'],
  validate: { param: tiParam, json: stateBody },
  responses: {
    200: { description: 'The task instance was already in the requested state' },
    204: { description: 'State updated' },
    400: { description: 'A state this Worker cannot honour', schema: unsupported },
    404: { description: 'Unknown task instance', schema: notFound },
    409: { description: 'Not running', schema: conflict },
  },
  handler: async (c) => {
    const { task_instance_id: id } = c.req.valid('param')
    const body = c.req.valid('json')
    const ti = await findTaskInstance(c.env.DB, id)
    if (!ti) return c.json(tiNotFound, 404)
    // A repeated call whose first answer was lost: Airflow answers 200 without touching the row.
    if (ti.state === body.state) return c.body(null, 200)
    if (body.state === 'awaiting_input') {
      const message =
        'awaiting_input needs the Human-in-the-loop API, which this Worker does not serve'
      return c.json({ detail: { reason: 'unsupported_state' as const, message } }, 400)
    }
    const notRunning = (previous: string) =>
      c.json(
        {
          detail: {
            reason: 'invalid_state' as const,
            message: 'TI was not in the running state so it cannot be updated',
            previous_state: previous,
          },
        },
        409,
      )
    if (ti.state !== 'running') return notRunning(ti.state)
    const result = await updateState(c.env.DB, id, body, new Date())
    if (result.changed) return c.body(null, 204)
    if (!result.row) return c.json(tiNotFound, 404)
    if (result.row.state === body.state) return c.body(null, 200)
    return notRunning(result.row.state)
  },
})

const beat = defineRoute({
  method: 'put',
  path: '/:task_instance_id/heartbeat',
  summary: 'Heartbeat from the process running the task instance',
  operationId: 'ti_heartbeat',
  tags: ['Task Instances'],
  validate: { param: tiParam, json: heartbeatBody },
  responses: {
    204: { description: 'Heartbeat recorded' },
    404: { description: 'Unknown task instance', schema: notFound },
    409: { description: 'Not running, or running on another host or pid', schema: conflict },
  },
  handler: async (c) => {
    const { task_instance_id: id } = c.req.valid('param')
    const { hostname, pid } = c.req.valid('json')
    const result = await heartbeat(c.env.DB, id, hostname, pid, new Date().toISOString())
    if (result.changed) return c.body(null, 204)
    const ti = result.row
    if (!ti) return c.json(tiNotFound, 404)
    if (ti.state !== 'running') {
      const message = 'TI is no longer in the running state and task should terminate'
      return c.json(
        { detail: { reason: 'not_running' as const, message, current_state: ti.state } },
        409,
      )
    }
    return c.json(
      {
        detail: {
          reason: 'running_elsewhere' as const,
          message: 'TI is already running elsewhere',
          current_hostname: ti.hostname,
          current_pid: ti.pid,
        },
      },
      409,
    )
  },
})

/** Every route here is about one task instance, and only its own token may call it. */
export const taskInstances = defineGroup({
  path: '/task-instances',
  scopes: ['ti:self'],
  routes: [run, state, beat, ...taskInstanceExtras],
})
