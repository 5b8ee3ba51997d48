import type { Context } from 'hono'
import * as z from 'zod'
import {
  clearBody,
  dagRunCountQuery,
  dagRunParam,
  dagRunState,
  previousDagRunQuery,
  reasoned,
  triggerBody,
} from '../models/dag-runs'
import { dagRun } from '../schemas'
import {
  clearDagRun,
  countDagRuns,
  findDag,
  findDagRun,
  previousDagRun,
  triggerDagRun,
} from '../store/dag-runs'
import type { DagRunRow } from '../store/task-instances'
import { defineGroup, defineRoute, notFoundBody } from './builders'
import { optionalJson } from './optional-body'
import { dagRunOf } from './task-instances'

// Dag runs (routes/dag_runs.py at apache/airflow@04f2971f0bcb). Any execution token, as in
// Airflow.

const tags = ['Dag Runs']
const answers = { description: 'Not found', schema: reasoned }
const runMissing = (dagId: string, runId: string) =>
  notFoundBody(`Dag run with dag_id '${dagId}' and run_id '${runId}' was not found`)

/** The dag run, or Airflow's 404 for it. */
const withRun = async (
  c: Context,
  { dag_id, run_id }: { dag_id: string; run_id: string },
  f: (row: DagRunRow) => Response,
) => {
  const row = await findDagRun(c.env.DB, dag_id, run_id)
  return row ? f(row) : c.json(runMissing(dag_id, run_id), 404)
}

/** Airflow's checks before a trigger or clear: the dag exists and imported cleanly. */
const dagRefusal = async (c: Context, dagId: string) => {
  const dag = await findDag(c.env.DB, dagId)
  if (!dag) return c.json(notFoundBody(`Dag with dag_id: '${dagId}' not found`), 404)
  if (!dag.has_import_errors) return null
  const message = `Dag with dag_id '${dagId}' has import errors and cannot be triggered`
  return c.json({ detail: { reason: 'import_errors', message } }, 400)
}

const count = defineRoute({
  method: 'get',
  path: '/count',
  summary: 'Count dag runs',
  operationId: 'get_dr_count',
  tags,
  validate: { query: dagRunCountQuery },
  responses: { 200: { description: 'The count', schema: z.int() } },
  handler: async (c) => c.json(await countDagRuns(c.env.DB, c.req.valid('query')), 200),
})

const previous = defineRoute({
  method: 'get',
  path: '/previous',
  summary: 'The dag run before a logical date',
  description: 'The latest before `logical_date` (in `state` when given), or `null`.',
  operationId: 'get_previous_dagrun',
  tags,
  validate: { query: previousDagRunQuery },
  responses: { 200: { description: 'The dag run', schema: dagRun.nullable() } },
  handler: async (c) => {
    const row = await previousDagRun(c.env.DB, c.req.valid('query'))
    return c.json(row ? dagRunOf(row) : null, 200)
  },
})

const detail = defineRoute({
  method: 'get',
  path: '/:dag_id/:run_id',
  summary: 'A dag run',
  operationId: 'get_dag_run',
  tags,
  validate: { param: dagRunParam },
  responses: { 200: { description: 'The dag run', schema: dagRun }, 404: answers },
  handler: (c) => withRun(c, c.req.valid('param'), (row) => c.json(dagRunOf(row), 200)),
})

const state = defineRoute({
  method: 'get',
  path: '/:dag_id/:run_id/state',
  summary: 'The state of a dag run',
  operationId: 'get_dagrun_state',
  tags,
  validate: { param: dagRunParam },
  responses: { 200: { description: 'Its state', schema: dagRunState }, 404: answers },
  handler: (c) =>
    withRun(c, c.req.valid('param'), (row) =>
      c.json({ state: row.state as z.output<typeof dagRunState>['state'] }, 200),
    ),
})

const trigger = defineRoute({
  method: 'post',
  path: '/:dag_id/:run_id',
  summary: 'Trigger a dag run',
  description: 'A queued manual run; 409 when the run exists (the SDK then clears it if asked).',
  operationId: 'trigger_dag_run',
  tags,
  validate: { param: dagRunParam, json: triggerBody },
  responses: {
    204: { description: 'Triggered' },
    400: { description: 'The dag has import errors', schema: reasoned },
    404: answers,
    409: { description: 'The run exists', schema: reasoned },
  },
  handler: async (c) => {
    const { dag_id, run_id } = c.req.valid('param')
    const refused = await dagRefusal(c, dag_id)
    if (refused) return refused
    const now = new Date().toISOString()
    if (await triggerDagRun(c.env.DB, dag_id, run_id, c.req.valid('json'), now)) {
      return c.body(null, 204)
    }
    const message = `A run already exists for Dag '${dag_id}' with run_id '${run_id}'`
    return c.json({ detail: { reason: 'already_exists', message } }, 409)
  },
})

const clear = defineRoute({
  method: 'post',
  path: '/:dag_id/:run_id/clear',
  summary: 'Clear a dag run',
  description:
    'Its task instances go back to `scheduled` (running ones to `restarting`), only failed ' +
    'ones with `only_failed`; the run is queued again. The body, `ClearDagRunPayload` ' +
    '(`{"only_failed": false}`), may be left out, as Task SDKs before 2026-11-13 do.',
  operationId: 'clear_dag_run',
  tags,
  validate: { param: dagRunParam },
  responses: {
    204: { description: 'Cleared' },
    400: { description: 'The dag has import errors', schema: reasoned },
    404: answers,
  },
  handler: async (c) => {
    const { dag_id, run_id } = c.req.valid('param')
    const body = await optionalJson(c, clearBody)
    if ('refused' in body) return body.refused
    const refused = await dagRefusal(c, dag_id)
    if (refused) return refused
    if (!(await findDagRun(c.env.DB, dag_id, run_id))) {
      return c.json(notFoundBody(`Dag run with run_id: '${run_id}' not found`), 404)
    }
    await clearDagRun(c.env.DB, dag_id, run_id, body.value.only_failed)
    return c.body(null, 204)
  },
})

/** `/dag-runs`: static paths before `/:dag_id/:run_id`, as Airflow orders them. */
export const dagRuns = defineGroup({
  path: '/dag-runs',
  routes: [count, previous, detail, state, trigger, clear],
})
