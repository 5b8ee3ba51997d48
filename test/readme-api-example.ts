import { Hono } from 'hono'
import { accessTokenProfile, jwtAuth, routeBuilders, routeTable } from 'hono-scoped-jwt'
import { discoveredKeys } from 'hono-scoped-jwt/remote'
import * as z from 'zod'

const profile = accessTokenProfile({ claims: z.object({ org: z.string() }) })

export const makeApi = (issuer: string, audience: string) => {
  const keys = discoveredKeys(issuer) // the provider's key set, by OpenID discovery
  const auth = jwtAuth({ keys, audience, algorithms: ['RS256'], profile })
  const { defineGroup, defineRoute } = routeBuilders(auth)
  const tasks = defineGroup({
    path: '/orgs/:org_id/tasks',
    scopes: ['self:org_id=org', 'tasks:read'], // token's org = path org_id, and tasks:read granted
    routes: [
      defineRoute({ method: 'get', path: '/', handler: (c) => c.json({ org: c.var.token.org }) }),
      defineRoute({
        method: 'post',
        path: '/',
        scopes: ['tasks:write'], // needs tasks:read and tasks:write
        handler: (c) => c.json({ createdBy: c.var.token.sub }, 201),
      }),
    ],
  })
  return routeTable(tasks, { auth }).mount(new Hono())
}
