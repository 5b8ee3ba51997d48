// What the table answers before a handler sees a request: bodies over the route's limit (413), a
// method the path does not serve (405 with Allow), a JSON route without a JSON Content-Type (415),
// and the tables it refuses to build (exchange without an issuer, a bad bodyLimit).

import { Hono } from 'hono'
import { routeTable } from 'hono-scoped-jwt'
import { defineGroup, defineRoute } from 'hono-scoped-jwt/airflow'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { bearer, claims, countingAuth, makeKeys, seedTable } from './helpers'

const keys = await makeKeys()
const { auth } = countingAuth(keys)
const token = await keys.sign(claims())
const MiB = 1024 * 1024

const ok = (c: { json: (v: unknown) => Response }) => c.json({ ok: true })
const table = defineGroup({
  path: '/api',
  routes: [
    defineRoute({ method: 'get', path: '/health', public: true, handler: ok }),
    defineRoute({
      method: 'put',
      path: '/items/:key',
      validate: { json: z.object({ value: z.string() }) },
      handler: (c) => c.json({ length: c.req.valid('json').value.length }, 201),
    }),
    defineRoute({ method: 'get', path: '/items/:key', handler: ok }),
    defineRoute({ method: 'delete', path: '/items/:key', handler: ok }),
    defineRoute({
      method: 'post',
      path: '/small',
      bodyLimit: 16,
      validate: { json: z.unknown() },
      handler: ok,
    }),
    defineRoute({ method: 'post', path: '/raw', public: true, handler: ok }),
  ],
})
const app = routeTable(table, { auth }).mount(new Hono())

const put = (body: BodyInit, headers: Record<string, string> = {}) =>
  app.request('/api/items/k', {
    method: 'PUT',
    body,
    headers: { ...bearer(token).headers, 'content-type': 'application/json', ...headers },
  })

/** A JSON body of exactly `size` bytes: `{"value":"xxx…"}`. */
const bodyOf = (size: number) => `{"value":"${'x'.repeat(size - 12)}"}`

/** A body streamed in 64 KiB chunks, with no Content-Length. */
const streamed = (size: number) => {
  let left = size
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left <= 0) return controller.close()
      const n = Math.min(left, 65536)
      left -= n
      controller.enqueue(new Uint8Array(n).fill(0x20))
    },
  })
}

describe('request body limit', () => {
  it('takes a body of exactly 1 MiB by default; one byte more is 413 with a detail', async () => {
    expect(bodyOf(MiB).length).toBe(MiB)
    const fits = await put(bodyOf(MiB))
    expect(fits.status).toBe(201)
    expect(await fits.json()).toEqual({ length: MiB - 12 })
    const over = await put(bodyOf(MiB + 1))
    expect(over.status).toBe(413)
    expect(await over.json()).toEqual({ detail: 'Request body too large: at most 1048576 bytes' })
  })

  it('counts a streamed body with no Content-Length as it arrives', async () => {
    const res = await app.request('/api/items/k', {
      method: 'PUT',
      body: streamed(3 * MiB),
      headers: { ...bearer(token).headers, 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
  })

  it('no size of body gets a 5xx', async () => {
    for (const size of [0, 12, MiB - 1, MiB + 1, 2 * MiB, 60 * MiB]) {
      const res = await put(size >= 12 ? bodyOf(size) : 'x'.repeat(size))
      expect(res.status, `${size} bytes`).toBeLessThan(500)
    }
  })

  it('a route sets its own limit, the table its default; list() shows each', async () => {
    const small = (body: string) =>
      app.request('/api/small', {
        method: 'POST',
        body,
        headers: { ...bearer(token).headers, 'content-type': 'application/json' },
      })
    expect((await small('"0123456789abcd"')).status).toBe(200) // 16 bytes
    expect((await small('"0123456789abcde"')).status).toBe(413) // 17 bytes
    const tight = routeTable(table, { auth, bodyLimit: 1024 })
    const limits = Object.fromEntries(
      tight.routes.map((r) => [`${r.method} ${r.path}`, r.bodyLimit]),
    )
    expect(limits['put /api/items/:key']).toBe(1024)
    expect(limits['post /api/small']).toBe(16)
    const res = await tight
      .mount(new Hono())
      .request('/api/raw', { method: 'POST', body: 'x'.repeat(1025) })
    expect(res.status).toBe(413)
  })

  it('a bodyLimit that is not a whole number of bytes throws when the table is built', () => {
    const bad = defineRoute({ method: 'post', path: '/x', bodyLimit: 1.5, handler: ok })
    expect(() => routeTable(bad, { auth })).toThrow(
      new TypeError('POST /x: bodyLimit must be a whole number of bytes, not 1.5'),
    )
    expect(() => routeTable(table, { auth, bodyLimit: -1 })).toThrow(TypeError)
  })
})

describe('a method the path does not serve', () => {
  it('405 with Allow and the detail FastAPI writes, before any auth', async () => {
    const res = await app.request('/api/health', { method: 'POST' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
    expect(await res.json()).toEqual({ detail: 'Method Not Allowed' })

    const items = await app.request('/api/items/k', { method: 'PATCH' })
    expect(items.status).toBe(405)
    expect(items.headers.get('allow')).toBe('PUT, GET, HEAD, DELETE')
    expect((await app.request('/api/small', { method: 'GET' })).headers.get('allow')).toBe('POST')
    expect((await app.request('/api/health', { method: 'OPTIONS' })).status).toBe(405)
  })

  it('served methods, HEAD on a GET route and unknown paths answer as before', async () => {
    expect((await app.request('/api/health')).status).toBe(200)
    expect((await app.request('/api/health', { method: 'HEAD' })).status).toBe(200)
    expect((await app.request('/api/items/k', { method: 'DELETE' })).status).toBe(401)
    expect((await app.request('/api/nowhere', { method: 'POST' })).status).toBe(404)
  })

  it('steps aside for a route the app adds later on the same path', async () => {
    const later = routeTable(table, { auth }).mount(new Hono())
    later.post('/api/health', (c) => c.text('added later', 202))
    expect((await later.request('/api/health', { method: 'POST' })).status).toBe(202)
    expect((await later.request('/api/health', { method: 'PUT' })).status).toBe(405)
  })

  it('works under a base path', async () => {
    const based = routeTable(table, { auth }).mount(new Hono().basePath('/v1'))
    const res = await based.request('/v1/api/health', { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
  })
})

describe('a JSON route without a JSON Content-Type', () => {
  it('415 naming the content type, not one 422 per field', async () => {
    const none = await app.request('/api/items/k', {
      method: 'PUT',
      // Bytes: a string body would get `text/plain` from the Request constructor.
      body: new TextEncoder().encode('{"value":"v"}'),
      headers: bearer(token).headers,
    })
    expect(none.headers.get('content-type')).toBe('application/json')
    expect(none.status).toBe(415)
    expect(await none.json()).toEqual({
      detail: 'Unsupported Media Type: no Content-Type; this route takes application/json',
    })
    const text = await put('{"value":"v"}', { 'content-type': 'text/plain;charset=UTF-8' })
    expect(text.status).toBe(415)
    expect(await text.json()).toEqual({
      detail:
        "Unsupported Media Type: Content-Type 'text/plain'; this route takes application/json",
    })
  })

  it('application/json with parameters, and +json types, are read', async () => {
    for (const type of [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/merge-patch+json',
    ]) {
      expect((await put('{"value":"v"}', { 'content-type': type })).status, type).toBe(201)
    }
  })

  it('auth comes first: no token is 401 whatever the content type', async () => {
    const res = await app.request('/api/items/k', { method: 'PUT', body: 'x' })
    expect(res.status).toBe(401)
  })
})

describe('exchange', () => {
  it('a table with an exchange route and no issuer throws when it is built', () => {
    expect(() => routeTable(seedTable(), { auth })).toThrow(
      "PATCH /execution/task-instances/:task_instance_id/run: exchange needs an issuer (routeTable's `issuer` option) to mint the execution token",
    )
    expect(() => routeTable(seedTable(), { auth, issuer: keys.issuer })).not.toThrow()
  })
})
