// Errors are HTTPExceptions with stable codes: apps can branch on them in app.onError.

import { Hono } from 'hono'
import { AuthError, routeTable } from 'hono-scoped-jwt'
import { defineRoute } from 'hono-scoped-jwt/airflow'
import { describe, expect, it } from 'vitest'
import { bearer, claims, countingAuth, makeKeys, tiId } from './helpers'

const keys = await makeKeys()
const { auth } = countingAuth(keys)

describe('errors', () => {
  it('app.onError sees the class and its code, and can answer its own way', async () => {
    const app = new Hono()
    app.onError((err, c) => {
      if (err instanceof AuthError)
        return c.json({ code: err.code, status: err.status }, err.status)
      return c.json({ code: 'other' }, 500)
    })
    routeTable(defineRoute({ method: 'get', path: '/x', handler: (c) => c.text('ok') }), {
      auth,
    }).mount(app)
    const expired = await app.request('/x', bearer(await keys.sign(claims({}, 700, 600))))
    expect(await expired.json()).toEqual({ code: 'ERR_TOKEN_EXPIRED', status: 401 })
    const missing = await app.request('/x')
    expect(await missing.json()).toEqual({ code: 'ERR_AUTH_MISSING', status: 401 })
    const workload = await app.request('/x', bearer(await keys.sign(claims({ scope: 'workload' }))))
    expect(await workload.json()).toEqual({ code: 'ERR_TOKEN_TYPE_NOT_ALLOWED', status: 403 })
  })

  it('without onError, the error renders itself', async () => {
    const app = routeTable(
      defineRoute({ method: 'get', path: '/x', handler: (c) => c.text('ok') }),
      {
        auth,
      },
    ).mount(new Hono())
    const res = await app.request('/x', { headers: { authorization: 'Bearer' } })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/json')
  })

  it('an exchange route that fails mints nothing', async () => {
    const app = routeTable(
      defineRoute({
        method: 'patch',
        path: '/ti/:task_instance_id/run',
        scopes: ['ti:self', 'token:execution', 'token:workload'],
        exchange: true,
        handler: (c) => c.json({ detail: { reason: 'invalid_state' } }, 409),
      }),
      { auth, issuer: keys.issuer },
    ).mount(new Hono())
    const res = await app.request(`/ti/${tiId}/run`, {
      method: 'PATCH',
      ...bearer(await keys.sign(claims({ scope: 'workload' }))),
    })
    expect(res.status).toBe(409)
    expect(res.headers.get('refreshed-api-token')).toBeNull()
  })

  it('a validation failure answers 422 with the issues, not 500', async () => {
    const { z } = await import('zod')
    const app = routeTable(
      defineRoute({
        method: 'post',
        path: '/x',
        validate: { json: z.object({ pid: z.number().int() }) },
        handler: (c) => c.json(c.req.valid('json')),
      }),
      { auth },
    ).mount(new Hono())
    const headers = {
      ...bearer(await keys.sign(claims())).headers,
      'content-type': 'application/json',
    }
    const bad = await app.request('/x', { method: 'POST', headers, body: '{"pid":"one"}' })
    expect(bad.status).toBe(422)
    const body = (await bad.json()) as { detail: { loc: unknown[]; type: string }[] }
    expect(body.detail[0]).toMatchObject({ loc: ['body', 'pid'], type: 'invalid_type' })
    const broken = await app.request('/x', { method: 'POST', headers, body: '{"pid":' })
    expect(broken.status).toBe(422)
    expect(await broken.json()).toMatchObject({ detail: [{ loc: ['body'], type: 'json_invalid' }] })
  })
})
