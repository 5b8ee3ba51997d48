import * as z from 'zod'
import { notFound } from '../models/common'
import { connection } from '../schemas'
import { defineGroup, defineRoute, notFoundBody } from './builders'

// Routes the Task SDK client calls for work this Worker never creates: connection tests (queued by
// Airflow's UI through its core API) and executor callbacks (created by its scheduler). No such
// record can exist here, so each answers what Airflow answers for an unknown id, after its
// policy and validation (routes/connection_tests.py and callbacks.py at apache/airflow, the
// revisions with `ct:self` and `callback_run`). `self:<param>` is Airflow's `ct:self` and
// callback subject check: the token's subject must be the id in the path.

const missing = { description: 'Never found here', schema: notFound }

/** `ConnectionTestResultBody` (`extra="forbid"`). */
const connectionTestResult = z
  .strictObject({
    state: z.enum(['pending', 'queued', 'running', 'success', 'failed']),
    result_message: z.string().max(2000).nullable().optional(),
  })
  .meta({ title: 'ConnectionTestResultBody' })

const connectionTestParam = z.object({ connection_test_id: z.uuid() })
const testMissing = (id: string) => notFoundBody(`Connection test ${id.toLowerCase()} not found`)

export const connectionTests = defineGroup({
  path: '/connection-tests',
  scopes: ['self:connection_test_id'],
  routes: [
    defineRoute({
      method: 'get',
      path: '/:connection_test_id/connection',
      summary: 'The connection of a connection test request (none exist here)',
      operationId: 'get_connection_test_connection',
      tags: ['Connection Tests'],
      validate: { param: connectionTestParam },
      responses: {
        200: {
          description: 'The connection to test (never: no request exists)',
          schema: connection,
        },
        404: missing,
      },
      handler: (c) => c.json(testMissing(c.req.valid('param').connection_test_id), 404),
    }),
    defineRoute({
      method: 'patch',
      path: '/:connection_test_id',
      scopes: ['token:execution', 'token:workload'],
      summary: 'Report the result of a connection test (none exist here)',
      operationId: 'patch_connection_test',
      tags: ['Connection Tests'],
      validate: { param: connectionTestParam, json: connectionTestResult },
      responses: { 204: { description: 'Recorded (never: no request exists)' }, 404: missing },
      handler: (c) => c.json(testMissing(c.req.valid('param').connection_test_id), 404),
    }),
  ],
})

export const callbacks = defineGroup({
  path: '/callbacks',
  routes: [
    defineRoute({
      method: 'patch',
      path: '/:callback_id/run',
      scopes: ['self:callback_id', 'token:execution', 'token:workload'],
      summary: 'Start an executor callback (none exist here)',
      operationId: 'callback_run',
      tags: ['Callbacks'],
      validate: { param: z.object({ callback_id: z.uuid() }) },
      responses: { 204: { description: 'Started (never: no callback exists)' }, 404: missing },
      handler: (c) => c.json(notFoundBody('Callback not found'), 404),
    }),
  ],
})
