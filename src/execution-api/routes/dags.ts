import { dagAnswer, dagParam, reasoned } from '../models/dag-runs'
import { findDag } from '../store/dag-runs'
import { defineGroup, defineRoute, notFoundBody } from './builders'

// `GET /dags/{dag_id}` (the 2026-04-06 version's `AddDagEndpoint`; its 404 as routes/dags.py at
// apache/airflow@7cec476dfeb1 writes it). Any execution token.

/** `GET /dags/{dag_id}`: what this Worker knows of a dag (no bundles, no schedule). */
export const dags = defineGroup({
  path: '/dags',
  routes: [
    defineRoute({
      method: 'get',
      path: '/:dag_id',
      summary: 'A dag',
      operationId: 'get_dag',
      tags: ['Dags'],
      validate: { param: dagParam },
      responses: {
        200: { description: 'The dag', schema: dagAnswer },
        404: { description: 'Unknown dag', schema: reasoned },
      },
      handler: async (c) => {
        const { dag_id } = c.req.valid('param')
        const dag = await findDag(c.env.DB, dag_id)
        if (!dag) {
          return c.json(notFoundBody(`The Dag with dag_id: \`${dag_id}\` was not found`), 404)
        }
        return c.json(
          {
            dag_id,
            is_paused: dag.is_paused === 1,
            bundle_name: null,
            bundle_version: null,
            relative_fileloc: null,
            owners: dag.owners,
            tags: JSON.parse(dag.tags) as string[],
            next_dagrun: null,
          },
          200,
        )
      },
    }),
  ],
})
