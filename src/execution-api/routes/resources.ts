import {
  connection,
  connectionParam,
  denied,
  notFound,
  variable,
  variableBody,
  variableParam,
  xcom,
  xcomBody,
  xcomParam,
  xcomQuery,
} from '../schemas'
import {
  deleteVariable,
  deleteXCom,
  getConnection,
  getVariable,
  getXCom,
  putVariable,
  setXCom,
} from '../store/resources'
import { accessDenied, defineGroup, defineRoute, notFoundBody } from './builders'
import { teamFinder } from './team'

// Routes with no scopes of their own: any valid execution token may call them (workload tokens
// are refused by the table's default), within its team when multi-team mode is on.

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

const xcomValidators = { param: xcomParam, query: xcomQuery }
const xcomPath = '/:dag_id/:run_id/:task_id/:key'
const xcomMissing = (key: string) => notFoundBody(`XCom with key '${key}' not found`)

/** XComs, addressed as Airflow does: dag, run, task, key, and `?map_index=` (default -1). */
export const xcoms = defineGroup({
  path: '/xcoms',
  routes: [
    defineRoute({
      method: 'get',
      path: xcomPath,
      summary: 'Read an XCom',
      operationId: 'get_xcom',
      tags: ['XComs'],
      validate: xcomValidators,
      responses: { 200: { description: 'The XCom', schema: xcom }, 404: missing },
      handler: async (c) => {
        const where = { ...c.req.valid('param'), ...c.req.valid('query') }
        const found = await getXCom(c.env.DB, where)
        if (!found) return c.json(xcomMissing(where.key), 404)
        return c.json({ key: where.key, value: found.value }, 200)
      },
    }),
    defineRoute({
      method: 'post',
      path: xcomPath,
      summary: 'Set an XCom; the request body is its JSON value',
      operationId: 'set_xcom',
      tags: ['XComs'],
      validate: { ...xcomValidators, json: xcomBody },
      responses: { 201: { description: 'The XCom as set', schema: xcom } },
      handler: async (c) => {
        const where = { ...c.req.valid('param'), ...c.req.valid('query') }
        const value = c.req.valid('json')
        await setXCom(c.env.DB, where, value)
        return c.json({ key: where.key, value }, 201)
      },
    }),
    defineRoute({
      method: 'delete',
      path: xcomPath,
      summary: 'Delete an XCom',
      operationId: 'delete_xcom',
      tags: ['XComs'],
      validate: xcomValidators,
      responses: { 204: { description: 'Deleted' }, 404: missing },
      handler: async (c) => {
        const where = { ...c.req.valid('param'), ...c.req.valid('query') }
        if (await deleteXCom(c.env.DB, where)) return c.body(null, 204)
        return c.json(xcomMissing(where.key), 404)
      },
    }),
  ],
})
