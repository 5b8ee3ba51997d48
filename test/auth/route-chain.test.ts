// A table route's handlers (refresh, guard, exchange, checks, validators, handler) are mounted as one
// router entry; they must still run as Hono runs separately registered handlers: an error thrown by
// one becomes the app's error answer at that level (with `app.onError` set after mounting), and the
// middleware around it carries on after `next()`.

import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { routeTable } from 'hono-scoped-jwt'
import { defineGroup, defineRoute } from 'hono-scoped-jwt/airflow'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { bearer, claims, countingAuth, makeKeys, tiId } from './helpers'

const keys = await makeKeys()
const { auth } = countingAuth(keys)

const table = defineGroup({
  path: '/execution',
  routes: [
    defineRoute({
      method: 'put',
      path: '/conflict/:key',
      validate: { json: z.object({ value: z.string() }) },
      handler: () => {
        throw new HTTPException(409, { message: 'taken' })
      },
    }),
    defineRoute({
      method: 'get',
      path: '/broken',
      handler: () => {
        throw new Error('bug')
      },
    }),
    defineRoute({ method: 'get', path: '/fine', handler: (c) => c.json({ ok: true }) }),
  ],
})

const app = routeTable(table, { auth, issuer: keys.issuer }).mount(new Hono())
// Set after mounting, as the Worker does: the routes must use it all the same.
app.onError((error, c) =>
  error instanceof HTTPException
    ? c.json({ detail: error.message }, error.status)
    : c.json({ detail: 'Internal Server Error' }, 500),
)

const nearExpiry = () => keys.sign(claims({}, 590, 600))

describe('a table route mounted as one entry', () => {
  it('an error from the handler is the app error answer, and still refreshes a token near expiry', async () => {
    const res = await app.request('/execution/conflict/k', {
      method: 'PUT',
      body: JSON.stringify({ value: 'v' }),
      headers: { ...bearer(await nearExpiry()).headers, 'content-type': 'application/json' },
    })
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({ detail: 'taken' })
    expect(decodeJwt(res.headers.get('refreshed-api-token') ?? '')).toMatchObject({ sub: tiId })
  })

  it('an unexpected error is the app 500 answer', async () => {
    const res = await app.request('/execution/broken', bearer(await nearExpiry()))
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ detail: 'Internal Server Error' })
    expect(res.headers.get('refreshed-api-token')).not.toBeNull()
  })

  it('validation, auth and the handler keep their order and answers', async () => {
    const token = await keys.sign(claims())
    const bad = await app.request('/execution/conflict/k', {
      method: 'PUT',
      body: JSON.stringify({ value: 1 }),
      headers: { ...bearer(token).headers, 'content-type': 'application/json' },
    })
    expect(bad.status).toBe(422)
    expect((await app.request('/execution/fine')).status).toBe(401)
    const fine = await app.request('/execution/fine', bearer(token))
    expect(fine.status).toBe(200)
    expect(await fine.json()).toEqual({ ok: true })
  })
})
