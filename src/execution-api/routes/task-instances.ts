import {
  conflict,
  heartbeatBody,
  notFound,
  runBody,
  runContext,
  stateBody,
  tiParam,
} from '../schemas'
import { finishRun, heartbeat, startRun, type TaskInstanceRow } from '../store/task-instances'
import { defineGroup, defineRoute, notFoundBody } from './builders'

const tiNotFound = notFoundBody('Task Instance not found')

const context = (ti: TaskInstanceRow) => ({
  id: ti.id,
  dag_id: ti.dag_id,
  run_id: ti.run_id,
  task_id: ti.task_id,
  map_index: ti.map_index,
  try_number: ti.try_number,
  max_tries: ti.max_tries,
  start_date: ti.start_date ?? '',
})

const run = defineRoute({
  method: 'patch',
  path: '/:task_instance_id/run',
  // The one route that accepts the workload token a queued task was given, and exchanges it.
  scopes: ['token:execution', 'token:workload'],
  exchange: true,
  summary: 'Start running a queued task instance',
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
    if (result.changed) return c.json(context(result.row), 200)
    const ti = result.row
    if (!ti) return c.json(tiNotFound, 404)
    // A runner retrying its own call (a lost response) gets the same answer, not a conflict.
    if (ti.state === 'running' && ti.hostname === body.hostname && ti.pid === body.pid) {
      return c.json(context(ti), 200)
    }
    return c.json(
      {
        detail: {
          reason: 'invalid_state' as const,
          message: 'TI was not in a state where it could be marked as running',
          previous_state: ti.state,
        },
      },
      409,
    )
  },
})

const state = defineRoute({
  method: 'patch',
  path: '/:task_instance_id/state',
  summary: 'Move a running task instance to its final (or retry) state',
  operationId: 'ti_update_state',
  tags: ['Task Instances'],
  validate: { param: tiParam, json: stateBody },
  responses: {
    204: { description: 'State updated' },
    404: { description: 'Unknown task instance', schema: notFound },
    409: { description: 'Not running', schema: conflict },
  },
  handler: async (c) => {
    const { task_instance_id: id } = c.req.valid('param')
    const body = c.req.valid('json')
    const result = await finishRun(c.env.DB, id, body.state, body.end_date)
    if (result.changed) return c.body(null, 204)
    if (!result.row) return c.json(tiNotFound, 404)
    return c.json(
      {
        detail: {
          reason: 'invalid_state' as const,
          message: 'TI was not running',
          previous_state: result.row.state,
        },
      },
      409,
    )
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
  routes: [run, state, beat],
})
