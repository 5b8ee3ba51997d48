import { notFound, plainDetail } from '../models/common'
import { hitlRequest, hitlResponse, hitlUpdate } from '../models/hitl'
import { tiParam } from '../schemas'
import { findHitl, requestOf, respondHitl, responseOf, upsertHitl } from '../store/hitl'
import { defineGroup, defineRoute, notFoundBody } from './builders'

// Human-in-the-loop details (routes/hitl.py at apache/airflow@1e838499fa38), under Airflow's
// authenticated router: any execution token, no `ti:self`. Parking a task in `awaiting_input` is
// still refused by the state route (see the README's remaining differences).

const tags = ['Human in the Loop']
const missing = notFoundBody(
  'HITLDetail not found. This happens most likely due to clearing task instance before receiving response.',
)
const notFoundDoc = { description: 'No detail for this task instance', schema: notFound }

export const hitlDetails = defineGroup({
  path: '/hitlDetails',
  routes: [
    defineRoute({
      method: 'post',
      path: '/:task_instance_id',
      summary: 'Create the Human-in-the-loop detail of a task instance',
      description:
        'An existing detail is kept, and loses its response (a cleared task asks again).',
      operationId: 'upsert_hitl_detail',
      tags,
      validate: { param: tiParam, json: hitlRequest },
      responses: {
        201: { description: 'The detail', schema: hitlRequest },
        404: { description: 'Unknown task instance', schema: notFound },
      },
      handler: async (c) => {
        const { task_instance_id: id } = c.req.valid('param')
        const row = await upsertHitl(c.env.DB, id, c.req.valid('json'))
        if (!row) return c.json(notFoundBody('Task Instance not found'), 404)
        return c.json(requestOf(row), 201)
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/:task_instance_id',
      summary: 'Record the response to a Human-in-the-loop detail',
      operationId: 'update_hitl_detail',
      tags,
      validate: { param: tiParam, json: hitlUpdate },
      responses: {
        200: { description: 'The response', schema: hitlResponse },
        404: notFoundDoc,
        409: { description: 'Already answered', schema: plainDetail },
      },
      handler: async (c) => {
        const { task_instance_id: id } = c.req.valid('param')
        const { chosen_options, params_input } = c.req.valid('json')
        const now = new Date().toISOString()
        const row = await respondHitl(c.env.DB, id, chosen_options, params_input ?? {}, now)
        if (row) return c.json(responseOf(row), 200)
        if (!(await findHitl(c.env.DB, id))) return c.json(missing, 404)
        const detail = `Human-in-the-loop detail for Task Instance with id ${id} already exists.`
        return c.json({ detail }, 409)
      },
    }),
    defineRoute({
      method: 'get',
      path: '/:task_instance_id',
      summary: 'The response part of a Human-in-the-loop detail',
      operationId: 'get_hitl_detail',
      tags,
      validate: { param: tiParam },
      responses: { 200: { description: 'The response', schema: hitlResponse }, 404: notFoundDoc },
      handler: async (c) => {
        const { task_instance_id: id } = c.req.valid('param')
        const row = await findHitl(c.env.DB, id)
        if (!row) return c.json(missing, 404)
        return c.json(responseOf(row), 200)
      },
    }),
  ],
})
