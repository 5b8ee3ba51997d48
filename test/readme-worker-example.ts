import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import {
  accessTokenProfile,
  jwtAuth,
  KeysUnavailableError,
  routeBuilders,
  routeTable,
} from 'hono-scoped-jwt'
import { discoveredKeys } from 'hono-scoped-jwt/remote'
import * as z from 'zod'

export type Bindings = { OIDC_ISSUER: string; API_AUDIENCE: string; APP_ORIGIN: string }

const profile = accessTokenProfile({ claims: z.object({ org: z.string() }) })

/** The API for one set of bindings: discovery, key set and policy set up here, once. */
export const createApi = (env: Bindings) => {
  const auth = jwtAuth({
    keys: discoveredKeys(env.OIDC_ISSUER), // the provider's own "issuer", trailing slash and all
    audience: env.API_AUDIENCE,
    algorithms: ['RS256'],
    profile,
    cookie: 'session', // a browser app's token; other clients send Authorization: Bearer
  })
  const { defineGroup } = routeBuilders(auth).withEnv<{ Bindings: Bindings }>()
  const orgs = defineGroup({
    path: '/orgs/:org_id',
    scopes: ['self:org_id=org'], // the token's org claim = the path's org_id
    routes: ({ defineRoute }) => [
      defineRoute({
        method: 'get',
        path: '/tasks',
        scopes: ['tasks:read'],
        handler: (c) => c.json({ org: c.req.param('org_id'), tasks: [] }),
      }),
      defineRoute({
        method: 'post',
        path: '/tasks',
        scopes: ['tasks:write'],
        validate: { json: z.object({ title: z.string() }) },
        handler: (c) => {
          const { title } = c.req.valid('json')
          return c.json({ org: c.req.param('org_id'), title, by: c.var.token.sub }, 201)
        },
      }),
    ],
  })
  const app = new Hono<{ Bindings: Bindings }>()
  // A browser sends the cookie with other sites' requests too: refuse their form posts (403).
  app.use(csrf({ origin: env.APP_ORIGIN }))
  app.onError((err, c) => {
    if (err instanceof KeysUnavailableError) console.error('token keys unavailable:', err.cause)
    return err instanceof HTTPException ? err.getResponse() : c.json({ detail: 'Internal' }, 500)
  })
  return routeTable(orgs, { auth }).mount(app)
}

const apis = new WeakMap<Bindings, ReturnType<typeof createApi>>()

export default {
  fetch: (request, env, ctx) => {
    let api = apis.get(env)
    if (!api) {
      api = createApi(env)
      apis.set(env, api)
    }
    return api.fetch(request, env, ctx)
  },
} satisfies ExportedHandler<Bindings>
