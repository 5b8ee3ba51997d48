// Without `profile`, the library reads OAuth 2.0 access tokens (RFC 9068), not Airflow's task
// tokens: claims on `c.var.token`, realm `api`, any subject, and an audience the verifier must be
// given (or `audience: false`, on purpose). Airflow's defaults apply only where its profile is named.
import { Hono } from 'hono'
import { sign } from 'hono/jwt'
import { createVerifier, jwtAuth, routeBuilders, routeTable } from 'hono-scoped-jwt'
import { taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { createIssuer } from 'hono-scoped-jwt/mint'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'

const secret = 'a shared secret of at least 32 bytes, for HS256!'
const now = () => Math.floor(Date.now() / 1000)
const access = (claims: Record<string, unknown> = {}) =>
  sign({ sub: 'alice', aud: 'https://api.example.com', exp: now() + 300, ...claims }, secret)
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

const whoami = (options: Partial<Parameters<typeof jwtAuth>[0]> = {}) => {
  const auth = jwtAuth({ secret, algorithms: ['HS256'], ...options })
  const app = new Hono()
  app.get('/me', auth, (c) => c.json(c.var.token))
  return app
}

describe('the default profile is the access-token profile', () => {
  it('reads any subject onto c.var.token, with realm "api"', async () => {
    const app = whoami({ audience: 'https://api.example.com' })
    const res = await app.request('/me', bearer(await access({ scope: 'tasks:read' })))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ sub: 'alice', scope: 'tasks:read' })
    const missing = await app.request('/me')
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"')
  })

  it("has no Airflow audience: a task token's audience is another API's", async () => {
    const app = whoami({ audience: 'https://api.example.com' })
    const airflow = await access({ aud: 'urn:airflow.apache.org:task' })
    const res = await app.request('/me', bearer(airflow))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  it('grants route scopes from the token, in a table built without a profile', async () => {
    const auth = jwtAuth({ secret, algorithms: ['HS256'], audience: 'https://api.example.com' })
    const { defineRoute } = routeBuilders(auth)
    const route = defineRoute({
      method: 'get',
      path: '/tasks',
      scopes: ['tasks:read'],
      handler: (c) => c.json({ by: c.var.token.sub }),
    })
    const app = routeTable(route, { auth }).mount(new Hono())
    expect(
      (await app.request('/tasks', bearer(await access({ scope: 'tasks:read' })))).status,
    ).toBe(200)
    const denied = await app.request('/tasks', bearer(await access({ scope: 'other' })))
    expect(denied.status).toBe(403)
    expect(denied.headers.get('www-authenticate')).toContain('scope="tasks:read"')
  })

  it('mints access tokens: any subject, granted scopes, no token type', async () => {
    const issuer = createIssuer({ secret: secret.repeat(2) })
    const token = await issuer.mint({ sub: 'alice', scopes: ['tasks:read', 'tasks:write'] })
    const claims = decodeJwt(token)
    expect(claims).toMatchObject({ sub: 'alice', scope: 'tasks:read tasks:write' })
    expect(claims).not.toHaveProperty('aud')
  })
})

describe('an audience is required unless the profile names one', () => {
  it('jwtAuth and createVerifier throw without one, saying how to fix it', () => {
    expect(() => jwtAuth({ secret, algorithms: ['HS256'] })).toThrow(/"audience" is required/)
    expect(() => createVerifier({ secret, algorithms: ['HS256'] })).toThrow(
      /"audience" is required.*false/,
    )
  })

  it('audience: false accepts a token without aud, as hono/jwt signs it', async () => {
    const app = whoami({ audience: false })
    const plain = await sign({ sub: 'bob', exp: now() + 300 }, secret)
    const res = await app.request('/me', bearer(plain))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ sub: 'bob' })
  })

  it("the task instance profile, named, brings Airflow's audience", async () => {
    const auth = jwtAuth({ secret, algorithms: ['HS256'], profile: taskInstanceProfile })
    const app = new Hono()
    app.get('/me', auth, (c) => c.json({ sub: c.var.tiToken.sub }))
    const id = crypto.randomUUID()
    const task = await access({ sub: id, aud: 'urn:airflow.apache.org:task', iat: now() })
    const res = await app.request('/me', bearer(task))
    expect(await res.json()).toEqual({ sub: id })
    expect((await app.request('/me', bearer(await access({ sub: id, iat: now() })))).status).toBe(
      401,
    )
  })

  it('a list that names no audience is refused, as before', () => {
    expect(() => jwtAuth({ secret, algorithms: ['HS256'], audience: [] })).toThrow(
      /at least one audience/,
    )
  })
})
