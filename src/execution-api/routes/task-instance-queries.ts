import * as z from 'zod'
import { notFound } from '../models/common'
import {
  breadcrumbs,
  breadcrumbsQuery,
  previousTi,
  previousTiParam,
  previousTiQuery,
  taskStates,
  tiCountQuery,
  tiStatesQuery,
} from '../models/task-instance-extras'
import { tiParam } from '../schemas'
import {
  countTaskInstances,
  firstRescheduleStart,
  previousTaskInstance,
  breadcrumbs as readBreadcrumbs,
  taskInstanceStates,
} from '../store/task-instance-queries'
import { defineGroup, defineRoute, notFoundBody } from './builders'

// Routes of Airflow's plain `router` under /task-instances (any execution token, no `ti:self`)
// and /task-reschedules (routes/task_instances.py at apache/airflow@0085294cc6ca,
// routes/task_reschedules.py at @04f2971f0bcb).

const tag = ['Task Instances']

// This Worker holds no serialized dags, so it knows no task group: Airflow's answer for a group
// its dag lacks.
const noTaskGroup = (dagId: string, group: string) =>
  notFoundBody(`Task group ${group} not found in DAG ${dagId}`)
const groupMissing = { description: 'Unknown task group', schema: notFound }

const count = defineRoute({
  method: 'get',
  path: '/count',
  summary: 'Count task instances',
  operationId: 'get_task_instance_count',
  tags: tag,
  validate: { query: tiCountQuery },
  responses: { 200: { description: 'The count', schema: z.int() }, 404: groupMissing },
  handler: async (c) => {
    const q = c.req.valid('query')
    if (q.task_group_id) return c.json(noTaskGroup(q.dag_id, q.task_group_id), 404)
    return c.json(await countTaskInstances(c.env.DB, q), 200)
  },
})

const states = defineRoute({
  method: 'get',
  path: '/states',
  summary: 'States of task instances, by run',
  operationId: 'get_task_instance_states',
  tags: tag,
  validate: { query: tiStatesQuery },
  responses: { 200: { description: 'States', schema: taskStates }, 404: groupMissing },
  handler: async (c) => {
    const q = c.req.valid('query')
    if (q.task_group_id) return c.json(noTaskGroup(q.dag_id, q.task_group_id), 404)
    return c.json({ task_states: await taskInstanceStates(c.env.DB, q) }, 200)
  },
})

const previous = defineRoute({
  method: 'get',
  path: '/previous/:dag_id/:task_id',
  summary: 'The previous task instance of a task',
  description: 'By its run’s logical date, before `logical_date` when given; `null` when none.',
  operationId: 'get_previous_task_instance',
  tags: tag,
  validate: { param: previousTiParam, query: previousTiQuery },
  responses: { 200: { description: 'The task instance', schema: previousTi.nullable() } },
  handler: async (c) => {
    const found = await previousTaskInstance(c.env.DB, {
      ...c.req.valid('param'),
      ...c.req.valid('query'),
    })
    return c.json(found as z.output<typeof previousTi> | null, 200)
  },
})

const crumbs = defineRoute({
  method: 'get',
  path: '/breadcrumbs',
  summary: 'The finished task instances of a run',
  operationId: 'get_task_instance_breadcrumbs',
  tags: tag,
  validate: { query: breadcrumbsQuery },
  responses: { 200: { description: 'Breadcrumbs', schema: breadcrumbs } },
  handler: async (c) => {
    const { dag_id, run_id } = c.req.valid('query')
    const rows = await readBreadcrumbs(c.env.DB, dag_id, run_id)
    return c.json({ breadcrumbs: rows as Record<string, never>[] }, 200)
  },
})

/** Questions about task instances in general: any execution token may ask. */
export const taskInstanceQueries = defineGroup({
  path: '/task-instances',
  routes: [count, states, previous, crumbs],
})

/** `GET /task-reschedules/{id}/start_date`: the first reschedule's start date, or `null`. */
export const taskReschedules = defineGroup({
  path: '/task-reschedules',
  routes: [
    defineRoute({
      method: 'get',
      path: '/:task_instance_id/start_date',
      summary: 'Start date of the first reschedule of a task instance',
      description: 'A JSON date-time, or `null` when it was never rescheduled.',
      operationId: 'get_start_date',
      tags: ['Task Reschedules'],
      validate: { param: tiParam },
      responses: { 200: { description: 'The start date', schema: z.iso.datetime().nullable() } },
      handler: async (c) => {
        const { task_instance_id: id } = c.req.valid('param')
        return c.json(await firstRescheduleStart(c.env.DB, id), 200)
      },
    }),
  ],
})
