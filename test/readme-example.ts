import { Hono } from 'hono'
import { currentToken, jwtAuth, localKeys, routeTable } from 'hono-scoped-jwt'
import { defineGroup, defineRoute, taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { createIssuer } from 'hono-scoped-jwt/mint'
import * as z from 'zod'

export const makeApp = (privateJwk: string) => {
  const keys = localKeys([privateJwk]) // its public half verifies
  const auth = jwtAuth({ profile: taskInstanceProfile, keys, algorithms: ['EdDSA'] })
  const issuer = createIssuer({ profile: taskInstanceProfile, privateJwk })

  const taskInstances = defineGroup({
    path: '/task-instances/:task_instance_id',
    scopes: ['ti:self'], // every route below: token sub = path id
    routes: [
      // The one relaxation: this route alone also accepts workload tokens,
      // and exchanges them for an execution token (Refreshed-API-Token).
      defineRoute({
        method: 'patch',
        path: '/run',
        scopes: ['token:execution', 'token:workload'],
        exchange: true,
        validate: { json: z.object({ hostname: z.string(), pid: z.number().int() }) },
        handler: (c) => c.json({ ti: currentToken(c).sub, pid: c.req.valid('json').pid }),
      }),
      // No token scopes: execution tokens only.
      defineRoute({ method: 'put', path: '/heartbeat', handler: (c) => c.body(null, 204) }),
    ],
  })

  const table = routeTable(
    defineGroup({
      path: '/execution',
      routes: [
        defineRoute({
          method: 'get',
          path: '/health',
          public: true,
          handler: (c) => c.json({ status: 'healthy' }),
        }),
        taskInstances,
      ],
    }),
    { auth, issuer },
  )
  return table.mount(new Hono())
}
