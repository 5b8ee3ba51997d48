import type { Context } from 'hono'
import { notFound, pyRepr } from '../models/common'
import { storeValue, taskStoreClearQuery, taskStoreParam, taskStorePut } from '../models/stores'
import { tiParam } from '../schemas'
import {
  clearTaskValues,
  deleteTaskValue,
  getTaskValue,
  putTaskValue,
  type Scoped,
} from '../store/state-stores'
import { defineGroup, defineRoute, notFoundBody } from './builders'

// The task state store (`ti:self`, routes/task_state_store.py at apache/airflow@c338c62d0d93):
// keys of a task instance's scope (dag, run, task, map index).

const missing = { description: 'Not found', schema: notFound }
const tags = ['Task State Store']

/** The answer when the task instance is gone, else `answer(result)`. */
const scoped = <T>(c: Context, id: string, s: Scoped<T>, answer: (result: T) => Response) =>
  s.ti ? answer(s.result) : c.json(notFoundBody(`Task instance ${id} not found`), 404)

const param = { param: taskStoreParam }
const noContent = (c: Context) => () => c.body(null, 204)

export const taskStateStore = defineGroup({
  path: '/store/ti',
  scopes: ['ti:self'],
  routes: [
    defineRoute({
      method: 'get',
      path: '/:task_instance_id/:key',
      summary: 'Read a task state store key',
      operationId: 'get_task_state_store',
      tags,
      validate: param,
      responses: { 200: { description: 'The value', schema: storeValue }, 404: missing },
      handler: async (c) => {
        const { task_instance_id: id, key } = c.req.valid('param')
        const found = await getTaskValue(c.env.DB, id, key, new Date().toISOString())
        return scoped(c, id, found, (value) =>
          value
            ? c.json(value, 200)
            : c.json(notFoundBody(`Task state store key ${pyRepr(key)} not found`), 404),
        )
      },
    }),
    defineRoute({
      method: 'put',
      path: '/:task_instance_id/:key',
      summary: 'Set a task state store key',
      operationId: 'set_task_state_store',
      tags,
      validate: { ...param, json: taskStorePut },
      responses: { 204: { description: 'Set' }, 404: missing },
      handler: async (c) => {
        const { task_instance_id: id, key } = c.req.valid('param')
        const now = new Date().toISOString()
        const done = await putTaskValue(c.env.DB, id, key, c.req.valid('json'), now)
        return scoped(c, id, done, noContent(c))
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/:task_instance_id/:key',
      summary: 'Delete a task state store key',
      operationId: 'delete_task_state_store',
      tags,
      validate: param,
      responses: { 204: { description: 'Deleted (or was absent)' }, 404: missing },
      handler: async (c) => {
        const { task_instance_id: id, key } = c.req.valid('param')
        return scoped(c, id, await deleteTaskValue(c.env.DB, id, key), noContent(c))
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/:task_instance_id',
      summary: 'Delete every task state store key of this task instance',
      description: '`all_map_indices=true`: of every map index of the task in the run.',
      operationId: 'clear_task_state_store',
      tags,
      validate: { param: tiParam, query: taskStoreClearQuery },
      responses: { 204: { description: 'Cleared' }, 404: missing },
      handler: async (c) => {
        const { task_instance_id: id } = c.req.valid('param')
        const all = c.req.valid('query').all_map_indices
        return scoped(c, id, await clearTaskValues(c.env.DB, id, all), noContent(c))
      },
    }),
  ],
})
