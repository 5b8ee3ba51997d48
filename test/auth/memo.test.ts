// One verification per request, however many layers ask; none shared between requests.

import { Hono } from 'hono'
import { routeTable } from 'hono-scoped-jwt'
import { defineGroup, defineRoute } from 'hono-scoped-jwt/airflow'
import { describe, expect, it } from 'vitest'
import { bearer, claims, countingAuth, makeKeys, tiId } from './helpers'

const keys = await makeKeys()

const nested = defineGroup({
  path: '/a',
  scopes: ['token:execution'],
  routes: [
    defineGroup({
      path: '/b/:task_instance_id',
      scopes: ['ti:self'],
      routes: [
        defineGroup({
          path: '/c',
          routes: [
            defineRoute({
              method: 'get',
              path: '/d',
              handler: (c) => c.json({ sub: c.var.tiToken.sub }),
            }),
          ],
        }),
      ],
    }),
    defineRoute({ method: 'get', path: '/open', public: true, handler: (c) => c.text('open') }),
  ],
})

const build = () => {
  const { auth, counter } = countingAuth(keys)
  const app = new Hono()
  // The middleware applied twice more around the table's own guard: still one verification.
  app.use('*', auth)
  app.use('/a/*', auth)
  routeTable(nested, { auth }).mount(app)
  return { app, counter }
}

describe('verification is memoised per request', () => {
  it('through a three-level nested table plus two app.use layers: exactly 1', async () => {
    const { app, counter } = build()
    const res = await app.request(`/a/b/${tiId}/c/d`, bearer(await keys.sign(claims())))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: tiId })
    expect(counter.verifications).toBe(1)
  })

  it('a failed verification is not retried in the same request', async () => {
    const { app, counter } = build()
    const res = await app.request(
      `/a/b/${tiId}/c/d`,
      bearer(await keys.sign(claims({ aud: 'nope' }))),
    )
    expect(res.status).toBe(401)
    expect(counter.verifications).toBe(1)
  })

  it('each request verifies its own token: n requests, n verifications', async () => {
    const { app, counter } = build()
    const tokens = await Promise.all(Array.from({ length: 20 }, () => keys.sign(claims())))
    const answers = await Promise.all(tokens.map((t) => app.request(`/a/b/${tiId}/c/d`, bearer(t))))
    expect(answers.map((r) => r.status)).toEqual(tokens.map(() => 200))
    expect(counter.verifications).toBe(20)
  })

  it('a public route never looks at the header', async () => {
    const { auth, counter } = countingAuth(keys)
    const app = routeTable(nested, { auth }).mount(new Hono())
    const res = await app.request('/a/open', {
      headers: { authorization: 'Bearer garbage garbage' },
    })
    expect(res.status).toBe(200)
    expect(counter.verifications).toBe(0)
  })
})
