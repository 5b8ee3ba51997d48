import { Hono } from 'hono'
import { accessTokenProfile, jwtAuth, routeBuilders, routeTable } from 'hono-scoped-jwt'
import { trustedIssuers } from 'hono-scoped-jwt/issuers'
import { discoveredKeys, remoteKeys } from 'hono-scoped-jwt/remote'

export const makeSeveralIssuersApi = () => {
  const auth = jwtAuth({
    algorithms: ['RS256', 'ES256'],
    profile: accessTokenProfile(),
    issuers: trustedIssuers({
      // People, through the company's OpenID provider (discovery finds its keys and its iss).
      staff: {
        keys: discoveredKeys('https://login.example.com/'),
        audience: 'https://api.example.com',
      },
      // Deploy robots, from the CI's own token service and its key set.
      robots: {
        issuer: 'https://ci.example.com',
        keys: remoteKeys('https://ci.example.com/keys'),
        audience: 'urn:example:deploys',
      },
    }),
  })
  const { defineGroup, defineRoute } = routeBuilders(auth)
  const api = defineGroup({
    path: '/api',
    routes: [
      defineRoute({
        method: 'get',
        path: '/whoami',
        handler: (c) => c.json({ via: c.var.issuer, sub: c.var.token.sub }), // 'staff' | 'robots'
      }),
      defineRoute({
        method: 'post',
        path: '/deploys',
        scopes: ['iss:robots', 'deploy:write'], // robots only, and deploy:write granted
        handler: (c) => c.json({ by: c.var.token.sub }, 201),
      }),
    ],
  })
  return routeTable(api, { auth }).mount(new Hono())
}
