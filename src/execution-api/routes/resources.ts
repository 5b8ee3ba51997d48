import { variableKeysAnswer, variableKeysQuery } from '../models/variables'
import {
  connection,
  connectionParam,
  denied,
  notFound,
  variable,
  variableBody,
  variableParam,
} from '../schemas'
import {
  deleteVariable,
  getConnection,
  getVariable,
  putVariable,
  variableKeys,
} from '../store/resources'
import { accessDenied, defineGroup, defineRoute, notFoundBody } from './builders'
import { teamFinder } from './team'

// Connections and variables (XComs are in ./xcoms.ts). Routes with no scopes of their own: any
// valid execution token may call them (workload tokens are refused by the table's default),
// within its team when multi-team mode is on.

const missing = { description: 'Not found', schema: notFound }

/** Connections and variables, read within the caller's team when `multiTeam` is on. */
export const resourceRoutes = (multiTeam: boolean) => {
  const team = teamFinder(multiTeam)

  const getConn = defineRoute({
    method: 'get',
    path: '/connections/:connection_id',
    summary: 'Read a connection',
    operationId: 'get_connection',
    tags: ['Connections'],
    validate: { param: connectionParam },
    responses: { 200: { description: 'The connection', schema: connection }, 404: missing },
    handler: async (c) => {
      const { connection_id: id } = c.req.valid('param')
      const row = await getConnection(c.env.DB, id, await team(c))
      if (!row) return c.json(notFoundBody(`Connection with ID ${id} not found`), 404)
      return c.json(row, 200)
    },
  })

  const variables = defineGroup({
    path: '/variables',
    routes: [
      // Before `/:key`, as in Airflow: a variable named "keys" cannot be read by GET.
      defineRoute({
        method: 'get',
        path: '/keys',
        summary: 'List variable keys',
        description: 'In key order, those starting with `prefix` when given; one page of them.',
        operationId: 'get_variable_keys',
        tags: ['Variables'],
        validate: { query: variableKeysQuery },
        responses: { 200: { description: 'The keys', schema: variableKeysAnswer } },
        handler: async (c) => {
          const q = c.req.valid('query')
          return c.json(await variableKeys(c.env.DB, { ...q, team: await team(c) }), 200)
        },
      }),
      defineRoute({
        method: 'get',
        path: '/:key',
        summary: 'Read a variable',
        operationId: 'get_variable',
        tags: ['Variables'],
        validate: { param: variableParam },
        responses: { 200: { description: 'The variable', schema: variable }, 404: missing },
        handler: async (c) => {
          const { key } = c.req.valid('param')
          const row = await getVariable(c.env.DB, key, await team(c))
          if (!row) return c.json(notFoundBody(`Variable with key '${key}' not found`), 404)
          return c.json(row, 200)
        },
      }),
      defineRoute({
        method: 'put',
        path: '/:key',
        summary: 'Set a variable',
        operationId: 'put_variable',
        tags: ['Variables'],
        validate: { param: variableParam, json: variableBody },
        responses: { 201: { description: 'The variable as set', schema: variable } },
        handler: async (c) => {
          const { key } = c.req.valid('param')
          const { value, description } = c.req.valid('json')
          await putVariable(c.env.DB, key, value, description ?? null, await team(c))
          return c.json({ key, value }, 201)
        },
      }),
      defineRoute({
        method: 'delete',
        path: '/:key',
        summary: 'Delete a variable',
        operationId: 'delete_variable',
        tags: ['Variables'],
        validate: { param: variableParam },
        responses: {
          204: { description: 'Deleted' },
          403: { description: "A team's task deleting a variable of no team", schema: denied },
          404: missing,
        },
        handler: async (c) => {
          const { key } = c.req.valid('param')
          const outcome = await deleteVariable(c.env.DB, key, await team(c))
          if (outcome === 'deleted') return c.body(null, 204)
          // Every team reads a variable of no team: one team's task must not take it from all.
          if (outcome === 'forbidden') return c.json(accessDenied(key), 403)
          return c.json(notFoundBody(`Variable with key '${key}' not found`), 404)
        },
      }),
    ],
  })

  return [getConn, variables] as const
}
