import { notFound, plainDetail } from '../models/common'
import {
  inactiveAssets,
  prevSuccessfulDagRun,
  renderedMapIndexBody,
  rtifBody,
  skipDownstreamBody,
} from '../models/task-instance-extras'
import { tiParam } from '../schemas'
import {
  previousSuccessfulRun,
  putRenderedFields,
  setRenderedMapIndex,
  skipDownstream,
  taskInstanceExists,
} from '../store/task-instance-extras'
import { defineRoute, notFoundBody } from './builders'

// The `ti:self` routes of Airflow's `ti_id_router` besides run/state/heartbeat
// (routes/task_instances.py at apache/airflow@0085294cc6ca), each answering as it does, down to
// the shape of its 404 (some routes write a bare string, one writes FastAPI's default).

const tag = ['Task Instances']
const tiNotFound = { description: 'Unknown task instance', schema: notFound }

const rtif = defineRoute({
  method: 'put',
  path: '/:task_instance_id/rtif',
  summary: 'Set Rendered Task Instance Fields',
  description: 'The template fields after rendering, sent by the worker once the task starts.',
  operationId: 'put_rtif',
  tags: tag,
  validate: { param: tiParam, json: rtifBody },
  responses: {
    201: { description: 'Stored' },
    404: { description: 'Unknown task instance', schema: plainDetail },
  },
  handler: async (c) => {
    const { task_instance_id: id } = c.req.valid('param')
    const stored = await putRenderedFields(
      c.env.DB,
      id,
      c.req.valid('json'),
      new Date().toISOString(),
    )
    // Airflow raises a bare HTTPException(404): FastAPI's default detail.
    if (!stored) return c.json({ detail: 'Not Found' }, 404)
    return c.json({ message: 'Rendered task instance fields successfully set' }, 201)
  },
})

const renderedMapIndex = defineRoute({
  method: 'patch',
  path: '/:task_instance_id/rendered-map-index',
  summary: 'Set the rendered map index',
  description: 'The body is the rendered map index, a non-empty JSON string.',
  operationId: 'ti_patch_rendered_map_index',
  tags: tag,
  validate: { param: tiParam, json: renderedMapIndexBody },
  responses: {
    204: { description: 'Stored' },
    404: { description: 'Unknown task instance', schema: plainDetail },
    422: { description: 'Empty or invalid', schema: plainDetail },
  },
  handler: async (c) => {
    const { task_instance_id: id } = c.req.valid('param')
    const value = c.req.valid('json')
    if (!value) return c.json({ detail: 'rendered_map_index cannot be empty' }, 422)
    if (!(await setRenderedMapIndex(c.env.DB, id, value))) {
      return c.json({ detail: 'Task Instance not found' }, 404)
    }
    return c.body(null, 204)
  },
})

const skip = defineRoute({
  method: 'patch',
  path: '/:task_instance_id/skip-downstream',
  summary: 'Skip downstream tasks of this task instance',
  description:
    'Task ids (map index -1) or `[task_id, map_index]` pairs of the same run; those already ' +
    'running or finished (success, failed) are left as they are.',
  operationId: 'ti_skip_downstream',
  tags: tag,
  validate: { param: tiParam, json: skipDownstreamBody },
  responses: { 204: { description: 'Skipped' }, 404: tiNotFound },
  handler: async (c) => {
    const { task_instance_id: id } = c.req.valid('param')
    const tasks = c.req
      .valid('json')
      .tasks.map((t): [string, number] => (typeof t === 'string' ? [t, -1] : t))
    const skipped = await skipDownstream(c.env.DB, id, tasks, new Date().toISOString())
    if (skipped === null) return c.json(notFoundBody('Task Instance not found'), 404)
    return c.body(null, 204)
  },
})

const noRun = {
  data_interval_start: null,
  data_interval_end: null,
  start_date: null,
  end_date: null,
}

const previousSuccessful = defineRoute({
  method: 'get',
  path: '/:task_instance_id/previous-successful-dagrun',
  summary: 'The previous successful dag run of this task instance’s dag',
  description: 'All fields null when there is none (or the run has no logical date).',
  operationId: 'get_previous_successful_dagrun',
  tags: tag,
  validate: { param: tiParam },
  responses: { 200: { description: 'Its dates', schema: prevSuccessfulDagRun }, 404: tiNotFound },
  handler: async (c) => {
    const { task_instance_id: id } = c.req.valid('param')
    return c.json((await previousSuccessfulRun(c.env.DB, id)) ?? noRun, 200)
  },
})

const validateAssets = defineRoute({
  method: 'get',
  path: '/:task_instance_id/validate-inlets-and-outlets',
  summary: 'Inactive assets among the task’s inlets and outlets',
  description:
    'Airflow reads inlets and outlets from the serialized dag; this Worker holds no dags, so ' +
    'a task declares none here and the list is always empty (as Airflow answers for a task it ' +
    'cannot find in its dag).',
  operationId: 'validate_inlets_and_outlets',
  tags: tag,
  validate: { param: tiParam },
  responses: { 200: { description: 'Inactive assets', schema: inactiveAssets }, 404: tiNotFound },
  handler: async (c) => {
    const { task_instance_id: id } = c.req.valid('param')
    if (!(await taskInstanceExists(c.env.DB, id))) {
      return c.json(notFoundBody('Task Instance not found'), 404)
    }
    return c.json({ inactive_assets: [] as never[] }, 200)
  },
})

/** Routes of one task instance that only its own token may call (`ti:self` from the group). */
export const taskInstanceExtras = [
  rtif,
  renderedMapIndex,
  skip,
  previousSuccessful,
  validateAssets,
] as const
