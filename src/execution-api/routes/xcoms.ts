import type { Context } from 'hono'
import { notFound, pyRepr as repr } from '../models/common'
import {
  badRequest,
  xcomGetQuery,
  xcomItem,
  xcomItemParam,
  xcomSetQuery,
  xcomSlice,
  xcomSliceQuery,
} from '../models/xcoms'
import { xcom, xcomBody, xcomParam, xcomQuery } from '../schemas'
import { deleteXCom } from '../store/resources'
import {
  countXComs,
  findXCom,
  maxMapLength,
  pySlice,
  setXCom,
  type XComSeq,
  xcomValues,
} from '../store/xcom-sequences'
import { defineGroup, defineRoute, notFoundBody } from './builders'

// XComs, addressed as Airflow does (routes/xcoms.py at apache/airflow@0120e087a97c): dag, run,
// task, key; `HEAD` counts the map indexes in `Content-Range: map_indexes N` (the Task SDK raises
// without it), `/item/{offset}` and `/slice` read a mapped task's values by position.

const tags = ['XComs']
const missing = { description: 'Not found', schema: notFound }
const path = '/:dag_id/:run_id/:task_id/:key'

const notFoundFor = (k: XComSeq, at: string) =>
  notFoundBody(
    `XCom with key=${repr(k.key)} ${at} not found for task ${repr(k.task_id)} in DAG run ` +
      `${repr(k.run_id)} of ${repr(k.dag_id)}`,
  )

/** `HEAD`: Hono answers it with the `GET` route, so the `GET` handler tells the two apart. */
const head = async (c: Context, k: XComSeq, mapIndex: number | undefined) => {
  if (mapIndex !== undefined) {
    const message = 'Cannot specify map_index in a HEAD request'
    return c.json({ detail: { reason: 'invalid_request', message } }, 400)
  }
  const count = await countXComs(c.env.DB, k)
  return c.body(null, 200, { 'Content-Range': `map_indexes ${count}` })
}

const get = defineRoute({
  method: 'get',
  path,
  summary: 'Read an XCom (HEAD: count its map indexes)',
  description:
    'At `map_index` (default -1), or the `offset`-th by map index; `include_prior_dates` also ' +
    'looks in earlier runs of the dag. `HEAD` answers `Content-Range: map_indexes N`, the ' +
    'number of map indexes holding this key in the run.',
  operationId: 'get_xcom',
  tags,
  validate: { param: xcomParam, query: xcomGetQuery },
  responses: {
    200: { description: 'The XCom', schema: xcom },
    400: { description: 'HEAD with a map index', schema: badRequest },
    404: missing,
  },
  handler: async (c) => {
    const k = c.req.valid('param')
    const q = c.req.valid('query')
    if (c.req.method === 'HEAD') return head(c, k, q.map_index)
    const mapIndex = q.map_index ?? -1
    const at = q.offset === undefined ? { mapIndex } : { offset: q.offset }
    const found = await findXCom(c.env.DB, k, at, q.include_prior_dates)
    if (found) return c.json({ key: k.key, value: found.value }, 200)
    const where = q.offset === undefined ? `map_index=${mapIndex}` : `offset=${q.offset}`
    return c.json(notFoundFor(k, where), 404)
  },
})

const set = defineRoute({
  method: 'post',
  path,
  summary: 'Set an XCom; the request body is its JSON value',
  description: '`mapped_length` records how many task instances the value expands into.',
  operationId: 'set_xcom',
  tags,
  validate: { param: xcomParam, query: xcomSetQuery, json: xcomBody },
  responses: {
    201: { description: 'The XCom as set', schema: xcom },
    400: { description: 'Too many to map', schema: badRequest },
  },
  handler: async (c) => {
    const where = { ...c.req.valid('param'), map_index: c.req.valid('query').map_index }
    const { mapped_length: length } = c.req.valid('query')
    if (length !== undefined && length > maxMapLength) {
      const reason = 'unmappable_return_value_length'
      const message = "pushed value is too large to map as a downstream's dependency"
      return c.json({ detail: { reason, message } }, 400)
    }
    const value = c.req.valid('json')
    await setXCom(c.env.DB, where, value, length)
    return c.json({ key: where.key, value }, 201)
  },
})

const remove = defineRoute({
  method: 'delete',
  path,
  summary: 'Delete an XCom',
  operationId: 'delete_xcom',
  tags,
  validate: { param: xcomParam, query: xcomQuery },
  responses: { 204: { description: 'Deleted' }, 404: missing },
  handler: async (c) => {
    const where = { ...c.req.valid('param'), ...c.req.valid('query') }
    if (await deleteXCom(c.env.DB, where)) return c.body(null, 204)
    return c.json(notFoundBody(`XCom with key '${where.key}' not found`), 404)
  },
})

const item = defineRoute({
  method: 'get',
  path: `${path}/item/:offset`,
  summary: 'One value of a mapped task, by position (negative: from the end)',
  operationId: 'get_mapped_xcom_by_index',
  tags,
  validate: { param: xcomItemParam },
  responses: { 200: { description: 'The value', schema: xcomItem }, 404: missing },
  handler: async (c) => {
    const { offset, ...k } = c.req.valid('param')
    const found = await findXCom(c.env.DB, k, { offset })
    if (!found) return c.json(notFoundFor(k, `offset=${offset}`), 404)
    return c.json(found.value, 200)
  },
})

const slice = defineRoute({
  method: 'get',
  path: `${path}/slice`,
  summary: 'Values of a mapped task, as Python slices a list (`start`, `stop`, `step`)',
  operationId: 'get_mapped_xcom_by_slice',
  tags,
  validate: { param: xcomParam, query: xcomSliceQuery },
  responses: { 200: { description: 'The values', schema: xcomSlice } },
  handler: async (c) => {
    const k = c.req.valid('param')
    const { start, stop, step, include_prior_dates } = c.req.valid('query')
    const values = await xcomValues(c.env.DB, k, include_prior_dates)
    return c.json(pySlice(values, start, stop, step), 200)
  },
})

/** Any execution token may read and write XComs, as in Airflow (its access check is a stub). */
export const xcoms = defineGroup({
  path: '/xcoms',
  routes: [item, slice, get, set, remove],
})
